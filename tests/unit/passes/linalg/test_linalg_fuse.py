"""`linalg-fuse-elementwise` keeps programs' meaning and removes what it fuses.

Each test runs the program before and after the pass on the same random
inputs, on random shapes, and checks the structure a user would see: how
many generics are left, and that the bias add moved out of the epilogue.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import assert_preserves_semantics
from xdsl.dialects import arith
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Operation

from ziggurat.dialects.linalg import BatchMatmulOp, Conv2DNhwcHwcfOp, MatmulOp

SETTINGS = settings(max_examples=20, deadline=None)
dim = st.integers(1, 8)
ID2 = "affine_map<(d0, d1) -> (d0, d1)>"
T2 = "affine_map<(d0, d1) -> (d1, d0)>"
ROW = "affine_map<(d0, d1) -> (d1)>"
PAR2 = '["parallel", "parallel"]'


def count(module: ModuleOp, kind: type[Operation]) -> int:
    return sum(isinstance(op, kind) for op in module.walk())


def generics(module: ModuleOp) -> list[GenericOp]:
    return [op for op in module.walk() if isinstance(op, GenericOp)]


def elementwise(result: str, ins: list[tuple[str, str, str]], out: str, body: str) -> str:
    """`%result = linalg.generic` over `ins` (value, type, map), writing `out`'s type."""
    maps = ", ".join([m for _, _, m in ins] + [ID2])
    values = ", ".join(v for v, _, _ in ins)
    types = ", ".join(t for _, t, _ in ins)
    args = ", ".join(f"%i{n}: f32" for n in range(len(ins)))
    return (
        f"  %{result} = linalg.generic {{indexing_maps = [{maps}], iterator_types = {PAR2}}} "
        f"ins({values} : {types}) outs(%e : {out}) {{\n"
        f"  ^bb0({args}, %o: f32):\n{body}"
        f"  }} -> {out}\n"
    )


@SETTINGS
@given(dim, dim, st.booleans())
def test_chain_of_three_fuses_into_one(m: int, n: int, transposed: bool) -> None:
    t = f"tensor<{m}x{n}xf32>"
    y_type = f"tensor<{n}x{m}xf32>" if transposed else t
    y_map = T2 if transposed else ID2
    text = (
        f"func.func @f(%x: {t}, %y: {y_type}) -> {t} {{\n"
        f"  %e = tensor.empty() : {t}\n"
        + elementwise(
            "a",
            [("%x", t, ID2), ("%y", y_type, y_map)],
            t,
            "    %s = arith.mulf %i0, %i1 : f32\n    linalg.yield %s : f32\n",
        )
        + elementwise(
            "b", [("%a", t, ID2)], t, "    %s = math.exp %i0 : f32\n    linalg.yield %s : f32\n"
        )
        + elementwise(
            "c",
            [("%b", t, ID2), ("%x", t, ID2)],
            t,
            "    %s = arith.subf %i0, %i1 : f32\n    linalg.yield %s : f32\n",
        )
        + f"  return %c : {t}\n}}\n"
    )
    module = assert_preserves_semantics(text, "linalg-fuse-elementwise")
    assert count(module, GenericOp) == 1


@SETTINGS
@given(dim, dim)
def test_producer_with_another_use_is_not_fused(m: int, n: int) -> None:
    t = f"tensor<{m}x{n}xf32>"
    text = (
        f"func.func @f(%x: {t}) -> ({t}, {t}) {{\n"
        f"  %e = tensor.empty() : {t}\n"
        + elementwise(
            "p", [("%x", t, ID2)], t, "    %s = math.exp %i0 : f32\n    linalg.yield %s : f32\n"
        )
        + elementwise(
            "c", [("%p", t, ID2)], t, "    %s = arith.negf %i0 : f32\n    linalg.yield %s : f32\n"
        )
        + f"  return %p, %c : {t}, {t}\n}}\n"
    )
    module = assert_preserves_semantics(text, "linalg-fuse-elementwise")
    assert count(module, GenericOp) == 2


