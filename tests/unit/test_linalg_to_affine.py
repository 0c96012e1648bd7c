"""convert-linalg-to-affine-loops keeps every structured op's meaning, on random shapes.

Each program applies one linalg op to buffers and returns its output buffer;
it is run by the reference executor before and after lowering (to affine
loops, then also to scf with lower-affine, and with canonicalize after). The
`*_program` builders are shared with test_linalg_generalize.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import apply, assert_preserves_semantics, parse, run
from xdsl.dialects.builtin import ModuleOp

from ziggurat.targets.ref import random_inputs
from ziggurat.tools.driver import ToolError

PIPELINES = (
    "convert-linalg-to-affine-loops",
    "convert-linalg-to-affine-loops,lower-affine",
    "convert-linalg-to-affine-loops,lower-affine,canonicalize",
)

size = st.integers(1, 4)


@dataclass(frozen=True)
class OpCase:
    """One linalg op with its operand types; renders as a function on memrefs or tensors.

    `op` holds `{ins}`, `{outs}` and `{res}` (`-> type` on tensors) placeholders.
    """

    op: str
    ins: tuple[tuple[tuple[int, ...], str], ...]
    out: tuple[tuple[int, ...], str]
    scalars: tuple[tuple[str, str], ...] = ()
    """Scalar inputs `(value, type)`, materialized with arith.constant."""

    def program(self, tensors: bool = False) -> str:
        kind = "tensor" if tensors else "memref"

        def type_of(shape: tuple[int, ...], elt: str) -> str:
            return f"{kind}<{''.join(f'{d}x' for d in shape)}{elt}>"

        in_types = [type_of(*operand) for operand in self.ins]
        out_type = type_of(*self.out)
        args = [f"%in{i}: {t}" for i, t in enumerate(in_types)] + [f"%out: {out_type}"]
        consts = [f"  %s{i} = arith.constant {v} : {t}" for i, (v, t) in enumerate(self.scalars)]
        names = [f"%s{i}" for i in range(len(self.scalars))] + [
            f"%in{i}" for i in range(len(in_types))
        ]
        types = [t for _, t in self.scalars] + in_types
        ins = f"ins({', '.join(names)} : {', '.join(types)})" if names else ""
        outs = f"outs(%out : {out_type})"
        body = self.op.format(ins=ins, outs=outs, res=f" -> {out_type}" if tensors else "")
        if tensors:
            body, result = f"  %r = {body}", "%r"
        else:
            body, result = f"  {body}", "%out"
        return "\n".join(
            [
                f"func.func @main({', '.join(args)}) -> {out_type} {{",
                *consts,
                body,
                f"  return {result} : {out_type}",
                "}",
            ]
        )


def contraction(name: str, dims: dict[str, int], elt: tuple[str, str]) -> OpCase:
    """A matmul-family op; `dims` gives b, m, n, k."""
    b, m, n, k = (dims[d] for d in "bmnk")
    shapes = {
        "matmul": ([(m, k), (k, n)], (m, n)),
        "batch_matmul": ([(b, m, k), (b, k, n)], (b, m, n)),
        "matvec": ([(m, k), (k,)], (m,)),
        "vecmat": ([(k,), (k, n)], (n,)),
        "batch_matvec": ([(b, m, k), (b, k)], (b, m)),
        "dot": ([(k,), (k,)], ()),
    }[name]
    ins, out = shapes
    return OpCase(
        f"linalg.{name} {{ins}} {{outs}}{{res}}", tuple((s, elt[0]) for s in ins), (out, elt[1])
    )


contraction_names = st.sampled_from(
    ["matmul", "batch_matmul", "matvec", "vecmat", "batch_matvec", "dot"]
)
element_pairs = st.sampled_from([("f32", "f32"), ("i8", "i32"), ("i32", "i32"), ("f16", "f32")])
dim_sizes = st.fixed_dictionaries({d: size for d in "bmnk"})


def window_case(
    name: str,
    sizes: dict[str, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    elt: tuple[str, str],
) -> OpCase:
    """A convolution or pooling op on NHWC images with the given window."""
    n, oh, ow, c, f, kh, kw = (sizes[d] for d in ("n", "oh", "ow", "c", "f", "kh", "kw"))
    ih = (oh - 1) * stride[0] + (kh - 1) * dilation[0] + 1 + sizes["pad"]
    iw = (ow - 1) * stride[1] + (kw - 1) * dilation[1] + 1
    image = (n, ih, iw, c)
    filters = {
        "conv_2d_nhwc_hwcf": ((kh, kw, c, f), (n, oh, ow, f)),
        "conv_2d_nhwc_fhwc": ((f, kh, kw, c), (n, oh, ow, f)),
        "depthwise_conv_2d_nhwc_hwc": ((kh, kw, c), (n, oh, ow, c)),
        "pooling_nhwc_max": ((kh, kw), (n, oh, ow, c)),
        "pooling_nhwc_min": ((kh, kw), (n, oh, ow, c)),
        "pooling_nhwc_sum": ((kh, kw), (n, oh, ow, c)),
    }
    window, out = filters[name]
    attrs = (
        f"{{{{dilations = dense<[{dilation[0]}, {dilation[1]}]> : tensor<2xi64>, "
        f"strides = dense<[{stride[0]}, {stride[1]}]> : tensor<2xi64>}}}}"
    )
    return OpCase(
        f"linalg.{name} {attrs} {{ins}} {{outs}}{{res}}",
        ((image, elt[0]), (window, elt[0])),
        (out, elt[1]),
    )


window_names = st.sampled_from(
    [
        "conv_2d_nhwc_hwcf",
        "conv_2d_nhwc_fhwc",
        "depthwise_conv_2d_nhwc_hwc",
        "pooling_nhwc_max",
        "pooling_nhwc_min",
        "pooling_nhwc_sum",
    ]
)
window_sizes = st.fixed_dictionaries(
    {
        "n": st.integers(1, 2),
        "oh": st.integers(1, 3),
        "ow": st.integers(1, 3),
        "c": st.integers(1, 3),
        "f": st.integers(1, 3),
        "kh": st.integers(1, 3),
        "kw": st.integers(1, 3),
        "pad": st.integers(0, 1),
    }
)
window_steps = st.tuples(st.integers(1, 3), st.integers(1, 3))


def generic_reduction_case(
    shape: Sequence[int], permutation: Sequence[int], kept: int, elt: str
) -> OpCase:
    """A generic over `len(shape)` loops reading its input through a permutation.

    The output keeps the first `kept` loops (the rest are reductions) and
    accumulates `input * (1 + index of the last loop)`.
    """
    rank = len(shape)
    dims = [f"d{i}" for i in range(rank)]
    in_shape = tuple(shape[p] for p in permutation)
    in_map = f"({', '.join(dims)}) -> ({', '.join(dims[p] for p in permutation)})"
    out_map = f"({', '.join(dims)}) -> ({', '.join(dims[:kept])})"
    iterators = ", ".join('"parallel"' if i < kept else '"reduction"' for i in range(rank))
    is_float = elt.startswith("f")
    weight = (
        f"%ii = arith.index_cast %i : index to i32\n      %w = arith.sitofp %ii : i32 to {elt}"
        if is_float
        else f"%w = arith.index_cast %i : index to {elt}"
    )
    add, mul = ("arith.addf", "arith.mulf") if is_float else ("arith.addi", "arith.muli")
    op = (
        f"linalg.generic {{{{indexing_maps = [affine_map<{in_map}>, affine_map<{out_map}>], "
        f"iterator_types = [{iterators}]}}}} {{ins}} {{outs}} {{{{\n"
        f"    ^bb0(%a: {elt}, %acc: {elt}):\n"
        f"      %i = linalg.index {rank - 1} : index\n"
        f"      {weight}\n"
        f"      %p = {mul} %a, %w : {elt}\n"
        f"      %q = {add} %p, %a : {elt}\n"
        f"      %s = {add} %acc, %q : {elt}\n"
        f"      linalg.yield %s : {elt}\n"
        f"  }}}}{{res}}"
    )
    return OpCase(op, ((in_shape, elt),), (tuple(shape[:kept]), elt))


def data_movement_case(
    name: str, shape: tuple[int, ...], perm: tuple[int, ...], elt: str
) -> OpCase:
    """fill, copy, transpose, broadcast, reduce or a named elementwise op over `shape`."""
    rank = len(shape)
    if name == "fill":
        value = "2.5" if elt.startswith("f") else "7"
        return OpCase("linalg.fill {ins} {outs}{res}", (), (shape, elt), ((value, elt),))
    if name == "copy_widen":
        wide = "f64" if elt.startswith("f") else "i64"
        return OpCase("linalg.copy {ins} {outs}{res}", ((shape, elt),), (shape, wide))
    if name == "transpose":
        in_shape = tuple(shape[perm.index(i)] for i in range(rank))
        return OpCase(
            f"linalg.transpose {{ins}} {{outs}} permutation = [{', '.join(map(str, perm))}]",
            ((in_shape, elt),),
            (shape, elt),
        )
    if name == "broadcast":
        added = sorted(perm[: max(1, rank // 2)])
        in_shape = tuple(d for i, d in enumerate(shape) if i not in added)
        return OpCase(
            f"linalg.broadcast {{ins}} {{outs}} dimensions = [{', '.join(map(str, added))}]",
            ((in_shape, elt),),
            (shape, elt),
        )
    if name == "reduce":
        reduced = sorted(perm[: max(1, rank // 2)])
        out_shape = tuple(d for i, d in enumerate(shape) if i not in reduced)
        combine = "arith.maximumf" if elt.startswith("f") else "arith.addi"
        return OpCase(
            f"linalg.reduce {{ins}} {{outs}} dimensions = [{', '.join(map(str, reduced))}]\n"
            f"    (%a: {elt}, %b: {elt}) {{{{\n"
            f"      %c = {combine} %a, %b : {elt}\n"
            f"      linalg.yield %c : {elt}\n"
            "    }}",
            ((shape, elt),),
            (out_shape, elt),
        )
    return OpCase(
        f"linalg.{name} {{ins}} {{outs}}{{res}}", ((shape, elt), (shape, elt)), (shape, elt)
    )


data_movement_names = st.sampled_from(
    ["fill", "copy_widen", "transpose", "broadcast", "reduce", "add", "sub", "mul", "max", "min"]
)
shapes = st.lists(size, min_size=1, max_size=3).map(tuple)


@st.composite
def shape_and_permutation(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    shape = draw(shapes)
    return shape, tuple(draw(st.permutations(range(len(shape)))))


def lower(text: str, pipeline: str) -> ModuleOp:
    """Lower `text` with `pipeline`, check the numbers, and that no linalg op is left."""
    module = assert_preserves_semantics(text, pipeline)
    names = {op.name for op in module.walk()}
    assert not {n for n in names if n.startswith("linalg.")}, names
    if "lower-affine" in pipeline:
        assert not {n for n in names if n.startswith("affine.")}, names
    return module


def loop_depth(module: ModuleOp) -> int:
    """The depth of the deepest affine.for nest."""

    def depth(op) -> int:
        inner = [depth(o) for r in op.regions for b in r.blocks for o in b.ops]
        return (1 if op.name == "affine.for" else 0) + max(inner, default=0)

    return depth(module)


@settings(max_examples=25, deadline=None)
@given(contraction_names, dim_sizes, element_pairs, st.sampled_from(PIPELINES))
def test_contractions(name: str, dims: dict[str, int], elt: tuple[str, str], pipeline: str) -> None:
    case = contraction(name, dims, elt)
    module = lower(case.program(), pipeline)
    if pipeline == PIPELINES[0]:
        loops = {
            "matmul": 3,
            "batch_matmul": 4,
            "matvec": 2,
            "vecmat": 2,
            "batch_matvec": 3,
            "dot": 1,
        }
        assert loop_depth(module) == loops[name]


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 40), st.sampled_from(PIPELINES))
def test_int8_matmul_is_exact(m: int, n: int, k: int, pipeline: str) -> None:
    """i8 x i8 accumulated in i32 gives exactly numpy's integer product."""
    text = contraction("matmul", {"b": 1, "m": m, "n": n, "k": k}, ("i8", "i32")).program()
    module = parse(text)
    a, b, c = random_inputs(module)
    apply(module, pipeline)
    (got,) = run(module, [a, b, c])
    want = c.astype(np.int32) + a.astype(np.int32) @ b.astype(np.int32)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(PIPELINES))
