"""affine-parallelize: exactly the loops without loop-carried dependences become parallel."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from programs import affine_matmul, stencil
from semantics import apply, assert_preserves_semantics, parse
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


def test_matmul_through_memory_keeps_only_k_sequential() -> None:
    """C[i, j] += A[i, k] * B[k, j]: %i and %j touch distinct elements of C, %k does not."""
    module = assert_preserves_semantics(affine_matmul(4, 5, 3), "affine-parallelize")
    assert loop_kinds(module) == ["parallel", "parallel", "for"]


tile = st.integers(1, 4)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(2, 6), tile, tile, tile)
def test_tiles_of_a_matmul_are_parallel_and_its_reduction_is_not(
    m: int, n: int, k: int, ti: int, tj: int, tk: int
) -> None:
    """Tile loops over i and j write disjoint blocks of C, like the point loops
    in them; the loops over k (tile and point) all update the same elements."""
    tk = min(tk, k - 1)  # at least two tiles over k, so that its tile loop carries
    module = assert_preserves_semantics(
        affine_matmul(m, n, k), f"affine-loop-tile{{tile-sizes={ti},{tj},{tk}}},affine-parallelize"
    )
    names = {"affine.parallel": "parallel", "affine.for": "for"}
    kinds = {
        op.body.block.args[0].name_hint: names[op.name]  # pyright: ignore[reportAttributeAccessIssue]
        for op in module.walk()
        if op.name in names
    }
    assert kinds == {
        "i_tile": "parallel",
        "j_tile": "parallel",
        "k_tile": "for",
        "i": "parallel",
        "j": "parallel",
        # A tile of one k runs once, which no dependence can cross.
        "k": "parallel" if tk == 1 else "for",
    }


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 5))
def test_max_nested_counts_the_tile_loops_first(limit: int) -> None:
    """`max-nested` bounds the parallel loops produced, outermost (tile) loops first."""
    module = assert_preserves_semantics(
        affine_matmul(8, 6, 5),
        f"affine-loop-tile{{tile-sizes=4,3}},affine-parallelize{{max-nested={limit}}}",
    )
    parallel = min(limit, 4)
    assert loop_kinds(module) == ["parallel"] * parallel + ["for"] * (5 - parallel)


@settings(max_examples=30, deadline=None)
@given(st.tuples(*[st.integers(0, 1)] * 3))
def test_tiled_stencil_keeps_the_tiles_a_dependence_crosses_sequential(
    offsets: tuple[int, int, int],
) -> None:
    """Loops 1..5 in tiles of 2: a non-zero offset in a dimension links
    neighbouring tiles of it (the same tile in the others), so that tile loop
    carries it; the point loops carry it as the untiled nest does. (Offsets of
    one sign: tiling is only legal for those.)"""
    module = assert_preserves_semantics(
        stencil(offsets), "affine-loop-tile{tile-sizes=2,2,2},affine-parallelize"
    )
    carrier = next((level for level, d in enumerate(offsets) if d), None)
    tiles = ["for" if d else "parallel" for d in offsets]
    points = ["for" if level == carrier else "parallel" for level in range(3)]
    assert loop_kinds(module) == tiles + points


def tile_of_parallel(extent: int, condition: bool) -> str:
    """Tiles of 4 over A, each an affine.parallel over `extent` elements from
    the tile's start (overlapping the next tile when `extent` > 4), writing
    under an affine.if when `condition`."""
    store = "affine.store %w, %A[%p] : memref<20xf32>"
    if condition:
        store = f"affine.if affine_set<(d0) : (d0 - 1 >= 0)>(%p) {{\n        {store}\n      }}"
    return f"""
