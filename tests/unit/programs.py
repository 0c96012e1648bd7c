"""Program builders shared by the unit tests: MLIR text for the programs they transform.

- `affine_matmul` and `stencil`: affine.for nests on memrefs, for the affine
  loop transformations (tile, interchange, parallelize) and the ref executor.
- `OpCase` and its builders (`contraction`, `window_case`,
  `generic_reduction_case`, `data_movement_case`), with the hypothesis
  strategies that draw their arguments: one linalg op as a function on
  memrefs or tensors, for convert-linalg-to-affine-loops and
  linalg-generalize-named-ops.
- `matmul` and `row_reduction`: a GEMM (with an optional bias + ReLU epilogue) and a
  row reduction on tensors, for the GPU lowerings and the cuda target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st


def affine_matmul(m: int, n: int, k: int) -> str:
    """`@matmul`: C += A @ B as an i, j, k affine.for nest over memrefs."""
    return f"""
func.func @matmul(%A: memref<{m}x{k}xf32>, %B: memref<{k}x{n}xf32>, %C: memref<{m}x{n}xf32>) {{
  affine.for %i = 0 to {m} {{
    affine.for %j = 0 to {n} {{
      affine.for %k = 0 to {k} {{
        %a = affine.load %A[%i, %k] : memref<{m}x{k}xf32>
        %b = affine.load %B[%k, %j] : memref<{k}x{n}xf32>
        %c = affine.load %C[%i, %j] : memref<{m}x{n}xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<{m}x{n}xf32>
      }}
    }}
  }}
  return
}}
"""


def stencil(offsets: tuple[int, int, int]) -> str:
    """A[i, j, k] = 2 * A[i - a, j - b, k - c]: a dependence of distance (a, b, c)."""
    a, b, c = offsets
    return f"""
func.func @stencil(%A: memref<6x6x6xf32>) {{
  affine.for %i = 1 to 5 {{
    affine.for %j = 1 to 5 {{
      affine.for %k = 1 to 5 {{
        %v = affine.load %A[%i - {a}, %j - {b}, %k - {c}] : memref<6x6x6xf32>
        %w = arith.addf %v, %v : f32
        affine.store %w, %A[%i, %j, %k] : memref<6x6x6xf32>
      }}
    }}
  }}
  return
}}
"""


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


def matmul(m: int, k: int, n: int, a: str, b: str, c: str, epilogue: bool = False) -> str:
    zero = "0.0" if c.startswith("f") else "0"
    tail = ""
    result = "%mm"
    if epilogue:
        add, maximum = (
            ("arith.addf", "arith.maximumf")
            if c.startswith("f")
            else (
                "arith.addi",
                "arith.maxsi",
            )
        )
        tail = f"""
  %e = tensor.empty() : tensor<{m}x{n}x{c}>
  %y = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                         affine_map<(i, j) -> (j)>,
                                         affine_map<(i, j) -> (i, j)>],
                        iterator_types = ["parallel", "parallel"]}}
      ins(%mm, %bias : tensor<{m}x{n}x{c}>, tensor<{n}x{c}>) outs(%e : tensor<{m}x{n}x{c}>) {{
  ^bb0(%v: {c}, %q: {c}, %o: {c}):
    %s = {add} %v, %q : {c}
    %r = {maximum} %s, %zero : {c}
    linalg.yield %r : {c}
  }} -> tensor<{m}x{n}x{c}>"""
        result = "%y"
    bias = f", %bias: tensor<{n}x{c}>" if epilogue else ""
    return f"""
func.func @gemm(%a: tensor<{m}x{k}x{a}>, %b: tensor<{k}x{n}x{b}>{bias}) -> tensor<{m}x{n}x{c}> {{
  %zero = arith.constant {zero} : {c}
  %init = tensor.empty() : tensor<{m}x{n}x{c}>
  %acc = linalg.fill ins(%zero : {c}) outs(%init : tensor<{m}x{n}x{c}>) -> tensor<{m}x{n}x{c}>
  %mm = linalg.matmul ins(%a, %b : tensor<{m}x{k}x{a}>, tensor<{k}x{n}x{b}>)
                      outs(%acc : tensor<{m}x{n}x{c}>) -> tensor<{m}x{n}x{c}>{tail}
  return {result} : tensor<{m}x{n}x{c}>
}}
"""


def row_reduction(rows: int, cols: int, combiner: str, elt: str = "f32") -> str:
    init = {"arith.addf": "0.0", "arith.maximumf": "-1.0e30", "arith.addi": "0"}[combiner]
    return f"""
func.func @reduce(%x: tensor<{rows}x{cols}x{elt}>) -> tensor<{rows}x{elt}> {{
  %z = arith.constant {init} : {elt}
  %e = tensor.empty() : tensor<{rows}x{elt}>
  %i = linalg.fill ins(%z : {elt}) outs(%e : tensor<{rows}x{elt}>) -> tensor<{rows}x{elt}>
  %r = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                        iterator_types = ["parallel", "reduction"]}}
      ins(%x : tensor<{rows}x{cols}x{elt}>) outs(%i : tensor<{rows}x{elt}>) {{
  ^bb0(%v: {elt}, %acc: {elt}):
    %s = {combiner} %v, %acc : {elt}
    linalg.yield %s : {elt}
  }} -> tensor<{rows}x{elt}>
  return %r : tensor<{rows}x{elt}>
}}
"""