def mlp(m: int, n: int, k: int, separate_relu: bool) -> str:
    """A dense layer: matmul into zeros, bias add, ReLU (one generic or two)."""
    x, w, b, t = (
        f"tensor<{m}x{k}xf32>",
        f"tensor<{k}x{n}xf32>",
        f"tensor<{n}xf32>",
        f"tensor<{m}x{n}xf32>",
    )
    head = (
        f"func.func @f(%x: {x}, %w: {w}, %b: {b}) -> {t} {{\n"
        "  %zero = arith.constant 0.0 : f32\n"
        f"  %e = tensor.empty() : {t}\n"
        f"  %init = linalg.fill ins(%zero : f32) outs(%e : {t}) -> {t}\n"
        f"  %mm = linalg.matmul ins(%x, %w : {x}, {w}) outs(%init : {t}) -> {t}\n"
    )
    add = "    %s = arith.addf %i0, %i1 : f32\n"
    bias_ins = [("%mm", t, ID2), ("%b", b, ROW)]
    if separate_relu:
        relu = "    %r = arith.maximumf %i0, %zero : f32\n    linalg.yield %r : f32\n"
        epilogue = elementwise("s", bias_ins, t, add + "    linalg.yield %s : f32\n")
        epilogue += elementwise("y", [("%s", t, ID2)], t, relu)
    else:
        relu = "    %r = arith.maximumf %s, %zero : f32\n    linalg.yield %r : f32\n"
        epilogue = elementwise("y", bias_ins, t, add + relu)
    return head + epilogue + f"  return %y : {t}\n}}\n"


def adds_in(op: Operation) -> int:
    return sum(isinstance(o, arith.AddfOp | arith.AddiOp) for o in op.walk())


@SETTINGS
@given(dim, dim, dim, st.booleans())
def test_mlp_bias_folds_into_the_matmul_init(m: int, n: int, k: int, separate_relu: bool) -> None:
    module = assert_preserves_semantics(mlp(m, n, k, separate_relu), "linalg-fuse-elementwise")
    assert count(module, MatmulOp) == 1
    biased_init, relu = generics(module)
    matmul = next(op for op in module.walk() if isinstance(op, MatmulOp))
    assert matmul.outputs[0] is biased_init.res[0]
    assert relu.inputs[0] is matmul.res[0]
    assert adds_in(biased_init) == 1
    assert adds_in(relu) == 0
    assert any(isinstance(o, arith.MaximumfOp) for o in relu.walk())


@SETTINGS
@given(st.integers(1, 3), dim, dim, dim)
def test_batch_matmul_integer_bias_epilogue_disappears(b: int, m: int, n: int, k: int) -> None:
    a, w, acc = f"tensor<{b}x{m}x{k}xi8>", f"tensor<{b}x{k}x{n}xi8>", f"tensor<{b}x{m}x{n}xi32>"
    id3 = "affine_map<(d0, d1, d2) -> (d0, d1, d2)>"
    maps = f"{id3}, affine_map<(d0, d1, d2) -> (d0, d2)>, {id3}"
    text = (
        f"func.func @f(%a: {a}, %w: {w}, %bias: tensor<{b}x{n}xi32>, %acc: {acc}) -> {acc} {{\n"
        f"  %mm = linalg.batch_matmul ins(%a, %w : {a}, {w}) outs(%acc : {acc}) -> {acc}\n"
        f"  %e = tensor.empty() : {acc}\n"
        f"  %r = linalg.generic {{indexing_maps = [{maps}], iterator_types = "
        '["parallel", "parallel", "parallel"]} '
        f"ins(%mm, %bias : {acc}, tensor<{b}x{n}xi32>) outs(%e : {acc}) {{\n"
        "  ^bb0(%v: i32, %c: i32, %o: i32):\n"
        "    %s = arith.addi %c, %v : i32\n"
        "    linalg.yield %s : i32\n"
        f"  }} -> {acc}\n"
        f"  return %r : {acc}\n}}\n"
    )
    module = assert_preserves_semantics(text, "linalg-fuse-elementwise")
    assert count(module, BatchMatmulOp) == 1
    assert count(module, GenericOp) == 1  # only the biased init is left


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 4), st.integers(1, 2))
def test_conv_bias_relu(out: int, kernel: int, channels: int, stride: int) -> None:
    size = (out - 1) * stride + kernel
    img, filt = f"tensor<1x{size}x{size}x2xf32>", f"tensor<{kernel}x{kernel}x2x{channels}xf32>"
    t = f"tensor<1x{out}x{out}x{channels}xf32>"
    id4 = "affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>"
    chan = "affine_map<(d0, d1, d2, d3) -> (d3)>"
    text = (
        f"func.func @f(%img: {img}, %filt: {filt}, %bias: tensor<{channels}xf32>) -> {t} {{\n"
        "  %zero = arith.constant 0.0 : f32\n"
        f"  %e = tensor.empty() : {t}\n"
        f"  %init = linalg.fill ins(%zero : f32) outs(%e : {t}) -> {t}\n"
        f"  %conv = linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, "
        f"strides = dense<{stride}> : tensor<2xi64>}} ins(%img, %filt : {img}, {filt}) "
        f"outs(%init : {t}) -> {t}\n"
        f"  %r = linalg.generic {{indexing_maps = [{id4}, {chan}, {id4}], iterator_types = "
        '["parallel", "parallel", "parallel", "parallel"]} '
        f"ins(%conv, %bias : {t}, tensor<{channels}xf32>) outs(%e : {t}) {{\n"
        "  ^bb0(%v: f32, %b: f32, %o: f32):\n"
        "    %s = arith.addf %v, %b : f32\n"
        "    %y = arith.maximumf %s, %zero : f32\n"
        "    linalg.yield %y : f32\n"
        f"  }} -> {t}\n"
        f"  return %r : {t}\n}}\n"
    )
    module = assert_preserves_semantics(text, "linalg-fuse-elementwise")
    assert count(module, Conv2DNhwcHwcfOp) == 1
    _, relu = generics(module)
    assert adds_in(relu) == 0


