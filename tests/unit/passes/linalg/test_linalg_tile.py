"""`linalg-tile` keeps every structured op's meaning, for any tile sizes.

Random shapes and tile sizes, many of which do not divide the shapes (so the
last tile of a loop is partial), on memrefs and on tensors; the program is run
before and after tiling on the same inputs. The loop count is checked too:
one `scf.for` per loop whose tile size is between 0 and its range.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import apply, assert_preserves_semantics, parse
from xdsl.dialects import scf
from xdsl.dialects.builtin import ModuleOp

from ziggurat.tools.driver import ToolError

SETTINGS = settings(max_examples=30, deadline=None)
dim = st.integers(1, 9)
tile = st.integers(0, 6)


def tile_pipeline(sizes: list[int]) -> str:
    return "linalg-tile{tile-sizes=" + ",".join(map(str, sizes)) + "}"


def loops(module: ModuleOp) -> int:
    return sum(isinstance(op, scf.ForOp) for op in module.walk())


def expected_loops(ranges: list[int], sizes: list[int]) -> int:
    return sum(0 < s < r for r, s in zip(ranges, sizes, strict=False))


def shaped(kind: str, shape: tuple[int, ...], element: str) -> str:
    return f"{kind}<{'x'.join(map(str, shape))}x{element}>"


def named_op(
    name: str,
    attrs: str,
    ins: list[tuple[int, ...]],
    out: tuple[int, ...],
    kind: str,
    element: str = "f32",
    out_element: str | None = None,
) -> str:
    """A function applying linalg `name` to its arguments, on memrefs or tensors."""
    out_element = out_element or element
    in_types = [shaped(kind, s, element) for s in ins]
    out_type = shaped(kind, out, out_element)
    args = ", ".join(f"%a{i}: {t}" for i, t in enumerate([*in_types, out_type]))
    ins_list = ", ".join(f"%a{i}" for i in range(len(ins)))
    out_arg = f"%a{len(ins)}"
    op = (
        f"linalg.{name} {attrs} ins({ins_list} : {', '.join(in_types)}) "
        f"outs({out_arg} : {out_type})"
    )
    if kind == "memref":
        return f"func.func @f({args}) {{\n  {op}\n  return\n}}\n"
    return (
        f"func.func @f({args}) -> {out_type} {{\n  %r = {op} -> {out_type}\n"
        f"  return %r : {out_type}\n}}\n"
    )


def check_tiling(text: str, ranges: list[int], sizes: list[int]) -> None:
    module = assert_preserves_semantics(text, tile_pipeline(sizes))
    assert loops(module) == expected_loops(ranges, sizes)


kinds = st.sampled_from(["memref", "tensor"])


@SETTINGS
@given(kinds, dim, dim, dim, st.lists(tile, min_size=1, max_size=3))
def test_matmul(kind: str, m: int, n: int, k: int, sizes: list[int]) -> None:
    text = named_op("matmul", "", [(m, k), (k, n)], (m, n), kind)
    check_tiling(text, [m, n, k], sizes)


@SETTINGS
@given(kinds, dim, dim, dim, st.lists(tile, min_size=3, max_size=3))
def test_matmul_integer_is_exact(kind: str, m: int, n: int, k: int, sizes: list[int]) -> None:
    text = named_op("matmul", "", [(m, k), (k, n)], (m, n), kind, "i8", "i32")
    check_tiling(text, [m, n, k], sizes)


@SETTINGS
@given(kinds, st.integers(1, 3), dim, dim, dim, st.lists(tile, min_size=4, max_size=4))
def test_batch_matmul(kind: str, b: int, m: int, n: int, k: int, sizes: list[int]) -> None:
    text = named_op("batch_matmul", "", [(b, m, k), (b, k, n)], (b, m, n), kind)
    check_tiling(text, [b, m, n, k], sizes)


window = st.tuples(
    st.integers(1, 2),  # n
    st.integers(1, 5),  # oh
    st.integers(1, 5),  # ow
    st.integers(1, 3),  # kh
    st.integers(1, 3),  # kw
    st.integers(1, 2),  # stride
    st.integers(1, 2),  # dilation
)


def window_attrs(stride: int, dilation: int) -> str:
    return (
        f"{{dilations = dense<{dilation}> : tensor<2xi64>, "
        f"strides = dense<{stride}> : tensor<2xi64>}}"
    )


def input_extent(out: int, k: int, stride: int, dilation: int) -> int:
    return (out - 1) * stride + (k - 1) * dilation + 1


@SETTINGS
@given(kinds, window, st.integers(1, 3), st.integers(1, 4), st.lists(tile, min_size=7, max_size=7))
def test_conv_2d_nhwc_hwcf(kind: str, w: tuple[int, ...], c: int, f: int, sizes: list[int]) -> None:
    n, oh, ow, kh, kw, stride, dilation = w
    ih, iw = input_extent(oh, kh, stride, dilation), input_extent(ow, kw, stride, dilation)
    text = named_op(
        "conv_2d_nhwc_hwcf",
        window_attrs(stride, dilation),
        [(n, ih, iw, c), (kh, kw, c, f)],
        (n, oh, ow, f),
        kind,
    )
    check_tiling(text, [n, oh, ow, f, kh, kw, c], sizes)


@SETTINGS
@given(
    kinds,
    st.sampled_from(["max", "sum", "min"]),
    window,
    st.integers(1, 3),
    st.lists(tile, min_size=6, max_size=6),
)
def test_pooling(kind: str, combine: str, w: tuple[int, ...], c: int, sizes: list[int]) -> None:
    n, oh, ow, kh, kw, stride, dilation = w
    ih, iw = input_extent(oh, kh, stride, dilation), input_extent(ow, kw, stride, dilation)
    text = named_op(
        f"pooling_nhwc_{combine}",
        window_attrs(stride, dilation),
        [(n, ih, iw, c), (kh, kw)],
        (n, oh, ow, c),
        kind,
    )
    check_tiling(text, [n, oh, ow, c, kh, kw], sizes)


def row_sum_of_squares(kind: str, rows: int, cols: int) -> str:
    """A generic reduction: out[i] += x[i, j] * x[i, j]."""
    x, out = shaped(kind, (rows, cols), "f32"), shaped(kind, (rows,), "f32")
    generic = (
        "linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, "
        'affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} '
        f"ins(%x : {x}) outs(%o : {out}) {{\n"
        "  ^bb0(%a: f32, %acc: f32):\n"
        "    %sq = arith.mulf %a, %a : f32\n"
        "    %s = arith.addf %acc, %sq : f32\n"
        "    linalg.yield %s : f32\n"
        "  }"
    )
    if kind == "memref":
        return f"func.func @f(%x: {x}, %o: {out}) {{\n  {generic}\n  return\n}}\n"
    return (
        f"func.func @f(%x: {x}, %o: {out}) -> {out} {{\n  %r = {generic} -> {out}\n"
        f"  return %r : {out}\n}}\n"
    )


@SETTINGS
@given(kinds, dim, st.integers(1, 12), st.lists(tile, min_size=2, max_size=2))
def test_generic_reduction(kind: str, rows: int, cols: int, sizes: list[int]) -> None:
    check_tiling(row_sum_of_squares(kind, rows, cols), [rows, cols], sizes)


INDEX_AND_SHIFT = """
func.func @f(%x: tensor<{n1}x{m}xf32>, %o: tensor<{n}x{m}xf32>) -> tensor<{n}x{m}xf32> {{
  %r = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0 + 1, d1)>,
      affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}}
      ins(%x : tensor<{n1}x{m}xf32>) outs(%o : tensor<{n}x{m}xf32>) {{
  ^bb0(%a: f32, %b: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %k = arith.muli %i, %j : index
    %ki = arith.index_cast %k : index to i32
    %kf = arith.sitofp %ki : i32 to f32
    %s = arith.addf %a, %kf : f32
    linalg.yield %s : f32
  }} -> tensor<{n}x{m}xf32>
  return %r : tensor<{n}x{m}xf32>
}}
"""


@SETTINGS
@given(dim, dim, st.lists(tile, min_size=2, max_size=2))
def test_generic_with_index_and_shifted_input(n: int, m: int, sizes: list[int]) -> None:
    check_tiling(INDEX_AND_SHIFT.format(n=n, n1=n + 1, m=m), [n, m], sizes)


@SETTINGS
@given(kinds, dim, dim, st.lists(tile, min_size=2, max_size=2))
def test_fill_and_transpose(kind: str, m: int, n: int, sizes: list[int]) -> None:
    a, b = shaped(kind, (m, n), "f32"), shaped(kind, (n, m), "f32")
    if kind == "memref":
        text = (
            f"func.func @f(%a: {a}, %b: {b}) {{\n"
            f"  linalg.transpose ins(%a : {a}) outs(%b : {b}) permutation = [1, 0]\n"
            f"  return\n}}\n"
        )
    else:
        text = (
            f"func.func @f(%a: {a}, %b: {b}) -> {b} {{\n"
            "  %c = arith.constant 2.0 : f32\n"
            f"  %f = linalg.fill ins(%c : f32) outs(%b : {b}) -> {b}\n"
            f"  %t = linalg.transpose ins(%a : {a}) outs(%f : {b}) permutation = [1, 0]\n"
            f"  return %t : {b}\n}}\n"
        )
    module = assert_preserves_semantics(text, tile_pipeline(sizes))
    per_op = expected_loops([n, m], sizes)
    assert loops(module) == per_op * (1 if kind == "memref" else 2)


def test_refuses_overlapping_output_with_its_location() -> None:
    module = parse(
        "func.func @f(%a: tensor<4x4xf32>, %o: tensor<7xf32>) -> tensor<7xf32> {\n"
        "  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, "
        'affine_map<(d0, d1) -> (d0 + d1)>], iterator_types = ["parallel", "parallel"]} '
        "ins(%a : tensor<4x4xf32>) outs(%o : tensor<7xf32>) {\n"
        "  ^bb0(%x: f32, %y: f32):\n    linalg.yield %x : f32\n  } -> tensor<7xf32>\n"
        "  return %r : tensor<7xf32>\n}\n"
    )
    with pytest.raises(ToolError, match=r"linalg-tile: cannot lower 'linalg\.generic'") as error:
        apply(module, tile_pipeline([2, 0]))
    assert "tiles would overlap" in error.value.message
    assert error.value.location == ("test.mlir", 2, 3)
    apply(module, tile_pipeline([0, 0]))  # untiled: accepted, unchanged
    assert loops(module) == 0


@settings(max_examples=10, deadline=None)
@given(dim, dim, dim, st.lists(tile, min_size=3, max_size=3))
def test_tiled_tensors_bufferize_into_subviews(m: int, n: int, k: int, sizes: list[int]) -> None:
    """The tensor form (iter_args, extract/insert_slice) bufferizes in place."""
    text = named_op("matmul", "", [(m, k), (k, n)], (m, n), "tensor")
    module = assert_preserves_semantics(text, tile_pipeline(sizes) + ",ziggurat-bufferize")
    names = {op.name for op in module.walk()}
    assert "tensor.insert_slice" not in names and "tensor.extract_slice" not in names
    assert loops(module) == expected_loops([m, n, k], sizes)
