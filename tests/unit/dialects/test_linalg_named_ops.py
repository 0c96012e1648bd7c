"""Linalg named ops: parsed from MLIR text, their maps and bodies compute what MLIR's do.

Each op is evaluated point by point from its own indexing maps and hidden
body, on random data, and compared with numpy; where real `mlir-opt` is
installed, its generalized form of the same op must have the same maps,
iterator types and body.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Callable

import numpy as np
import pytest
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.ops import GenericOp, YieldOp
from xdsl.ir import Operation, SSAValue

from ziggurat.dialects.linalg import StructuredOp
from ziggurat.parser import parse_module
from ziggurat.universe import load_registry

CTX = load_registry().make_context()
MLIR_OPT = shutil.which("mlir-opt-22") or shutil.which("mlir-opt")


def parse(text: str) -> ModuleOp:
    module = parse_module(CTX, text, "test.mlir")
    module.verify()
    return module


def the_op(module: ModuleOp) -> StructuredOp:
    return next(op for op in module.walk() if isinstance(op, StructuredOp))


_SCALAR: dict[type[Operation], Callable[..., object]] = {
    arith.AddfOp: lambda a, b: a + b,
    arith.AddiOp: lambda a, b: a + b,
    arith.MulfOp: lambda a, b: a * b,
    arith.MuliOp: lambda a, b: a * b,
    arith.MaximumfOp: max,
    arith.MaxSIOp: max,
    arith.MinimumfOp: min,
    arith.MinSIOp: min,
    arith.ExtSIOp: lambda a: a,
    arith.ExtFOp: lambda a: a,
    arith.SIToFPOp: float,
}


def evaluate(op: StructuredOp, arrays: list[np.ndarray]) -> np.ndarray:
    """Run `op` on numpy arrays through its maps and body, one point at a time."""
    maps = [m.data for m in op.get_indexing_maps()]
    out = arrays[-1].copy()
    ranges = op.get_static_loop_ranges()
    block = op.body.block
    for point in itertools.product(*(range(r) for r in ranges)):
        env: dict[SSAValue, object] = {}
        for arg, array, m in zip(block.args, [*arrays[:-1], out], maps, strict=True):
            env[arg] = array[m.eval(point, [])].item()
        for body_op in block.ops:
            if isinstance(body_op, YieldOp):
                out[maps[-1].eval(point, [])] = env[body_op.operands[0]]
            else:
                fn = _SCALAR[type(body_op)]
                env[body_op.results[0]] = fn(*(env[o] for o in body_op.operands))
    return out


def conv_reference(image, kernel, stride, dilation, layout):
    """Direct NHWC convolution with numpy; `kernel` in (kh, kw, c, f) layout."""
    if layout == "fhwc":
        kernel = kernel.transpose(1, 2, 3, 0)
    kh, kw, _, _ = kernel.shape
    n, h, w, _ = image.shape
    oh = (h - dilation * (kh - 1) - 1) // stride + 1
    ow = (w - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, oh, ow, kernel.shape[3]), dtype=np.int64)
    for i, j in itertools.product(range(kh), range(kw)):
        patch = image[
            :,
            i * dilation : i * dilation + stride * (oh - 1) + 1 : stride,
            j * dilation : j * dilation + stride * (ow - 1) + 1 : stride,
            :,
        ]
        out += np.einsum("nhwc,cf->nhwf", patch.astype(np.int64), kernel[i, j].astype(np.int64))
    return out


RNG = np.random.default_rng(0)


def ints(*shape: int, dtype: type[np.integer] = np.int8) -> np.ndarray:
    return RNG.integers(-128, 128, size=shape).astype(dtype)


def test_int8_matmul_accumulates_in_i32() -> None:
    op = the_op(
        parse("""
        func.func @f(%a: tensor<3x5xi8>, %b: tensor<5x4xi8>, %c: tensor<3x4xi32>)
            -> tensor<3x4xi32> {
          %0 = linalg.matmul ins(%a, %b : tensor<3x5xi8>, tensor<5x4xi8>)
                             outs(%c : tensor<3x4xi32>) -> tensor<3x4xi32>
          return %0 : tensor<3x4xi32>
        }""")
    )
    a, b = ints(3, 5), ints(5, 4)
    c = ints(3, 4, dtype=np.int32)
    expected = c + a.astype(np.int32) @ b.astype(np.int32)
    assert (evaluate(op, [a, b, c]) == expected).all()
    assert [type(o) for o in op.body.block.ops][:2] == [arith.ExtSIOp, arith.ExtSIOp]


def test_matmul_with_transposed_indexing_maps() -> None:
    op = the_op(
        parse("""
        func.func @f(%a: memref<5x3xf32>, %b: memref<5x4xf32>, %c: memref<3x4xf32>) {
          linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                         affine_map<(m, n, k) -> (k, n)>,
                                         affine_map<(m, n, k) -> (m, n)>]
                        ins(%a, %b : memref<5x3xf32>, memref<5x4xf32>)
                        outs(%c : memref<3x4xf32>)
          return
        }""")
    )
    a, b = RNG.random((5, 3)), RNG.random((5, 4))
    c = np.zeros((3, 4))
    assert np.allclose(evaluate(op, [a, b, c]), a.T @ b)


@pytest.mark.parametrize(
    ("name", "shapes", "reference"),
    [
        ("batch_matmul", [(2, 3, 5), (2, 5, 4), (2, 3, 4)], lambda a, b: a @ b),
        ("matvec", [(3, 5), (5,), (3,)], lambda a, b: a @ b),
        ("vecmat", [(5,), (5, 4), (4,)], lambda a, b: a @ b),
        ("dot", [(5,), (5,), ()], lambda a, b: a @ b),
        ("batch_matvec", [(2, 3, 5), (2, 5), (2, 3)], lambda a, b: np.einsum("bmk,bk->bm", a, b)),
    ],
)
def test_contractions_match_numpy(name, shapes, reference) -> None:
    types = [f"memref<{'x'.join(map(str, s))}{'x' if s else ''}f32>" for s in shapes]
    op = the_op(
        parse(f"""
        func.func @f(%a: {types[0]}, %b: {types[1]}, %c: {types[2]}) {{
          linalg.{name} ins(%a, %b : {types[0]}, {types[1]}) outs(%c : {types[2]})
          return
        }}""")
    )
    a, b = RNG.random(shapes[0]), RNG.random(shapes[1])
    c = RNG.random(shapes[2])
    assert np.allclose(evaluate(op, [a, b, c]), c + reference(a, b))


@pytest.mark.parametrize("layout", ["hwcf", "fhwc"])
@pytest.mark.parametrize(("stride", "dilation"), [(1, 1), (2, 1), (1, 2)])
def test_int8_convolutions_match_numpy(layout: str, stride: int, dilation: int) -> None:
    kernel_shape = (3, 3, 2, 4) if layout == "hwcf" else (4, 3, 3, 2)
    image = ints(1, 9, 9, 2)
    kernel = ints(*kernel_shape)
    expected = conv_reference(image, kernel, stride, dilation, layout).astype(np.int32)
    out_type = f"tensor<1x{expected.shape[1]}x{expected.shape[2]}x4xi32>"
    k_type = f"tensor<{'x'.join(map(str, kernel_shape))}xi8>"
    op = the_op(
        parse(f"""
        func.func @f(%i: tensor<1x9x9x2xi8>, %k: {k_type}, %o: {out_type}) -> {out_type} {{
          %0 = linalg.conv_2d_nhwc_{layout}
                 {{dilations = dense<{dilation}> : tensor<2xi64>,
                   strides = dense<{stride}> : tensor<2xi64>}}
                 ins(%i, %k : tensor<1x9x9x2xi8>, {k_type}) outs(%o : {out_type}) -> {out_type}
          return %0 : {out_type}
        }}""")
    )
    zero = np.zeros(expected.shape, dtype=np.int32)
    assert (evaluate(op, [image, kernel, zero]) == expected).all()


def test_depthwise_conv_and_pooling_match_numpy() -> None:
    module = parse("""
    func.func @f(%i: memref<1x6x6x3xf32>, %k: memref<3x3x3xf32>, %o: memref<1x4x4x3xf32>,
                 %w: memref<2x2xf32>, %p: memref<1x3x3x3xf32>) {
      linalg.depthwise_conv_2d_nhwc_hwc ins(%i, %k : memref<1x6x6x3xf32>, memref<3x3x3xf32>)
        outs(%o : memref<1x4x4x3xf32>)
      linalg.pooling_nhwc_max {strides = dense<2> : tensor<2xi64>}
        ins(%i, %w : memref<1x6x6x3xf32>, memref<2x2xf32>) outs(%p : memref<1x3x3x3xf32>)
      linalg.pooling_nhwc_sum {strides = dense<2> : tensor<2xi64>}
        ins(%i, %w : memref<1x6x6x3xf32>, memref<2x2xf32>) outs(%p : memref<1x3x3x3xf32>)
      return
    }""")
    depthwise, pool_max, pool_sum = [op for op in module.walk() if isinstance(op, StructuredOp)]
    image, kernel = RNG.random((1, 6, 6, 3)), RNG.random((3, 3, 3))
    expected = np.zeros((1, 4, 4, 3))
    for i, j in itertools.product(range(3), range(3)):
        expected += image[:, i : i + 4, j : j + 4, :] * kernel[i, j]
    assert np.allclose(evaluate(depthwise, [image, kernel, np.zeros((1, 4, 4, 3))]), expected)
    windows = image.reshape(1, 3, 2, 3, 2, 3)
    low = np.full((1, 3, 3, 3), -np.inf)
    assert np.allclose(evaluate(pool_max, [image, np.zeros((2, 2)), low]), windows.max((2, 4)))
    zeros = np.zeros((1, 3, 3, 3))
    assert np.allclose(evaluate(pool_sum, [image, np.zeros((2, 2)), zeros]), windows.sum((2, 4)))


def test_bf16_batch_matmul_extends_to_f32() -> None:
    op = the_op(
        parse("""
        func.func @f(%a: tensor<2x3x4xbf16>, %b: tensor<2x4x5xbf16>, %c: tensor<2x3x5xf32>)
            -> tensor<2x3x5xf32> {
          %0 = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xbf16>, tensor<2x4x5xbf16>)
                                   outs(%c : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
          return %0 : tensor<2x3x5xf32>
        }""")
    )
    names = [o.name for o in op.body.block.ops]
    assert names == ["arith.extf", "arith.extf", "arith.mulf", "arith.addf", "linalg.yield"]


def test_mismatched_shapes_are_rejected() -> None:
    module = parse_module(
        CTX,
        """
        func.func @f(%a: memref<3x5xf32>, %b: memref<4x4xf32>, %c: memref<3x4xf32>) {
          linalg.matmul ins(%a, %b : memref<3x5xf32>, memref<4x4xf32>) outs(%c : memref<3x4xf32>)
          return
        }""",
    )
    with pytest.raises(Exception, match="inferred input/output operand #1"):
        module.verify()


GENERALIZE_CASES = {
    "matmul_i8": (
        "linalg.matmul ins(%a, %b : tensor<3x5xi8>, tensor<5x4xi8>) outs(%c : tensor<3x4xi32>)",
        "%a: tensor<3x5xi8>, %b: tensor<5x4xi8>, %c: tensor<3x4xi32>",
        "tensor<3x4xi32>",
    ),
    "batch_matmul_bf16": (
        "linalg.batch_matmul ins(%a, %b : tensor<2x3x4xbf16>, tensor<2x4x5xbf16>) "
        "outs(%c : tensor<2x3x5xf32>)",
        "%a: tensor<2x3x4xbf16>, %b: tensor<2x4x5xbf16>, %c: tensor<2x3x5xf32>",
        "tensor<2x3x5xf32>",
    ),
    "conv_strided": (
        "linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, "
        "strides = dense<2> : tensor<2xi64>} ins(%a, %b : tensor<1x9x9x2xf32>, "
        "tensor<3x3x2x4xf32>) outs(%c : tensor<1x3x3x4xf32>)",
        "%a: tensor<1x9x9x2xf32>, %b: tensor<3x3x2x4xf32>, %c: tensor<1x3x3x4xf32>",
        "tensor<1x3x3x4xf32>",
    ),
    "depthwise": (
        "linalg.depthwise_conv_2d_nhwc_hwc ins(%a, %b : tensor<1x6x6x3xf32>, "
        "tensor<3x3x3xf32>) outs(%c : tensor<1x4x4x3xf32>)",
        "%a: tensor<1x6x6x3xf32>, %b: tensor<3x3x3xf32>, %c: tensor<1x4x4x3xf32>",
        "tensor<1x4x4x3xf32>",
    ),
    "pool_max": (
        "linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, "
        "strides = dense<2> : tensor<2xi64>} ins(%a, %b : tensor<1x6x6x3xf32>, "
        "tensor<2x2xf32>) outs(%c : tensor<1x3x3x3xf32>)",
        "%a: tensor<1x6x6x3xf32>, %b: tensor<2x2xf32>, %c: tensor<1x3x3x3xf32>",
        "tensor<1x3x3x3xf32>",
    ),
    "vecmat": (
        "linalg.vecmat ins(%a, %b : tensor<5xf32>, tensor<5x4xf32>) outs(%c : tensor<4xf32>)",
        "%a: tensor<5xf32>, %b: tensor<5x4xf32>, %c: tensor<4xf32>",
        "tensor<4xf32>",
    ),
    "batch_matvec": (
        "linalg.batch_matvec ins(%a, %b : tensor<2x3x5xf32>, tensor<2x5xf32>) "
        "outs(%c : tensor<2x3xf32>)",
        "%a: tensor<2x3x5xf32>, %b: tensor<2x5xf32>, %c: tensor<2x3xf32>",
        "tensor<2x3xf32>",
    ),
}


@pytest.mark.skipif(
    MLIR_OPT is None, reason="mlir-opt not installed (apt-get install mlir-22-tools)"
)
@pytest.mark.parametrize("case", sorted(GENERALIZE_CASES))
def test_same_maps_and_body_as_mlir(case: str) -> None:
    body, args, result = GENERALIZE_CASES[case]
    text = (
        f"func.func @f({args}) -> {result} {{\n  %0 = {body} -> {result}\n"
        f"  return %0 : {result}\n}}\n"
    )
    ours = the_op(parse(text))
    assert MLIR_OPT is not None
    generalized = subprocess.run(
        [MLIR_OPT, "--linalg-generalize-named-ops", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    theirs = next(op for op in parse(generalized).walk() if isinstance(op, GenericOp))
    assert [m.data for m in ours.get_indexing_maps()] == [m.data for m in theirs.indexing_maps]
    assert list(ours.get_iterator_types()) == list(theirs.iterator_types)
    ours_body = [o.name for o in ours.body.block.ops]
    theirs_body = [o.name for o in theirs.body.block.ops]
    assert ours_body == theirs_body
