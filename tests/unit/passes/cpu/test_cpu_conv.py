"""`cpu-conv-to-matmul`: convolutions as im2col + matmul, on the ref executor and in C."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS
from semantics import apply, assert_c_matches_ref, assert_preserves_semantics, parse

from ziggurat.targets.c.call import compile_module
from ziggurat.targets.c.module_emit import emit_module
from ziggurat.targets.ref import run_function

CONV = """
func.func @conv(%x: memref<{x}>, %k: memref<{k}>, %y: memref<{y}>) {{
  linalg.conv_2d_nhwc_hwcf {{dilations = dense<[{dh}, {dw}]> : tensor<2xi64>,
                            strides = dense<[{sh}, {sw}]> : tensor<2xi64>}}
      ins(%x, %k : memref<{x}>, memref<{k}>) outs(%y : memref<{y}>)
  return
}}"""

TENSOR_CONV = """
func.func @conv(%x: tensor<{x}>, %k: tensor<{k}>) -> tensor<{y}> {{
  %zero = arith.constant {zero} : {acc}
  %e = tensor.empty() : tensor<{y}>
  %i = linalg.fill ins(%zero : {acc}) outs(%e : tensor<{y}>) -> tensor<{y}>
  %r = linalg.conv_2d_nhwc_hwcf {{dilations = dense<[{dh}, {dw}]> : tensor<2xi64>,
                                 strides = dense<[{sh}, {sw}]> : tensor<2xi64>}}
      ins(%x, %k : tensor<{x}>, tensor<{k}>) outs(%i : tensor<{y}>) -> tensor<{y}>
  return %r : tensor<{y}>
}}"""


def conv_text(template: str, shape: dict, elt: str = "f32", acc: str = "f32") -> str:
    """The conv of `shape` (n, oh, ow, kh, kw, c, f, sh, sw, dh, dw) in `template`."""
    s = shape
    ih = (s["oh"] - 1) * s["sh"] + (s["kh"] - 1) * s["dh"] + 1
    iw = (s["ow"] - 1) * s["sw"] + (s["kw"] - 1) * s["dw"] + 1
    return template.format(
        x=f"{s['n']}x{ih}x{iw}x{s['c']}x{elt}",
        k=f"{s['kh']}x{s['kw']}x{s['c']}x{s['f']}x{elt}",
        y=f"{s['n']}x{s['oh']}x{s['ow']}x{s['f']}x{acc}",
        zero="0.0" if acc == "f32" else "0",
        acc=acc,
        **{d: s[d] for d in ("sh", "sw", "dh", "dw")},
    )


SHAPES = st.fixed_dictionaries(
    {
        "n": st.integers(1, 2),
        "oh": st.integers(1, 6),
        "ow": st.integers(1, 6),
        "kh": st.integers(1, 3),
        "kw": st.integers(1, 3),
        "c": st.integers(1, 5),
        "f": st.integers(1, 9),
        "sh": st.integers(1, 3),
        "sw": st.integers(1, 3),
        "dh": st.integers(1, 3),
        "dw": st.integers(1, 3),
    }
)


def _rewritten(text: str) -> str:
    return str(apply(parse(text), "cpu-conv-to-matmul"))


@settings(max_examples=15, deadline=None)
@given(SHAPES)
def test_rewrite_preserves_semantics_f32(shape: dict) -> None:
    text = conv_text(CONV, shape)
    out = _rewritten(text)
    assert "linalg.conv_2d_nhwc_hwcf" not in out and "linalg.matmul" in out
    assert_preserves_semantics(text, "cpu-conv-to-matmul")


@settings(max_examples=10, deadline=None)
@given(SHAPES)
def test_rewrite_preserves_semantics_i8(shape: dict) -> None:
    text = conv_text(CONV, shape, "i8", "i32")
    assert "linalg.matmul" in _rewritten(text)
    assert_preserves_semantics(text, "cpu-conv-to-matmul")


@settings(max_examples=8, deadline=None)
@given(SHAPES)
def test_c_pipeline_matches_ref_f32(shape: dict) -> None:
    text = conv_text(TENSOR_CONV, shape)
    lowered = apply(parse(text), "cpu-pipeline")
    assert "fmaf" in emit_module(lowered)  # the packed kernel ran, not a conv loop nest
    assert_c_matches_ref(parse(text), lowered, threads=2)


@settings(max_examples=5, deadline=None)
@given(SHAPES)
def test_c_pipeline_matches_ref_i8_exactly(shape: dict) -> None:
    text = conv_text(TENSOR_CONV, shape, "i8", "i32")
    assert_c_matches_ref(parse(text), apply(parse(text), "cpu-pipeline"), threads=2)


@pytest.mark.parametrize("threads", [1, 2])
def test_conv_relu_model(threads: int) -> None:
    text = (MODELS / "conv_relu.mlir").read_text()
    bufferized = str(apply(parse(text), "linalg-fuse-elementwise,ziggurat-bufferize"))
    assert "linalg.matmul" in _rewritten(bufferized)
    lowered = apply(parse(text), "cpu-pipeline")
    assert "fmaf" in emit_module(lowered)
    assert_c_matches_ref(parse(text), lowered, threads)


def test_resnet_like_i8_conv_is_exact() -> None:
    """A padded 3x3 conv on int8 with large values: i32 accumulation, wrapping like ref."""
    text = conv_text(
        TENSOR_CONV,
        dict(n=1, oh=12, ow=12, kh=3, kw=3, c=16, f=40, sh=1, sw=1, dh=1, dw=1),
        "i8",
        "i32",
    )
    module = parse(text)
    rng = np.random.default_rng(1)
    args = [
        rng.integers(-128, 128, size=(1, 14, 14, 16), dtype=np.int8),
        rng.integers(-128, 128, size=(3, 3, 16, 40), dtype=np.int8),
    ]
    want = run_function(module, [a.copy() for a in args])
    got = compile_module(apply(parse(text), "cpu-pipeline"), threads=2)(args)
    np.testing.assert_array_equal(got[0], want[0])
    assert np.abs(want[0]).max() > 127 * 127  # the sums really need 32 bits


LEFT_ALONE = {
    "fhwc": """
