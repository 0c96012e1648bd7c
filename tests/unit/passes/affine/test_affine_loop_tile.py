"""affine-loop-tile keeps the meaning of loop nests, for any shapes and tile sizes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from programs import affine_matmul, stencil
from semantics import apply, assert_close, assert_preserves_semantics, parse, run
from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import ModuleOp

from ziggurat.tools.driver import ToolError


def loops(module: ModuleOp) -> list[xaffine.ForOp]:
    return [op for op in module.walk() if isinstance(op, xaffine.ForOp)]


def steps(module: ModuleOp) -> list[int]:
    return [loop.step.value.data for loop in loops(module)]


dims = st.integers(1, 9)
sizes = st.lists(st.integers(0, 5), max_size=4)


@settings(max_examples=25, deadline=None)
@given(dims, dims, dims, sizes)
def test_matmul_tiles_any_shape(m: int, n: int, k: int, tile_sizes: list[int]) -> None:
    spec = ",".join(map(str, tile_sizes)) if tile_sizes else "0"
    module = assert_preserves_semantics(
        affine_matmul(m, n, k), f"affine-loop-tile{{tile-sizes={spec}}}"
    )
    tiled = [s for s in tile_sizes[:3] if s > 0]
    untiled_outer = next((k for k, s in enumerate(tile_sizes[:3]) if s > 0), 3)
    # One tile loop per tiled loop, stepping by its tile size, inside the
    # untiled outer loops and around the point loops.
    assert steps(module) == [1] * untiled_outer + tiled + [1] * (3 - untiled_outer)


@settings(max_examples=20, deadline=None)
@given(
    lb=st.integers(0, 4),
    extent=st.integers(0, 14),
    step=st.integers(1, 3),
    size=st.integers(1, 5),
    inner=st.integers(1, 6),
)
def test_lower_bounds_and_steps(lb: int, extent: int, step: int, size: int, inner: int) -> None:
    """Tiles of `size` iterations of a loop from `lb` by `step`: every
    iteration runs once, ragged last tile included."""
    ub = lb + extent
    text = f"""
func.func @f(%A: memref<20x6xf32>, %B: memref<20x6xf32>) {{
  affine.for %i = {lb} to {ub} step {step} {{
    affine.for %j = 0 to {inner} {{
      %v = affine.load %A[%i, %j] : memref<20x6xf32>
      %w = affine.load %B[%i, %j] : memref<20x6xf32>
      %s = arith.addf %v, %w : f32
      affine.store %s, %B[%i, %j] : memref<20x6xf32>
    }}
  }}
  return
}}
"""
    module = assert_preserves_semantics(text, f"affine-loop-tile{{tile-sizes={size},2}}")
    assert steps(module) == [step * size, 2, step, 1]


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 7), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))
def test_conv_1d_nest(n: int, kw: int, t0: int, t1: int) -> None:
    text = f"""
func.func @conv(%I: memref<{n + kw - 1}xf32>, %W: memref<{kw}xf32>, %O: memref<{n}xf32>) {{
  affine.for %x = 0 to {n} {{
    affine.for %r = 0 to {kw} {{
      %i = affine.load %I[%x + %r] : memref<{n + kw - 1}xf32>
      %w = affine.load %W[%r] : memref<{kw}xf32>
      %o = affine.load %O[%x] : memref<{n}xf32>
      %p = arith.mulf %i, %w : f32
      %s = arith.addf %o, %p : f32
      affine.store %s, %O[%x] : memref<{n}xf32>
    }}
  }}
  return
}}
"""
    assert_preserves_semantics(text, f"affine-loop-tile{{tile-sizes={t0},{t1}}}")


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 8), st.integers(1, 5))
def test_run_time_bounds_and_iter_args(n: int, size: int) -> None:
    """A sum up to a run-time bound, carried through iter_args across tiles."""
    text = """
func.func @sum(%A: memref<?xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?xf32>
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 0 to %n iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %A[%i] : memref<?xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  return %r : f32
}
"""
    module = parse(text)
    args = [np.random.default_rng(n).uniform(-1, 1, n).astype(np.float32)]
    want = run(module, args)
    apply(module, f"affine-loop-tile{{tile-sizes={size}}}")
    assert steps(module) == [size, 1]
    assert_close(run(module, args), want, rtol=1e-5, atol=1e-6)


TRIANGLE = """
func.func @tri(%A: memref<8x8xf32>, %B: memref<8x8xf32>) {
  affine.for %i = 0 to 8 {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to 8 {
      %v = affine.load %A[%i, %j] : memref<8x8xf32>
      affine.store %v, %B[%j, %i] : memref<8x8xf32>
    }
  }
  return
}
"""


def test_triangular_band_is_refused_at_the_inner_loop() -> None:
    module = parse(TRIANGLE)
    with pytest.raises(ToolError, match="non-rectangular band") as error:
        apply(module, "affine-loop-tile{tile-sizes=4,4}")
    assert error.value.location is not None and error.value.location[1:] == (4, 5)


@pytest.mark.parametrize(("sizes", "expected_steps"), [("3,0", [3, 1, 1]), ("0,3", [1, 3, 1])])
def test_triangular_band_tiles_one_of_its_loops(sizes: str, expected_steps: list[int]) -> None:
    module = assert_preserves_semantics(TRIANGLE, f"affine-loop-tile{{tile-sizes={sizes}}}")
    assert steps(module) == expected_steps


@settings(max_examples=30, deadline=None)
@given(st.tuples(*[st.integers(-1, 1)] * 3), st.lists(st.integers(0, 3), min_size=3, max_size=3))
def test_tiling_is_refused_exactly_when_a_dependence_runs_backwards(
    offsets: tuple[int, int, int], sizes: list[int]
) -> None:
    """A stencil of distance (a, b, c), oriented forwards, tiles iff no tiled loop sees
    a negative component of a dependence that the untiled loops outside the tiles do
    not already carry; a tiling that is accepted computes the same numbers."""
    first = next((d for d in offsets if d), 0)
    forwards = offsets if first >= 0 else tuple(-d for d in offsets)
    tiled = [k for k, s in enumerate(sizes) if s > 0]
    carried_outside = bool(tiled) and any(forwards[: tiled[0]])
    legal = first == 0 or carried_outside or all(forwards[k] >= 0 for k in tiled)
    pipeline = f"affine-loop-tile{{tile-sizes={','.join(map(str, sizes))}}}"
    if legal:
        assert_preserves_semantics(stencil(offsets), pipeline)
    else:
        with pytest.raises(ToolError, match="negative in a tiled loop"):
            apply(parse(stencil(offsets)), pipeline)
