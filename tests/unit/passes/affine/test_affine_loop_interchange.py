"""affine-loop-interchange: legal permutations keep the meaning, illegal ones are refused."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from programs import affine_matmul, stencil
from semantics import apply, assert_preserves_semantics, parse
from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import ModuleOp

from ziggurat.targets.ref import random_inputs, run_function
from ziggurat.tools.driver import ToolError


def loop_order(module: ModuleOp) -> list[str]:
    """The induction variables of the affine.for ops, outermost first."""
    return [
        op.body.block.args[0].name_hint or "?"
        for op in module.walk()
        if isinstance(op, xaffine.ForOp)
    ]


def spell(perm: tuple[int, ...]) -> str:
    return f"affine-loop-interchange{{permutation={','.join(map(str, perm))}}}"


def permuted(names: list[str], perm: tuple[int, ...]) -> list[str]:
    """MLIR's convention: loop i moves to position perm[i]."""
    out = [""] * len(perm)
    for i, p in enumerate(perm):
        out[p] = names[i]
    return out + names[len(perm) :]


dims = st.integers(1, 7)


@settings(max_examples=20, deadline=None)
@given(dims, dims, dims, st.permutations([0, 1, 2]))
def test_matmul_every_order_is_legal(m: int, n: int, k: int, perm: list[int]) -> None:
    module = assert_preserves_semantics(affine_matmul(m, n, k), spell(tuple(perm)))
    assert loop_order(module) == permuted(["i", "j", "k"], tuple(perm))


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(2, 3), st.permutations([0, 1, 2, 3]))
def test_conv_2d_keeps_its_reduction_order(n: int, r: int, perm: list[int]) -> None:
    """out[y, x] += in[y + p, x + q] * w[p, q]: every (p, q) iteration
    updates out[y, x], in the order p-major. Orders that keep %p outside %q
    are legal (y and x go anywhere); the others would reorder that sequence
    of updates, which the analysis counts as a dependence reversed."""
    size = n + r - 1
    text = f"""
func.func @conv(%I: memref<{size}x{size}xf32>, %W: memref<{r}x{r}xf32>, %O: memref<{n}x{n}xf32>) {{
  affine.for %y = 0 to {n} {{
    affine.for %x = 0 to {n} {{
      affine.for %p = 0 to {r} {{
        affine.for %q = 0 to {r} {{
          %i = affine.load %I[%y + %p, %x + %q] : memref<{size}x{size}xf32>
          %w = affine.load %W[%p, %q] : memref<{r}x{r}xf32>
          %o = affine.load %O[%y, %x] : memref<{n}x{n}xf32>
          %m = arith.mulf %i, %w : f32
          %s = arith.addf %o, %m : f32
          affine.store %s, %O[%y, %x] : memref<{n}x{n}xf32>
        }}
      }}
    }}
  }}
  return
}}
"""
    if perm[2] < perm[3]:
        module = assert_preserves_semantics(text, spell(tuple(perm)))
        assert loop_order(module) == permuted(["y", "x", "p", "q"], tuple(perm))
    else:
        with pytest.raises(ToolError, match=r"has direction \(=, =, <, >\)"):
            apply(parse(text), spell(tuple(perm)))


@settings(max_examples=10, deadline=None)
@given(dims, dims, dims, st.permutations([0, 1, 2]))
def test_nest_from_linalg_matmul(m: int, n: int, k: int, perm: list[int]) -> None:
    text = f"""
func.func @mm(%A: memref<{m}x{k}xf32>, %B: memref<{k}x{n}xf32>, %C: memref<{m}x{n}xf32>) {{
  linalg.matmul ins(%A, %B : memref<{m}x{k}xf32>, memref<{k}x{n}xf32>)
                outs(%C : memref<{m}x{n}xf32>)
  return
}}
"""
    assert_preserves_semantics(text, f"convert-linalg-to-affine-loops,{spell(tuple(perm))}")


def legal(offsets: tuple[int, int, int], perm: tuple[int, ...]) -> bool:
    """The textbook rule: the dependence, oriented forwards in time, must stay
    lexicographically positive once permuted."""
    sign = next((x for x in offsets if x), 0)
    if sign == 0:
        return True
    forward = [x * sign for x in offsets]
    after = permuted([str(x) for x in forward], perm)
    return next(int(x) for x in after if int(x)) > 0


@settings(max_examples=40, deadline=None)
@given(st.tuples(*[st.integers(-1, 1)] * 3), st.permutations([0, 1, 2]))
def test_stencil_refuses_exactly_the_illegal_orders(
    offsets: tuple[int, int, int], perm: list[int]
) -> None:
    text, pipeline = stencil(offsets), spell(tuple(perm))
    if legal(offsets, tuple(perm)):
        module = assert_preserves_semantics(text, pipeline)
        assert loop_order(module) == permuted(["i", "j", "k"], tuple(perm))
    else:
        with pytest.raises(ToolError, match="cannot interchange") as error:
            apply(parse(text), pipeline)
        assert error.value.location is not None and error.value.location[1:] == (3, 3)
        assert "'affine.load' at 6:9 and 'affine.store' at 8:9" in error.value.message


def test_every_illegal_order_is_one_that_changes_results() -> None:
    """Cross-check of the oracle above with the meaning of the program: for
    the skewed stencil, the one refused order is the one whose hand-written
    nest computes something else."""
    refused = [
        perm for perm in itertools.permutations(range(2)) if not legal((1, -1, 0), (*perm, 2))
    ]
    assert refused == [(1, 0)]
    swapped_by_hand = """
func.func @stencil(%A: memref<6x6x6xf32>) {
  affine.for %j = 1 to 5 {
    affine.for %i = 1 to 5 {
      affine.for %k = 1 to 5 {
        %v = affine.load %A[%i - 1, %j + 1, %k] : memref<6x6x6xf32>
        %w = arith.addf %v, %v : f32
        affine.store %w, %A[%i, %j, %k] : memref<6x6x6xf32>
      }
    }
  }
  return
}
"""
    original = parse(stencil((1, -1, 0)))
    args = random_inputs(original)
    want, got = [a.copy() for a in args], [a.copy() for a in args]
    run_function(original, want)
    run_function(parse(swapped_by_hand), got)
    assert not np.allclose(got[0], want[0])


def test_triangular_band_is_refused_where_the_order_breaks_its_bounds() -> None:
    text = """
func.func @tri(%A: memref<8x8x3xf32>, %B: memref<8x8x3xf32>) {
  affine.for %i = 0 to 8 {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to 8 {
      affine.for %k = 0 to 3 {
        %v = affine.load %A[%i, %j, %k] : memref<8x8x3xf32>
        affine.store %v, %B[%j, %i, %k] : memref<8x8x3xf32>
      }
    }
  }
  return
}
"""
    with pytest.raises(ToolError, match="its bounds depend on '%i'") as error:
        apply(parse(text), spell((1, 0, 2)))
    assert error.value.location is not None and error.value.location[1:] == (4, 5)
    module = assert_preserves_semantics(text, spell((0, 2, 1)))
    assert loop_order(module) == ["i", "k", "j"]