def test_transposed_matmul_maps(pipeline: str) -> None:
    text = """
    func.func @main(%At: memref<3x4xf32>, %B: memref<3x5xf32>, %C: memref<4x5xf32>)
        -> memref<4x5xf32> {
      linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>,
                                     affine_map<(d0, d1, d2) -> (d2, d1)>,
                                     affine_map<(d0, d1, d2) -> (d0, d1)>]
        ins(%At, %B : memref<3x4xf32>, memref<3x5xf32>) outs(%C : memref<4x5xf32>)
      return %C : memref<4x5xf32>
    }
    """
    lower(text, pipeline)


@settings(max_examples=30, deadline=None)
@given(
    window_names,
    window_sizes,
    window_steps,
    window_steps,
    st.sampled_from([("f32", "f32"), ("i8", "i32")]),
    st.sampled_from(PIPELINES),
)
def test_convolution_and_pooling(
    name: str,
    sizes: dict[str, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    elt: tuple[str, str],
    pipeline: str,
) -> None:
    lower(window_case(name, sizes, stride, dilation, elt).program(), pipeline)


@settings(max_examples=25, deadline=None)
@given(
    shape_and_permutation(),
    st.integers(0, 3),
    st.sampled_from(["f32", "i32"]),
    st.sampled_from(PIPELINES),
)
def test_generic_reduction_transposed(
    shape_perm: tuple[tuple[int, ...], tuple[int, ...]], kept: int, elt: str, pipeline: str
) -> None:
    shape, permutation = shape_perm
    case = generic_reduction_case(shape, permutation, min(kept, len(shape)), elt)
    lower(case.program(), pipeline)


@settings(max_examples=30, deadline=None)
@given(
    data_movement_names,
    shape_and_permutation(),
    st.sampled_from(["f32", "i32"]),
    st.sampled_from(PIPELINES),
)
def test_data_movement_and_elementwise(
    name: str, shape_perm: tuple[tuple[int, ...], tuple[int, ...]], elt: str, pipeline: str
) -> None:
    shape, perm = shape_perm
    lower(data_movement_case(name, shape, perm, elt).program(), pipeline)


def test_generic_with_constant_subscript_and_scalar() -> None:
    text = """
    func.func @main(%A: memref<6x3xi32>, %B: memref<6x3xi32>) -> memref<6x3xi32> {
      %k = arith.constant 5 : i32
      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 2)>,
                                       affine_map<(d0, d1) -> ()>,
                                       affine_map<(d0, d1) -> (d0, d1)>],
                      iterator_types = ["parallel", "parallel"]}
          ins(%A, %k : memref<6x3xi32>, i32) outs(%B : memref<6x3xi32>) {
      ^bb0(%a: i32, %kk: i32, %out: i32):
        %s = arith.addi %a, %kk : i32
        linalg.yield %s : i32
      }
      return %B : memref<6x3xi32>
    }
    """
    for pipeline in PIPELINES:
        lower(text, pipeline)


def test_tensor_operands_are_refused_at_the_op() -> None:
    case = contraction("matmul", {"b": 1, "m": 2, "n": 2, "k": 2}, ("f32", "f32"))
    module = parse(case.program(tensors=True))
    message = r"convert-linalg-to-affine-loops: cannot lower 'linalg\.matmul': it works on tensors"
    with pytest.raises(ToolError, match=message) as error:
        apply(module, "convert-linalg-to-affine-loops")
    assert error.value.location == ("test.mlir", 2, 3)


def test_unknown_linalg_op_is_refused() -> None:
    from ziggurat.parser import parse_module
    from ziggurat.universe import load_registry

    text = """
    func.func @main(%A: memref<4xf32>, %B: memref<4xf32>) {
      "linalg.softmax"(%A, %B) {dimension = 0 : i64} : (memref<4xf32>, memref<4xf32>) -> ()
      return
    }
    """
    module = parse_module(load_registry().make_context(allow_unregistered=True), text, "t.mlir")
    with pytest.raises(ToolError, match=r"cannot lower 'linalg\.softmax'") as error:
        apply(module, "convert-linalg-to-affine-loops")
    assert error.value.location == ("t.mlir", 3, 7)
