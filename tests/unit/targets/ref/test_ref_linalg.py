"""`linalg` ops in the `ref` executor against straightforward numpy formulas."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ref_api import run_ir

from ziggurat.targets.ref import linalg_ops, linalg_views

BF16 = np.dtype(ml_dtypes.bfloat16)
MLIR_TYPE = {"float32": "f32", "int8": "i8", "int32": "i32", "bfloat16": "bf16", "float16": "f16"}
SETTINGS = settings(max_examples=20, deadline=None)
dim = st.integers(1, 6)


def ttype(shape, dtype) -> str:
    return f"tensor<{''.join(f'{d}x' for d in shape)}{MLIR_TYPE[np.dtype(dtype).name]}>"


def rand(rng, shape, dtype):
    if np.dtype(dtype).kind == "i":
        return rng.integers(-8, 8, shape).astype(dtype)
    return rng.uniform(-1, 1, shape).astype(dtype)


def named(op: str, ins, out, attrs: str = "") -> str:
    """A function applying one named op to tensors `ins` and init `out`."""
    params = ", ".join(f"%i{k}: {ttype(a.shape, a.dtype)}" for k, a in enumerate(ins))
    out_t = ttype(out.shape, out.dtype)
    names = ", ".join(f"%i{k}" for k in range(len(ins)))
    types = ", ".join(ttype(a.shape, a.dtype) for a in ins)
    return f"""
    func.func @f({params}, %o: {out_t}) -> {out_t} {{
      %r = linalg.{op} {attrs} ins({names} : {types}) outs(%o : {out_t}) -> {out_t}
      return %r : {out_t}
    }}
    """


def check(op, ins, out, want, attrs="", rtol=1e-5, atol=1e-5):
    (got,) = run_ir(named(op, ins, out, attrs), *ins, out)
    assert got.dtype == want.dtype and got.shape == want.shape
    if want.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@SETTINGS
@given(m=dim, n=dim, k=dim, seed=st.integers(0, 99))
def test_matmul_f32(m, n, k, seed):
    rng = np.random.default_rng(seed)
    a, b, c = (
        rand(rng, (m, k), np.float32),
        rand(rng, (k, n), np.float32),
        rand(rng, (m, n), np.float32),
    )
    check("matmul", [a, b], c, c + a @ b)


@SETTINGS
@given(m=dim, n=dim, k=st.integers(1, 40), seed=st.integers(0, 99))
def test_matmul_i8_to_i32_wraps_in_i32(m, n, k, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(-128, 128, (m, k)).astype(np.int8)
    b = rng.integers(-128, 128, (k, n)).astype(np.int8)
    c = rng.integers(-(2**31), 2**31 - 1, (m, n)).astype(np.int32)
    want = (c.astype(np.int64) + a.astype(np.int64) @ b.astype(np.int64)).astype(np.int32)
    check("matmul", [a, b], c, want)


@SETTINGS
@given(m=dim, n=dim, k=dim, seed=st.integers(0, 99))
def test_matmul_bf16_to_f32(m, n, k, seed):
    rng = np.random.default_rng(seed)
    a, b = rand(rng, (m, k), BF16), rand(rng, (k, n), BF16)
    c = rand(rng, (m, n), np.float32)
    check("matmul", [a, b], c, c + a.astype(np.float32) @ b.astype(np.float32))


def test_matmul_bf16_accumulates_in_bf16_in_order():
    a = np.full((1, 3), 1, BF16)
    b = np.array([[1.0], [2.0**-8], [2.0**-8]]).astype(BF16)
    c = np.zeros((1, 1), BF16)
    # ((0 + 1) + 2^-8) rounds to 1 in bf16, twice: 1, not 1 + 2^-7.
    (got,) = run_ir(named("matmul", [a, b], c), a, b, c)
    assert float(got[0, 0]) == 1.0


def test_matmul_with_transposed_indexing_maps():
    attrs = (
        "indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, "
        "affine_map<(m, n, k) -> (m, n)>]"
    )
    rng = np.random.default_rng(0)
    a, b, c = (
        rand(rng, (3, 2), np.float32),
        rand(rng, (3, 4), np.float32),
        np.zeros((2, 4), np.float32),
    )
    check("matmul", [a, b], c, a.T @ b, attrs)


@SETTINGS
@given(bs=dim, m=dim, n=dim, k=dim, seed=st.integers(0, 99))
def test_batch_matmul(bs, m, n, k, seed):
    rng = np.random.default_rng(seed)
    a, b, c = (
        rand(rng, (bs, m, k), np.float32),
        rand(rng, (bs, k, n), np.float32),
        rand(rng, (bs, m, n), np.float32),
    )
    check("batch_matmul", [a, b], c, c + a @ b)


@SETTINGS
@given(m=dim, k=dim, seed=st.integers(0, 99))
def test_matvec_vecmat_dot(m, k, seed):
    rng = np.random.default_rng(seed)
    a, x, y = rand(rng, (m, k), np.int32), rand(rng, (k,), np.int32), rand(rng, (m,), np.int32)
    check("matvec", [a, x], y, y + a @ x)
    check("vecmat", [y, a], x, x + y @ a)
    out = rand(rng, (), np.int32)
    check("dot", [x, x], out, out + x @ x)


@SETTINGS
@given(bs=dim, m=dim, k=dim, seed=st.integers(0, 99))
def test_batch_matvec(bs, m, k, seed):
    rng = np.random.default_rng(seed)
    a, x, y = (
        rand(rng, (bs, m, k), np.float32),
        rand(rng, (bs, k), np.float32),
        rand(rng, (bs, m), np.float32),
    )
    check("batch_matvec", [a, x], y, y + np.einsum("bmk,bk->bm", a, x))


def conv_reference(image, window_out, per_tap, stride, dilation):
    """Sum over (kh, kw) of per_tap(strided image slice, kh, kw)."""
    _, oh, ow = window_out
    total = 0
    for kh in range(per_tap.kh):
        for kw in range(per_tap.kw):
            h0, w0 = kh * dilation[0], kw * dilation[1]
            patch = image[
                :,
                h0 : h0 + (oh - 1) * stride[0] + 1 : stride[0],
                w0 : w0 + (ow - 1) * stride[1] + 1 : stride[1],
                :,
            ]
            total = total + per_tap(patch, kh, kw)
    return total


conv_shapes = st.tuples(
    st.integers(1, 2),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(1, 2),
    st.integers(1, 2),
    st.integers(1, 2),
)


def conv_setup(shapes):
    n, oh, ow, c, f, kh, kw, sh, sw, dh, dw = shapes
    ih, iw = (oh - 1) * sh + (kh - 1) * dh + 1, (ow - 1) * sw + (kw - 1) * dw + 1
    attrs = (
        f"{{dilations = dense<[{dh}, {dw}]> : tensor<2xi64>, "
        f"strides = dense<[{sh}, {sw}]> : tensor<2xi64>}}"
    )
    return (n, ih, iw, c, f, kh, kw, oh, ow), (sh, sw), (dh, dw), attrs


class Taps:
    def __init__(self, kh, kw, fn):
        self.kh, self.kw, self.fn = kh, kw, fn

    def __call__(self, patch, kh, kw):
        return self.fn(patch, kh, kw)


@SETTINGS
@given(shapes=conv_shapes, seed=st.integers(0, 99))
def test_conv_2d_nhwc_hwcf_and_fhwc(shapes, seed):
    (n, ih, iw, c, f, kh, kw, oh, ow), stride, dilation, attrs = conv_setup(shapes)
    rng = np.random.default_rng(seed)
    image, hwcf = rand(rng, (n, ih, iw, c), np.float32), rand(rng, (kh, kw, c, f), np.float32)
    out = rand(rng, (n, oh, ow, f), np.float32)
    taps = Taps(kh, kw, lambda p, i, j: np.einsum("nhwc,cf->nhwf", p, hwcf[i, j]))
    want = out + conv_reference(image, (n, oh, ow), taps, stride, dilation)
    check("conv_2d_nhwc_hwcf", [image, hwcf], out, want, attrs, rtol=1e-4)
    fhwc = np.ascontiguousarray(hwcf.transpose(3, 0, 1, 2))
    check("conv_2d_nhwc_fhwc", [image, fhwc], out, want, attrs, rtol=1e-4)


@SETTINGS
@given(shapes=conv_shapes, seed=st.integers(0, 99))
def test_conv_i8_to_i32(shapes, seed):
    (n, ih, iw, c, f, kh, kw, oh, ow), stride, dilation, attrs = conv_setup(shapes)
    rng = np.random.default_rng(seed)
    image, hwcf = rand(rng, (n, ih, iw, c), np.int8), rand(rng, (kh, kw, c, f), np.int8)
    out = rand(rng, (n, oh, ow, f), np.int32)
    taps = Taps(
        kh,
        kw,
        lambda p, i, j: np.einsum("nhwc,cf->nhwf", p.astype(np.int32), hwcf[i, j].astype(np.int32)),
    )
    want = out + conv_reference(image, (n, oh, ow), taps, stride, dilation)
    check("conv_2d_nhwc_hwcf", [image, hwcf], out, want, attrs)


@SETTINGS
@given(shapes=conv_shapes, seed=st.integers(0, 99))
def test_depthwise_conv_and_pooling(shapes, seed):
    (n, ih, iw, c, _, kh, kw, oh, ow), stride, dilation, attrs = conv_setup(shapes)
    rng = np.random.default_rng(seed)
    image, filt = rand(rng, (n, ih, iw, c), np.float32), rand(rng, (kh, kw, c), np.float32)
    out = rand(rng, (n, oh, ow, c), np.float32)
    taps = Taps(kh, kw, lambda p, i, j: p * filt[i, j])
    want = out + conv_reference(image, (n, oh, ow), taps, stride, dilation)
    check("depthwise_conv_2d_nhwc_hwc", [image, filt], out, want, attrs, rtol=1e-4)
    window = np.zeros((kh, kw), np.float32)
    patches = [conv_reference(image, (n, oh, ow), Taps(1, 1, lambda p, i, j: p), stride, dilation)]
    patches = []
    for i in range(kh):
        for j in range(kw):
            h0, w0 = i * dilation[0], j * dilation[1]
            patches.append(
                image[
                    :,
                    h0 : h0 + (oh - 1) * stride[0] + 1 : stride[0],
                    w0 : w0 + (ow - 1) * stride[1] + 1 : stride[1],
                    :,
                ]
            )
    stack = np.stack(patches)
    check("pooling_nhwc_max", [image, window], out, np.maximum(out, stack.max(0)), attrs)
    check("pooling_nhwc_min", [image, window], out, np.minimum(out, stack.min(0)), attrs)
    check("pooling_nhwc_sum", [image, window], out, out + stack.sum(0), attrs, rtol=1e-4)


def test_pooling_max_propagates_nan():
    image = np.zeros((1, 2, 2, 1), np.float32)
    image[0, 1, 1, 0] = np.nan
    out = np.full((1, 1, 1, 1), -np.inf, np.float32)
    (got,) = run_ir(
        named("pooling_nhwc_max", [image, np.zeros((2, 2), np.float32)], out),
        image,
        np.zeros((2, 2), np.float32),
        out,
    )
    assert np.isnan(got).all()


def row_reduction(rows: int, cols: int, body: str) -> str:
    """`@f(%x, %acc)`: a generic folding each row of `%x` into `%acc`.

    `body` computes `%s`, the new accumulator, from `%in` and `%out`.
    """
    x, acc = f"tensor<{rows}x{cols}xf32>", f"tensor<{rows}xf32>"
    return f"""
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @f(%x: {x}, %acc: {acc}) -> {acc} {{
  %r = linalg.generic {{indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}}
      ins(%x : {x}) outs(%acc : {acc}) {{
  ^bb0(%in: f32, %out: f32):
{body}
    linalg.yield %s : f32
  }} -> {acc}
  return %r : {acc}
}}
"""


GENERIC_SOFTMAX_DENOM = row_reduction(
    4,
    8,
    """    %e = math.exp %in : f32
    %s = arith.addf %e, %out : f32""",
)


def test_generic_reduction_of_a_nonlinear_body():
    rng = np.random.default_rng(1)
    x, acc = rand(rng, (4, 8), np.float32), rand(rng, (4,), np.float32)
    (got,) = run_ir(GENERIC_SOFTMAX_DENOM, x, acc)
    np.testing.assert_allclose(got, acc + np.exp(x).sum(1), rtol=1e-5)


GENERIC_IN_ORDER = row_reduction(
    3,
    5,
    """    %two = arith.constant 2.0 : f32
    %h = arith.mulf %out, %two : f32
    %s = arith.addf %h, %in : f32""",
)


def test_generic_with_a_non_associative_update_runs_in_order():
    rng = np.random.default_rng(2)
    x, acc = rand(rng, (3, 5), np.float32), rand(rng, (3,), np.float32)
    want = acc.copy()
    for j in range(5):
        want = want * np.float32(2) + x[:, j]
    (got,) = run_ir(GENERIC_IN_ORDER, x, acc)
    np.testing.assert_allclose(got, want, rtol=1e-6)


GENERIC_INDEX_MOD = """
#in = affine_map<(d0, d1) -> (d1 mod 3, d0 floordiv 2)>
#out = affine_map<(d0, d1) -> (d1, d0)>
func.func @f(%x: tensor<3x2xi32>, %o: tensor<5x4xi32>) -> tensor<5x4xi32> {
  %r = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<3x2xi32>) outs(%o : tensor<5x4xi32>) {
  ^bb0(%in: i32, %out: i32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %k = arith.muli %i, %j : index
    %c = arith.index_cast %k : index to i32
    %s = arith.addi %in, %c : i32
    linalg.yield %s : i32
  } -> tensor<5x4xi32>
  return %r : tensor<5x4xi32>
}
"""


def test_generic_with_mod_floordiv_maps_and_linalg_index():
    x = np.arange(6, dtype=np.int32).reshape(3, 2)
    o = np.zeros((5, 4), np.int32)
    want = np.zeros((5, 4), np.int32)
    for d0 in range(4):
        for d1 in range(5):
            want[d1, d0] = x[d1 % 3, d0 // 2] + d0 * d1
    np.testing.assert_array_equal(run_ir(GENERIC_INDEX_MOD, x, o)[0], want)


MEMREF_OPS = """
func.func @f(%a: memref<3x4xf32>, %t: memref<4x3xf32>, %b: memref<2x3x4xf32>,
             %r: memref<3xf32>, %c: memref<3x4xf32>, %fill: memref<2x2xi32>) {
  linalg.transpose ins(%a : memref<3x4xf32>) outs(%t : memref<4x3xf32>) permutation = [1, 0]
  linalg.broadcast ins(%a : memref<3x4xf32>) outs(%b : memref<2x3x4xf32>) dimensions = [0]
  linalg.reduce ins(%a : memref<3x4xf32>) outs(%r : memref<3xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %m = arith.maximumf %in, %init : f32
      linalg.yield %m : f32
    }
  linalg.copy ins(%a : memref<3x4xf32>) outs(%c : memref<3x4xf32>)
  %seven = arith.constant 7 : i32
  linalg.fill ins(%seven : i32) outs(%fill : memref<2x2xi32>)
  return
}
"""


def test_linalg_on_memrefs_writes_outputs_in_place():
    a = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    t, b, c = (
        np.zeros((4, 3), np.float32),
        np.zeros((2, 3, 4), np.float32),
        np.zeros((3, 4), np.float32),
    )
    r = np.full(3, -np.inf, np.float32)
    fill = np.zeros((2, 2), np.int32)
    assert run_ir(MEMREF_OPS, a, t, b, r, c, fill) == []
    np.testing.assert_array_equal(t, a.T)
    np.testing.assert_array_equal(b, np.broadcast_to(a, (2, 3, 4)))
    np.testing.assert_array_equal(r, a.max(1))
    np.testing.assert_array_equal(c, a)
    np.testing.assert_array_equal(fill, 7)


ELEMENTWISE = """
func.func @f(%a: tensor<5xf32>, %b: tensor<5xf32>, %o: tensor<5xf32>)
    -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) {
  %s = linalg.add ins(%a, %b : tensor<5xf32>, tensor<5xf32>) outs(%o : tensor<5xf32>)
      -> tensor<5xf32>
  %m = linalg.mul ins(%a, %b : tensor<5xf32>, tensor<5xf32>) outs(%o : tensor<5xf32>)
      -> tensor<5xf32>
  %x = linalg.max ins(%a, %b : tensor<5xf32>, tensor<5xf32>) outs(%o : tensor<5xf32>)
      -> tensor<5xf32>
  %e = linalg.exp ins(%a : tensor<5xf32>) outs(%o : tensor<5xf32>) -> tensor<5xf32>
  return %s, %m, %x, %e : tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>
}
"""


def test_elementwise_named_ops():
    rng = np.random.default_rng(3)
    a, b, o = (rand(rng, (5,), np.float32) for _ in range(3))
    s, m, x, e = run_ir(ELEMENTWISE, a, b, o)
    np.testing.assert_array_equal(s, a + b)
    np.testing.assert_array_equal(m, a * b)
    np.testing.assert_array_equal(x, np.maximum(a, b))
    np.testing.assert_allclose(e, np.exp(a), rtol=1e-6)


@pytest.mark.parametrize("limit", [7, 64])
def test_large_iteration_spaces_are_cut_into_boxes(monkeypatch, limit):
    monkeypatch.setattr(linalg_views, "BOX_LIMIT", limit)
    cut = []
    boxes = linalg_views.boxes

    def counted(sizes, limit=None):
        found = list(boxes(sizes, limit))
        cut.append(len(found))
        return iter(found)

    monkeypatch.setattr(linalg_ops, "boxes", counted)
    rng = np.random.default_rng(4)
    a, b, c = (
        rand(rng, (6, 5), np.float32),
        rand(rng, (5, 7), np.float32),
        rand(rng, (6, 7), np.float32),
    )
    check("matmul", [a, b], c, c + a @ b)
    x, acc = rand(rng, (4, 8), np.float32), rand(rng, (4,), np.float32)
    np.testing.assert_allclose(
        run_ir(GENERIC_SOFTMAX_DENOM, x, acc)[0], acc + np.exp(x).sum(1), rtol=1e-5
    )
    image = rand(rng, (1, 5, 5, 2), np.float32)
    out = np.zeros((1, 4, 4, 2), np.float32)
    window = np.zeros((2, 2), np.float32)
    want = np.maximum.reduce([image[:, i : i + 4, j : j + 4] for i in range(2) for j in range(2)])
    check("pooling_nhwc_max", [image, window], out, np.maximum(out, want))
    assert max(cut) > 1, "no iteration space was cut"


def test_matmul_on_mismatched_shapes_is_located():
    from ziggurat.diagnostics import CompileError

    text = named(
        "matmul",
        [np.zeros((2, 3), np.float32), np.zeros((3, 4), np.float32)],
        np.zeros((2, 4), np.float32),
    ).replace("tensor<2x3xf32>", "tensor<?x?xf32>")
    with pytest.raises(CompileError, match=r"loop d2 runs 3 times|has size"):
        run_ir(
            text,
            np.zeros((2, 5), np.float32),
            np.zeros((3, 4), np.float32),
            np.zeros((2, 4), np.float32),
        )
