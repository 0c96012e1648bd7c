"""`cpu-pipeline`: tensor programs to C + OpenMP, run against the ref executor."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS
from semantics import apply, assert_c_matches_ref, parse

from ziggurat.targets.c.call import CExecutor, is_tensor_level
from ziggurat.targets.c.module_emit import emit_module
from ziggurat.targets.ref import random_inputs, run_function

FLOAT_MODELS = ["mlp", "conv_relu", "attention"]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(
    "options", ["", "{tile-sizes=5,3,7}", "{tile-sizes=16,8 simd=false}", "{tile-sizes=1,64,3}"]
)
@pytest.mark.parametrize("model", FLOAT_MODELS)
def test_models_match_ref(model: str, options: str, threads: int) -> None:
    text = (MODELS / f"{model}.mlir").read_text()
    lowered = apply(parse(text), f"cpu-pipeline{options}")
    c = emit_module(lowered)
    assert "#pragma omp parallel for collapse(" in c
    assert ("#pragma omp simd" in c) == ("simd=false" not in options)
    assert_c_matches_ref(parse(text), lowered, threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_int8_matmul_untiled_is_exact(threads: int) -> None:
    text = (MODELS / "int8_matmul.mlir").read_text()
    lowered = apply(parse(text), "cpu-pipeline{tile-sizes=0}")
    assert "#pragma omp parallel for collapse(1)" in emit_module(lowered)
    assert_c_matches_ref(parse(text), lowered, threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_int8_matmul_default_tiles(threads: int) -> None:
    """The sign extensions in the body are pure: the matmul tiles and runs in parallel."""
    text = (MODELS / "int8_matmul.mlir").read_text()
    lowered = apply(parse(text), "cpu-pipeline")
    assert "#pragma omp parallel for collapse(2)" in emit_module(lowered)
    assert_c_matches_ref(parse(text), lowered, threads)


MATMUL = """
func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %r = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%i : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %r : tensor<{m}x{n}xf32>
}}"""


@settings(max_examples=10, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 20),
    st.integers(1, 40),
    st.lists(st.integers(0, 9), min_size=3, max_size=3),
    st.booleans(),
)
def test_random_shape_matmul(m: int, k: int, n: int, tiles: list[int], simd: bool) -> None:
    text = MATMUL.format(m=m, k=k, n=n)
    sizes = ",".join(map(str, tiles))
    lowered = apply(parse(text), f"cpu-pipeline{{tile-sizes={sizes} simd={str(simd).lower()}}}")
    assert_c_matches_ref(parse(text), lowered, threads=2)


def test_c_executor_lowers_tensor_programs_itself() -> None:
    """`ziggurat-run --target c` on a tensor program: cpu-pipeline on a copy, then C."""
    module = parse((MODELS / "mlp.mlir").read_text())
    assert is_tensor_level(module)
    text_before = str(module)
    args = random_inputs(module)
    got = CExecutor(threads=2).prepare(module)([a.copy() for a in args])
    want = run_function(module, [a.copy() for a in args])
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-5)
    assert str(module) == text_before  # the caller's module is not changed


def test_loop_level_programs_are_not_lowered_again() -> None:
    module = apply(parse((MODELS / "mlp.mlir").read_text()), "lower-to-affine")
    assert not is_tensor_level(module)


def test_threads_option_sets_every_parallel_loop() -> None:
    """`threads=2` reaches each OpenMP loop as num_threads(2), and the numbers hold."""
    text = (MODELS / "mlp.mlir").read_text()
    lowered = apply(parse(text), "cpu-pipeline{threads=2}")
    pragmas = [line for line in emit_module(lowered).splitlines() if "omp parallel for" in line]
    assert pragmas and all("num_threads(2)" in line for line in pragmas)
    assert_c_matches_ref(parse(text), lowered)
