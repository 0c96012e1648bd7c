"""affine-parallelize: exactly the loops without loop-carried dependences become parallel."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from programs import stencil
from semantics import assert_preserves_semantics
from xdsl.dialects.builtin import ModuleOp


def loop_kinds(module: ModuleOp) -> list[str]:
    """'parallel' or 'for' for each loop, outermost first."""
    kinds = {"affine.parallel": "parallel", "affine.for": "for"}
    return [kinds[op.name] for op in module.walk() if op.name in kinds]


@settings(max_examples=40, deadline=None)
@given(st.tuples(*[st.integers(-1, 1)] * 3))
def test_stencil_keeps_exactly_the_carrying_loop_sequential(offsets: tuple[int, int, int]) -> None:
    """With the enclosing loops fixed, loop l carries the dependence exactly
    when the distance is zero before l and non-zero at l."""
    module = assert_preserves_semantics(stencil(offsets), "affine-parallelize")
    carrier = next((level for level, d in enumerate(offsets) if d), None)
    assert loop_kinds(module) == ["for" if level == carrier else "parallel" for level in range(3)]


def matmul_iter_args(m: int, n: int, k: int) -> str:
    return f"""
func.func @mm(%A: memref<{m}x{k}xf32>, %B: memref<{k}x{n}xf32>, %C: memref<{m}x{n}xf32>) {{
  affine.for %i = 0 to {m} {{
    affine.for %j = 0 to {n} {{
      %init = affine.load %C[%i, %j] : memref<{m}x{n}xf32>
      %r = affine.for %k = 0 to {k} iter_args(%acc = %init) -> (f32) {{
        %a = affine.load %A[%i, %k] : memref<{m}x{k}xf32>
        %b = affine.load %B[%k, %j] : memref<{k}x{n}xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %acc, %p : f32
        affine.yield %s : f32
      }}
      affine.store %r, %C[%i, %j] : memref<{m}x{n}xf32>
    }}
  }}
  return
}}
"""


dims = st.integers(1, 6)


@settings(max_examples=15, deadline=None)
@given(dims, dims, st.integers(0, 7))
def test_matmul_reduction_becomes_parallel_only_when_asked(m: int, n: int, k: int) -> None:
    text = matmul_iter_args(m, n, k)
    module = assert_preserves_semantics(text, "affine-parallelize{parallel-reductions=true}")
    assert loop_kinds(module) == ["parallel", "parallel", "parallel"]
    module = assert_preserves_semantics(text, "affine-parallelize")
    assert loop_kinds(module) == ["parallel", "parallel", "for"]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 4))
def test_max_nested(limit: int) -> None:
    module = assert_preserves_semantics(
        matmul_iter_args(3, 4, 5),
        f"affine-parallelize{{max-nested={limit} parallel-reductions=true}}",
    )
    parallel = min(limit, 3)
    assert loop_kinds(module) == ["parallel"] * parallel + ["for"] * (3 - parallel)


REDUCTIONS = {
    "addf": ("f32", "0.5"),
    "mulf": ("f32", "1.5"),
    "maximumf": ("f32", "-0.25"),
    "minimumf": ("f32", "0.25"),
    "addi": ("i32", "3"),
    "muli": ("i32", "-1"),
    "andi": ("i32", "-1"),
    "ori": ("i32", "8"),
}


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(sorted(REDUCTIONS)), st.integers(0, 9), st.booleans())
def test_reduction_kinds(kind: str, n: int, acc_first: bool) -> None:
    type_, init = REDUCTIONS[kind]
    operands = "%acc, %v" if acc_first else "%v, %acc"
    text = f"""
func.func @reduce(%A: memref<9x{type_}>) -> {type_} {{
  %init = arith.constant {init} : {type_}
  %r = affine.for %i = 0 to {n} iter_args(%acc = %init) -> ({type_}) {{
    %v = affine.load %A[%i] : memref<9x{type_}>
    %s = arith.{kind} {operands} : {type_}
    affine.yield %s : {type_}
  }}
  return %r : {type_}
}}
"""
    module = assert_preserves_semantics(text, "affine-parallelize{parallel-reductions=true}")
    assert loop_kinds(module) == ["parallel"]
    parallel = next(op for op in module.walk() if op.name == "affine.parallel")
    assert parallel.reduction_kinds() == [kind]  # pyright: ignore[reportAttributeAccessIssue]


def test_prefix_sum_stays_sequential() -> None:
    text = """
func.func @scan(%A: memref<16xf32>) {
  affine.for %i = 1 to 16 {
    %prev = affine.load %A[%i - 1] : memref<16xf32>
    %cur = affine.load %A[%i] : memref<16xf32>
    %s = arith.addf %prev, %cur : f32
    affine.store %s, %A[%i] : memref<16xf32>
  }
  return
}
"""
    module = assert_preserves_semantics(text, "affine-parallelize{parallel-reductions=true}")
    assert loop_kinds(module) == ["for"]
