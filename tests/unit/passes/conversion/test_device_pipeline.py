"""map-to-device, convert-device-to-cpu: same numbers; the loops a user expects on threads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS
from programs import affine_matmul
from semantics import apply, assert_preserves_semantics, parse
from xdsl.dialects.builtin import ModuleOp

from ziggurat.tools.driver import ToolError

MODELS = sorted((MODELS).glob("*.mlir"))
CPU = "lower-to-affine,affine-parallelize,map-to-device{target=cpu},convert-device-to-cpu"


def op_names(module: ModuleOp) -> list[str]:
    return [op.name for op in module.walk()]


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_models_keep_their_results_on_cpu(path: Path) -> None:
    module = assert_preserves_semantics(path.read_text(), CPU)
    names = op_names(module)
    assert "cpu.parallel_for" in names
    assert not any(name.startswith(("device.", "affine.parallel")) for name in names)


def elementwise(m: int, n: int) -> str:
    return f"""
func.func @add(%A: memref<{m}x{n}xf32>, %B: memref<{m}x{n}xf32>, %C: memref<{m}x{n}xf32>) {{
  affine.for %i = 0 to {m} {{
    affine.for %j = 0 to {n} {{
      %a = affine.load %A[%i, %j] : memref<{m}x{n}xf32>
      %b = affine.load %B[%i, %j] : memref<{m}x{n}xf32>
      %s = arith.addf %a, %b : f32
      affine.store %s, %C[%i, %j] : memref<{m}x{n}xf32>
    }}
  }}
  return
}}
"""


dims = st.integers(1, 9)


@settings(max_examples=15, deadline=None)
@given(dims, dims, st.integers(2, 9), st.sampled_from(["", "affine-loop-tile{tile-sizes=4,4},"]))
def test_matmul_rows_and_columns_run_on_threads(m: int, n: int, k: int, tile: str) -> None:
    """The i and j loops (or their tile loops) run on threads, collapsed; the k loop
    carries the sum and stays sequential inside each thread's work."""
    pipeline = f"{tile}affine-parallelize,map-to-device{{target=cpu}},convert-device-to-cpu"
    module = assert_preserves_semantics(affine_matmul(m, n, k), pipeline, seed=m * n + k)
    (parallel,) = [op for op in module.walk() if op.name == "cpu.parallel_for"]
    assert parallel.collapse == 2  # pyright: ignore[reportAttributeAccessIssue]
    inner = [op.name for op in parallel.walk()][1:]
    assert "affine.for" in inner and "cpu.parallel_for" not in inner
    assert inner.count("scf.for") == (2 if tile else 0)


@settings(max_examples=15, deadline=None)
@given(dims, dims, st.booleans(), st.sampled_from(["static", "dynamic", "guided"]))
def test_elementwise_with_simd_and_schedules(m: int, n: int, simd: bool, schedule: str) -> None:
    pipeline = (
        f"affine-parallelize,map-to-device{{target=cpu simd={str(simd).lower()}}},"
        f"convert-device-to-cpu{{schedule={schedule} chunk=2}},lower-affine"
    )
    module = assert_preserves_semantics(elementwise(m, n), pipeline, seed=m + n)
    loops = [op for op in module.walk() if op.name in ("cpu.parallel_for", "cpu.simd")]
    assert [op.name for op in loops] == (
        ["cpu.parallel_for", "cpu.simd"] if simd else ["cpu.parallel_for"]
    )
    assert loops[0].schedule.data == schedule  # pyright: ignore[reportAttributeAccessIssue]
    assert not any(name.startswith("affine.") for name in op_names(module))


def test_sequential_loop_stays_on_the_host() -> None:
    """A prefix sum carries a dependence: nothing is launched."""
    text = """
func.func @prefix(%A: memref<8xf32>) {
  affine.for %i = 1 to 8 {
    %p = affine.load %A[%i - 1] : memref<8xf32>
    %v = affine.load %A[%i] : memref<8xf32>
    %s = arith.addf %p, %v : f32
    affine.store %s, %A[%i] : memref<8xf32>
  }
  return
}
"""
    module = assert_preserves_semantics(text, "affine-parallelize,map-to-device{target=cpu}")
    assert not any(name.startswith("device.") for name in op_names(module))


def test_reduction_loop_is_refused_with_its_location() -> None:
    text = """
func.func @sum(%A: memref<16xf32>) -> f32 {
  %r = affine.parallel (%i) = (0) to (16) reduce ("addf") -> (f32) {
    %v = affine.load %A[%i] : memref<16xf32>
    affine.yield %v : f32
  }
  return %r : f32
}
"""
    module = parse(text)
    with pytest.raises(ToolError, match=r"map-to-device: cannot map 'affine\.parallel' with") as e:
        apply(module, "map-to-device{target=cpu}")
    assert e.value.location is not None and e.value.location[1] == 3