@SETTINGS
@given(dim, dim, dim, st.lists(st.integers(0, 5), min_size=3, max_size=3))
def test_fused_mlp_then_tiled(m: int, n: int, k: int, sizes: list[int]) -> None:
    pipeline = "linalg-fuse-elementwise,linalg-tile{tile-sizes=" + ",".join(map(str, sizes)) + "}"
    assert_preserves_semantics(mlp(m, n, k, True), pipeline)


PERMUTED = """
func.func @f(%a: tensor<{p}x{q}xf32>, %init: tensor<{p}x{q}xf32>) -> tensor<{r}x{q}x{p}xf32> {{
  %t = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>,
      affine_map<(d0, d1) -> (d1, d0)>], iterator_types = ["parallel", "parallel"]}}
      ins(%a : tensor<{p}x{q}xf32>) outs(%init : tensor<{p}x{q}xf32>) {{
  ^bb0(%v: f32, %acc: f32):
    %s = arith.subf %v, %acc : f32
    linalg.yield %s : f32
  }} -> tensor<{p}x{q}xf32>
  %e = tensor.empty() : tensor<{r}x{q}x{p}xf32>
  %c = linalg.generic {{indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d1)>,
      affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
      iterator_types = ["parallel", "parallel", "parallel"]}}
      ins(%t : tensor<{p}x{q}xf32>) outs(%e : tensor<{r}x{q}x{p}xf32>) {{
  ^bb0(%v: f32, %o: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %if = arith.sitofp %ii : i32 to f32
    %n = arith.mulf %v, %if : f32
    linalg.yield %n : f32
  }} -> tensor<{r}x{q}x{p}xf32>
  return %c : tensor<{r}x{q}x{p}xf32>
}}
"""


@SETTINGS
@given(dim, dim, st.integers(1, 3))
def test_permuted_producer_read_through_a_broadcast(p: int, q: int, r: int) -> None:
    """Maps compose: consumer loops -> producer result -> producer loops -> operands.

    The producer writes its result transposed and reads its own init; the
    consumer broadcasts it along a new outer loop (and uses `linalg.index`,
    which fusion keeps, since the consumer's loops do not change).
    """
    module = assert_preserves_semantics(PERMUTED.format(p=p, q=q, r=r), "linalg-fuse-elementwise")
    (fused,) = generics(module)
    assert len(fused.inputs) == 2  # %a and the producer's init
