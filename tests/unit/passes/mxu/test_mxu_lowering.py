"""mxu-pipeline end to end: tensor programs run on the simulator give ref's numbers.

Each test lowers a program with `mxu-pipeline`, runs it with the mxu executor
(host code on ref, kernels on the simulator) and compares with the ref executor
on the original program: int8 paths bit-exact, float paths within rounding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS
from semantics import apply, assert_close, assert_preserves_semantics, parse, run

from ziggurat.dialects.device import LaunchOp
from ziggurat.dialects.mxu import GemmOp
from ziggurat.targets.ref import random_inputs
from ziggurat.tools.driver import ToolError
from ziggurat.tools.mxu_executor import MxuExecutor

EXAMPLES = MODELS


def _on_mxu(text: str, pipeline: str = "mxu-pipeline", seed: int = 0):
    """(mxu results, ref results, the executor's report, the lowered module)."""
    module = parse(text)
    inputs = random_inputs(module, None, seed)
    want = run(module, inputs)
    lowered = apply(parse(text), pipeline)
    executor = MxuExecutor()
    got = executor.prepare(lowered, None)([a.copy() for a in inputs])
    return got, want, executor.report(), lowered


def _matmul(m: int, k: int, n: int, ins: str, acc: str) -> str:
    zero = "0.0" if acc.startswith("f") else "0"
    return f"""
func.func @mm(%a: tensor<{m}x{k}x{ins}>, %b: tensor<{k}x{n}x{ins}>) -> tensor<{m}x{n}x{acc}> {{
  %zero = arith.constant {zero} : {acc}
  %e = tensor.empty() : tensor<{m}x{n}x{acc}>
  %init = linalg.fill ins(%zero : {acc}) outs(%e : tensor<{m}x{n}x{acc}>) -> tensor<{m}x{n}x{acc}>
  %c = linalg.matmul ins(%a, %b : tensor<{m}x{k}x{ins}>, tensor<{k}x{n}x{ins}>)
                     outs(%init : tensor<{m}x{n}x{acc}>) -> tensor<{m}x{n}x{acc}>
  return %c : tensor<{m}x{n}x{acc}>
}}
"""


def _requantized(m: int, k: int, n: int, scale: int, shift: int, relu: bool) -> str:
    relu_op = "%r = arith.maxsi %s, %z : i32" if relu else ""
    relu_out = "%r" if relu else "%s"
    round_ = 1 << (shift - 1) if shift else 0
    return f"""
func.func @q(%a: tensor<{m}x{k}xi8>, %b: tensor<{k}x{n}xi8>,
             %bias: tensor<{n}xi32>) -> tensor<{m}x{n}xi8> {{
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<{m}x{n}xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  %mm = linalg.matmul ins(%a, %b : tensor<{m}x{k}xi8>, tensor<{k}x{n}xi8>)
                      outs(%init : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  %e8 = tensor.empty() : tensor<{m}x{n}xi8>
  %scale = arith.constant {scale} : i64
  %round = arith.constant {round_} : i64
  %shift = arith.constant {shift} : i64
  %lo = arith.constant -128 : i64
  %hi = arith.constant 127 : i64
  %z = arith.constant 0 : i32
  %q = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                         affine_map<(d0, d1) -> (d1)>,
                                         affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}}
      ins(%mm, %bias : tensor<{m}x{n}xi32>, tensor<{n}xi32>) outs(%e8 : tensor<{m}x{n}xi8>) {{
  ^bb0(%v: i32, %bv: i32, %o: i8):
    %s = arith.addi %v, %bv : i32
    {relu_op}
    %w = arith.extsi {relu_out} : i32 to i64
    %p = arith.muli %w, %scale : i64
    %a2 = arith.addi %p, %round : i64
    %sh = arith.shrsi %a2, %shift : i64
    %c1 = arith.maxsi %sh, %lo : i64
    %c2 = arith.minsi %c1, %hi : i64
    %t = arith.trunci %c2 : i64 to i8
    linalg.yield %t : i8
  }} -> tensor<{m}x{n}xi8>
  return %q : tensor<{m}x{n}xi8>
}}
"""


def _gemms(module) -> list[GemmOp]:
    return [op for op in module.walk() if isinstance(op, GemmOp)]


@settings(max_examples=20, deadline=None)
@given(
    m=st.integers(1, 40),
    k=st.integers(1, 40),
    n=st.integers(1, 40),
    array=st.sampled_from([(4, 4), (8, 8), (4, 8), (16, 16)]),
    dataflow=st.sampled_from(["ws", "os"]),
)
def test_int8_gemm_is_bit_exact_for_ragged_shapes(m, k, n, array, dataflow):
    rows, cols = array
    pipeline = f"mxu-pipeline{{rows={rows} cols={cols} dataflow={dataflow}}}"
    got, want, report, _ = _on_mxu(_matmul(m, k, n, "i8", "i32"), pipeline)
    np.testing.assert_array_equal(got[0], want[0])
    assert report["kernels"] == 1
    assert report["macs"] == m * k * n
    assert 0 < report["utilisation"] <= 1


@settings(max_examples=12, deadline=None)
@given(
    m=st.integers(1, 30),
    k=st.integers(1, 30),
    n=st.integers(1, 30),
    scale=st.integers(1, 1 << 20),
    shift=st.integers(0, 30),
    relu=st.booleans(),
    dataflow=st.sampled_from(["ws", "os"]),
)
def test_fused_bias_relu_requantisation_is_bit_exact(m, k, n, scale, shift, relu, dataflow):
    got, want, report, lowered = _on_mxu(
        _requantized(m, k, n, scale, shift, relu),
        f"mxu-pipeline{{rows=8 cols=8 dataflow={dataflow}}}",
    )
    np.testing.assert_array_equal(got[0], want[0])
    # The whole epilogue ran on the unit: no generic is left on the host.
    assert not [op for op in lowered.walk() if op.name == "linalg.generic"]
    assert report["kernels"] == 1


@settings(max_examples=15, deadline=None)
@given(
    m=st.integers(1, 12),
    k=st.integers(1, 12),
    n=st.integers(1, 12),
    scale=st.integers(1, 1 << 16),
    shift=st.integers(0, 20),
    relu=st.booleans(),
)
def test_conversion_to_gemm_preserves_semantics(m, k, n, scale, shift, relu):
    # Checked by the ref executor alone (it evaluates mxu.gemm with numpy), so the
    # conversion is verified independently of the simulator.
    lowered = assert_preserves_semantics(
        _requantized(m, k, n, scale, shift, relu),
        "ziggurat-bufferize,convert-linalg-to-mxu",
        rtol=0,
        atol=0,
    )
    assert len(_gemms(lowered)) == 1


@pytest.mark.parametrize(("ins", "acc", "rtol"), [("f32", "f32", 1e-5), ("bf16", "f32", 1e-2)])
def test_float_gemm_is_within_rounding(ins, acc, rtol):
    got, want, _, _ = _on_mxu(_matmul(19, 45, 23, ins, acc), "mxu-pipeline{rows=8 cols=8}")
    assert_close(got, want, rtol=rtol, atol=1e-4)


@pytest.mark.parametrize("dataflow", ["ws", "os"])
@pytest.mark.parametrize("model", ["mlp", "conv_relu", "int8_matmul", "int8_mlp", "attention"])
def test_example_models_match_ref(model, dataflow):
    text = (EXAMPLES / f"{model}.mlir").read_text()
    got, want, report, lowered = _on_mxu(text, f"mxu-pipeline{{dataflow={dataflow}}}")
    assert_close(got, want, rtol=1e-4, atol=1e-4)
    assert report["kernels"] >= 1
    assert report["cycles"] > 0
    assert any(isinstance(op, LaunchOp) for op in lowered.walk())


def test_convolution_runs_as_im2col_and_one_gemm_with_its_epilogue():
    text = (EXAMPLES / "conv_relu.mlir").read_text()
    got, want, report, lowered = _on_mxu(text)
    assert_close(got, want, rtol=1e-4, atol=1e-4)
    # The zero fill is found across the im2col copy, and bias + ReLU run on the unit:
    # the only generic left on the host is the im2col copy.
    (gemm,) = _gemms(
        apply(
            parse(text),
            "linalg-fuse-elementwise{fold-bias=false},"
            "ziggurat-bufferize,cpu-conv-to-matmul,convert-linalg-to-mxu",
        )
    )
    assert not gemm.accumulate and gemm.bias is not None and gemm.func.name == "RELU"
    generics = [op for op in lowered.walk() if op.name == "linalg.generic"]
    assert len(generics) == 1
    assert report["macs"] == 16 * 16 * 16 * 3 * 3 * 8


def test_batch_matmul_runs_one_fragment_per_batch():
    text = """
func.func @bmm(%a: tensor<3x9x20xi8>, %b: tensor<3x20x11xi8>) -> tensor<3x9x11xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<3x9x11xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<3x9x11xi32>) -> tensor<3x9x11xi32>
  %c = linalg.batch_matmul ins(%a, %b : tensor<3x9x20xi8>, tensor<3x20x11xi8>)
                           outs(%init : tensor<3x9x11xi32>) -> tensor<3x9x11xi32>
  return %c : tensor<3x9x11xi32>
}
"""
    got, want, report, _ = _on_mxu(text, "mxu-pipeline{rows=8 cols=8}")
    np.testing.assert_array_equal(got[0], want[0])
    assert report["macs"] == 3 * 9 * 20 * 11


def test_accumulating_matmul_reads_its_init():
    text = """
func.func @acc(%a: tensor<10x12xi8>, %b: tensor<12x7xi8>,
               %c: tensor<10x7xi32>) -> tensor<10x7xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<10x12xi8>, tensor<12x7xi8>)
                     outs(%c : tensor<10x7xi32>) -> tensor<10x7xi32>
  return %r : tensor<10x7xi32>
}
"""
    got, want, _, _ = _on_mxu(text, "mxu-pipeline{rows=4 cols=4}")
    np.testing.assert_array_equal(got[0], want[0])


def test_unsupported_matmul_stays_on_the_host():
    text = _matmul(6, 5, 4, "f64", "f64")
    got, want, report, lowered = _on_mxu(text)
    assert_close(got, want, rtol=1e-12, atol=0)
    assert report["kernels"] == 0
    assert [op.name for op in lowered.walk() if op.name == "linalg.matmul"]


def test_unsupported_matmul_is_an_error_without_host_fallback():
    module = parse(_matmul(6, 5, 4, "f64", "f64"), "prog.mlir")
    message = "convert-linalg-to-mxu: cannot lower 'linalg.matmul' to the mxu: the array"
    with pytest.raises(ToolError, match=message) as info:
        apply(module, "mxu-pipeline{host-fallback=false}")
    assert info.value.location == ("prog.mlir", 6, 3)


def test_epilogue_the_unit_cannot_do_stays_on_the_host():
    text = """
func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>)
                      outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    %d = arith.mulf %v, %two : f32
    linalg.yield %d : f32
  } -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}
"""
    got, want, report, lowered = _on_mxu(text)
    assert_close(got, want, rtol=1e-5, atol=1e-5)
    assert report["kernels"] == 1
    assert [op for op in lowered.walk() if op.name == "linalg.generic"]


def test_tiling_follows_the_scratchpad_size(tmp_path: Path):
    texts = []
    for kib in (4, 256):
        config = tmp_path / f"mxu-{kib}.toml"
        config.write_text(f"scratchpad_kib = {kib}\nrows = 8\ncols = 8\n")
        lowered = apply(
            parse(_matmul(64, 64, 64, "i8", "i32")), f'mxu-pipeline{{config="{config}"}}'
        )
        launch = next(op for op in lowered.walk() if isinstance(op, LaunchOp))
        texts.append(str(launch.attributes["mxu.plans"]))
    assert texts[0] != texts[1]