func.func @f(%x: memref<1x5x5x2xf32>, %k: memref<3x3x3x2xf32>, %y: memref<1x3x3x3xf32>) {
  linalg.conv_2d_nhwc_fhwc ins(%x, %k : memref<1x5x5x2xf32>, memref<3x3x3x2xf32>)
      outs(%y : memref<1x3x3x3xf32>)
  return
}""",
    "f64": """
func.func @f(%x: memref<1x5x5x2xf64>, %k: memref<3x3x2x3xf64>, %y: memref<1x3x3x3xf64>) {
  linalg.conv_2d_nhwc_hwcf ins(%x, %k : memref<1x5x5x2xf64>, memref<3x3x2x3xf64>)
      outs(%y : memref<1x3x3x3xf64>)
  return
}""",
    "dynamic": """
func.func @f(%x: memref<1x?x5x2xf32>, %k: memref<3x3x2x3xf32>, %y: memref<1x3x3x3xf32>) {
  linalg.conv_2d_nhwc_hwcf ins(%x, %k : memref<1x?x5x2xf32>, memref<3x3x2x3xf32>)
      outs(%y : memref<1x3x3x3xf32>)
  return
}""",
    "strided-output": """
func.func @f(%x: memref<1x5x5x2xf32>, %k: memref<3x3x2x3xf32>, %big: memref<1x3x3x8xf32>) {
  %y = memref.subview %big[0, 0, 0, 2] [1, 3, 3, 3] [1, 1, 1, 1]
      : memref<1x3x3x8xf32> to memref<1x3x3x3xf32, strided<[72, 24, 8, 1], offset: 2>>
  linalg.conv_2d_nhwc_hwcf ins(%x, %k : memref<1x5x5x2xf32>, memref<3x3x2x3xf32>)
      outs(%y : memref<1x3x3x3xf32, strided<[72, 24, 8, 1], offset: 2>>)
  return
}""",
}


@pytest.mark.parametrize("case", sorted(LEFT_ALONE))
def test_other_convs_are_left_alone(case: str) -> None:
    text = LEFT_ALONE[case]
    assert _rewritten(text) == str(parse(text))
    rng = np.random.default_rng(0)
    x_type = np.float64 if case == "f64" else np.float32
    k_shape = (3, 3, 3, 2) if case == "fhwc" else (3, 3, 2, 3)
    y_shape = (1, 3, 3, 8) if case == "strided-output" else (1, 3, 3, 3)
    args = [rng.standard_normal(s).astype(x_type) for s in ((1, 5, 5, 2), k_shape, y_shape)]
    assert_preserves_semantics(text, "cpu-conv-to-matmul,lower-to-loops", args)
