"""affine-loop-unroll keeps the meaning of loops, for any bounds, steps and factors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import apply, assert_preserves_semantics, parse
from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import ModuleOp

from ziggurat.tools.driver import ToolError


def loops(module: ModuleOp) -> list[xaffine.ForOp]:
    return [op for op in module.walk() if isinstance(op, xaffine.ForOp)]


def count(module: ModuleOp, name: str) -> int:
    return sum(op.name == name for op in module.walk())


def sum_and_scale(lb: int, ub: int, step: int) -> str:
    """A loop that both writes memory and carries a value through iter_args."""
    return f"""
func.func @f(%A: memref<24xf32>, %B: memref<24xf32>) -> f32 {{
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = {lb} to {ub} step {step} iter_args(%acc = %zero) -> (f32) {{
    %v = affine.load %A[%i] : memref<24xf32>
    %w = arith.mulf %v, %v : f32
    affine.store %w, %B[%i] : memref<24xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }}
  return %r : f32
}}
"""


bounds = st.tuples(st.integers(0, 5), st.integers(0, 18), st.integers(1, 3))


@settings(max_examples=30, deadline=None)
@given(bounds, st.integers(1, 6))
def test_constant_bounds(lb_extent_step: tuple[int, int, int], factor: int) -> None:
    lb, extent, step = lb_extent_step
    text = sum_and_scale(lb, lb + extent, step)
    module = assert_preserves_semantics(text, f"affine-loop-unroll{{factor={factor}}}")
    trip_count = max(0, -(-extent // step))
    if factor == 1 or trip_count < factor:
        assert [loop.step.value.data for loop in loops(module)] == [step]
        return
    # The main loop holds `factor` copies of the body (factor - 1 shifted
    # induction variables), then a remainder loop if the factor does not
    # divide the trip count.
    expected = [step * factor] + ([step] if trip_count % factor else [])
    assert [loop.step.value.data for loop in loops(module)] == expected
    assert count(module, "affine.apply") == factor - 1


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 4), st.integers(0, 24), st.integers(1, 3), st.integers(2, 5))
def test_run_time_bounds(lb: int, n: int, step: int, factor: int) -> None:
    """The upper bound is a memref size known only when the program runs."""
    text = f"""
func.func @f(%A: memref<?xf32>, %B: memref<24xf32>) -> f32 {{
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?xf32>
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = {lb} to %n step {step} iter_args(%acc = %zero) -> (f32) {{
    %v = affine.load %A[%i] : memref<?xf32>
    %w = arith.mulf %v, %v : f32
    affine.store %w, %B[%i] : memref<24xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }}
  return %r : f32
}}
"""
    rng = np.random.default_rng(n)
    args = [rng.uniform(-1, 1, n).astype(np.float32), np.zeros(24, np.float32)]
    module = assert_preserves_semantics(text, f"affine-loop-unroll{{factor={factor}}}", args)
    assert [loop.step.value.data for loop in loops(module)] == [step * factor, step]


@settings(max_examples=20, deadline=None)
@given(bounds)
def test_full_unroll(lb_extent_step: tuple[int, int, int]) -> None:
    lb, extent, step = lb_extent_step
    module = assert_preserves_semantics(
        sum_and_scale(lb, lb + extent, step), "affine-loop-unroll{full=true}"
    )
    assert loops(module) == []
    assert count(module, "affine.store") == max(0, -(-extent // step))


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 9), st.integers(2, 4))
def test_matmul_innermost_loop_only(m: int, n: int, k: int, factor: int) -> None:
    text = f"""
func.func @mm(%A: memref<{m}x{k}xf32>, %B: memref<{k}x{n}xf32>, %C: memref<{m}x{n}xf32>) {{
  linalg.matmul ins(%A, %B : memref<{m}x{k}xf32>, memref<{k}x{n}xf32>)
                outs(%C : memref<{m}x{n}xf32>)
  return
}}
"""
    pipeline = f"convert-linalg-to-affine-loops,affine-loop-unroll{{factor={factor}}}"
    module = assert_preserves_semantics(text, pipeline)
    outer = [loop.step.value.data for loop in loops(module)][:2]
    assert outer == [1, 1]


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(2, 4))
def test_tile_then_unroll_the_point_loops(tiles: int, tile: int, factor: int) -> None:
    """With sizes that divide the trip count the point loops have no min
    bound, so they unroll (with a remainder when `factor` does not divide the tile)."""
    n = tiles * tile
    text = f"""
func.func @f(%A: memref<{n}xf32>, %B: memref<{n}xf32>) {{
  affine.for %i = 0 to {n} {{
    %v = affine.load %A[%i] : memref<{n}xf32>
    %w = arith.addf %v, %v : f32
    affine.store %w, %B[%i] : memref<{n}xf32>
  }}
  return
}}
"""
    pipeline = f"affine-loop-tile{{tile-sizes={tile}}},affine-loop-unroll{{factor={factor}}}"
    assert_preserves_semantics(text, pipeline)


def test_min_bound_with_unknown_trip_count_is_refused() -> None:
    text = """
#tile_end = affine_map<(d0)[s0] -> (d0 + 8, s0)>
func.func @f(%A: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?xf32>
  affine.for %ii = 0 to %n step 8 {
    affine.for %i = affine_map<(d0) -> (d0)>(%ii) to min #tile_end(%ii)[%n] {
      %v = affine.load %A[%i] : memref<?xf32>
      affine.store %v, %A[%i] : memref<?xf32>
    }
  }
  return
}
"""
    with pytest.raises(ToolError, match=r"cannot unroll 'affine\.for' by a factor") as error:
        apply(parse(text), "affine-loop-unroll{factor=2}")
    assert error.value.location is not None and error.value.location[1:] == (7, 5)