func.func @tiles(%A: memref<20xf32>) {{
  affine.for %t = 0 to 16 step 4 {{
    affine.parallel (%p) = (%t) to (%t + {extent}) {{
      %v = affine.load %A[%p] : memref<20xf32>
      %w = arith.addf %v, %v : f32
      {store}
    }}
  }}
  return
}}
"""


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 5), st.booleans())
def test_loop_around_an_existing_parallel_sees_its_bounds(extent: int, condition: bool) -> None:
    """Accesses inside an affine.parallel (and an affine.if) are those of the
    loop around it: disjoint tiles make it parallel, overlapping ones do not."""
    module = assert_preserves_semantics(tile_of_parallel(extent, condition), "affine-parallelize")
    assert loop_kinds(module) == ["parallel" if extent <= 4 else "for", "parallel"]


def test_scratch_buffer_reused_by_every_iteration_stays_sequential() -> None:
    """Each %i fills and reads the whole of %T: the inner loops are parallel,
    %i is not (the analysis does not privatize buffers)."""
    text = """
func.func @rows(%A: memref<4x6xf32>, %B: memref<4x6xf32>, %T: memref<6xf32>) {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 6 {
      %v = affine.load %A[%i, %j] : memref<4x6xf32>
      affine.store %v, %T[%j] : memref<6xf32>
    }
    affine.for %j = 0 to 6 {
      %v = affine.load %T[5 - %j] : memref<6xf32>
      affine.store %v, %B[%i, %j] : memref<4x6xf32>
    }
  }
  return
}
"""
    module = assert_preserves_semantics(text, "affine-parallelize")
    assert loop_kinds(module) == ["for", "parallel", "parallel"]


coefficient = st.integers(-1, 2)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 3),
    st.integers(0, 5),
    st.tuples(coefficient, coefficient, st.integers(0, 4)),
    st.tuples(coefficient, coefficient, st.integers(0, 4)),
    st.booleans(),
)
def test_no_loop_with_a_conflict_between_its_iterations_becomes_parallel(
    step: int,
    trips: int,
    start: int,
    extent: int,
    read: tuple[int, int, int],
    write: tuple[int, int, int],
    inner_parallel: bool,
) -> None:
    """Soundness against brute force: `%t` and the loop `%p` inside it (from
    `%t + start`, `extent` iterations) read A[a*t + b*p + c] and write
    A[a'*t + b'*p + c']; a loop two of whose iterations touch one element,
    one of them writing, must stay sequential."""

    def subscript(form: tuple[int, int, int], t: int, p: int) -> int:
        return form[0] * t + form[1] * p + form[2] + 20

    def expr(form: tuple[int, int, int]) -> str:
        return f"%t * {form[0]} + %p * {form[1]} + {form[2] + 20}"

    inner = (
        f"affine.parallel (%p) = (%t + {start}) to (%t + {start + extent})"
        if inner_parallel
        else f"affine.for %p = affine_map<(d0) -> (d0 + {start})>(%t) to "
        f"affine_map<(d0) -> (d0 + {start + extent})>(%t)"
    )
    text = f"""
func.func @f(%A: memref<64xf32>) {{
  affine.for %t = 0 to {step * trips} step {step} {{
    {inner} {{
      %v = affine.load %A[{expr(read)}] : memref<64xf32>
      affine.store %v, %A[{expr(write)}] : memref<64xf32>
    }}
  }}
  return
}}
"""
    module = apply(parse(text), "affine-parallelize")
    instances = [
        (t, p) for t in range(0, step * trips, step) for p in range(t + start, t + start + extent)
    ]

    def conflict(same_t: bool) -> bool:
        return any(
            (t1 == t2) == same_t
            and (t1, p1) != (t2, p2)
            and subscript(write, t1, p1) in (subscript(read, t2, p2), subscript(write, t2, p2))
            for t1, p1 in instances
            for t2, p2 in instances
        )

    kinds = loop_kinds(module)
    if conflict(same_t=False):
        assert kinds[0] == "for"
    if conflict(same_t=True) and not inner_parallel:  # (an affine.parallel given stays one)
        assert kinds[1] == "for"
