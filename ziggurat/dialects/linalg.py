"""The `linalg` dialect with MLIR's contraction, convolution and pooling ops.

xDSL's named ops build their hidden body with the operand types as they are,
so `i8 x i8 -> i32` or `bf16 x bf16 -> f32` fails to verify; several ops
MLIR users write (batch_matmul, matvec, depthwise convolution, NHWC pooling,
...) are missing. Each op here is declared by its loops, its indexing maps
and its scalar body; inputs are cast to the output element type first
(signed extension, as MLIR's default `cast_signed`), as in MLIR. The base
class and the scalar bodies are in `linalg_structured`.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DenseIntElementsAttr,
    DenseIntOrFPElementsAttr,
    StringAttr,
)
from xdsl.dialects.linalg import Linalg as UpstreamLinalg
from xdsl.dialects.linalg import ops as xlinalg
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp as UpstreamGenericOp
from xdsl.ir import Attribute
from xdsl.ir.affine import AffineExpr
from xdsl.irdl import (
    irdl_op_definition,
    opt_prop_def,
)
from xdsl.parser import Parser
from xdsl.utils.hints import isa

from ziggurat.dialects.extend import extend_dialect
from ziggurat.dialects.linalg_structured import (
    StructuredOp,
    cast_to,
    loop_dims,
    maps_of,
    multiply_accumulate,
    parse_optional_operand_group,
    parse_optional_result_types,
    pool,
    scalar_add,
    scalar_max,
    scalar_min,
)

# Contractions ---------------------------------------------------------------


@irdl_op_definition
class MatmulOp(StructuredOp, xlinalg.MatmulOp):  # pyright: ignore[reportIncompatibleVariableOverride]
    """C(m, n) += A(m, k) * B(k, n)"""

    name = "linalg.matmul"
    ITERATORS: ClassVar[str] = "ppr"
    CUSTOM_MAPS: ClassVar[bool] = True
    indexing_maps = opt_prop_def(ArrayAttr[AffineMapAttr])

    @classmethod
    def default_maps(cls, op):
        m, n, k = loop_dims(3)
        return maps_of(3, (m, k), (k, n), (m, n))


@irdl_op_definition
class BatchMatmulOp(StructuredOp):
    """C(b, m, n) += A(b, m, k) * B(b, k, n)"""

    name = "linalg.batch_matmul"
    ITERATORS: ClassVar[str] = "pppr"
    CUSTOM_MAPS: ClassVar[bool] = True
    indexing_maps = opt_prop_def(ArrayAttr[AffineMapAttr])

    @classmethod
    def default_maps(cls, op):
        b, m, n, k = loop_dims(4)
        return maps_of(4, (b, m, k), (b, k, n), (b, m, n))


@irdl_op_definition
class MatvecOp(StructuredOp):
    """y(m) += A(m, k) * x(k)"""

    name = "linalg.matvec"
    ITERATORS: ClassVar[str] = "pr"

    @classmethod
    def default_maps(cls, op):
        m, k = loop_dims(2)
        return maps_of(2, (m, k), (k,), (m,))


@irdl_op_definition
class VecmatOp(StructuredOp):
    """y(n) += x(k) * A(k, n)"""

    name = "linalg.vecmat"
    ITERATORS: ClassVar[str] = "pr"

    @classmethod
    def default_maps(cls, op):
        n, k = loop_dims(2)
        return maps_of(2, (k,), (k, n), (n,))


@irdl_op_definition
class BatchMatvecOp(StructuredOp):
    """y(b, m) += A(b, m, k) * x(b, k)"""

    name = "linalg.batch_matvec"
    ITERATORS: ClassVar[str] = "ppr"

    @classmethod
    def default_maps(cls, op):
        b, m, k = loop_dims(3)
        return maps_of(3, (b, m, k), (b, k), (b, m))


@irdl_op_definition
class DotOp(StructuredOp):
    """c() += a(k) * b(k)"""

    name = "linalg.dot"
    ITERATORS: ClassVar[str] = "r"

    @classmethod
    def default_maps(cls, op):
        (k,) = loop_dims(1)
        return maps_of(1, (k,), (k,), ())


# Convolutions and pooling ---------------------------------------------------


class WindowedOp(StructuredOp):
    """An op sliding a 2-D window over NHWC images, with strides and dilations.

    Both default to 1 when absent, as in MLIR.
    """

    strides = opt_prop_def(DenseIntElementsAttr)
    dilations = opt_prop_def(DenseIntElementsAttr)

    def _window(self, name: str) -> tuple[int, int]:
        attr = self.properties.get(name)
        if isinstance(attr, DenseIntOrFPElementsAttr):
            h, w = attr.get_values()
            return int(h), int(w)
        return 1, 1

    def input_indices(
        self, oh: AffineExpr, ow: AffineExpr, kh: AffineExpr, kw: AffineExpr
    ) -> tuple[AffineExpr, AffineExpr]:
        (sh, sw), (dh, dw) = self._window("strides"), self._window("dilations")
        return oh * sh + kh * dh, ow * sw + kw * dw


@irdl_op_definition
class Conv2DNhwcHwcfOp(WindowedOp, xlinalg.Conv2DNhwc_HwcfOp):  # pyright: ignore[reportIncompatibleVariableOverride]
    """O(n, oh, ow, f) += I(n, oh*s + kh*d, ow*s + kw*d, c) * F(kh, kw, c, f)"""

    name = "linalg.conv_2d_nhwc_hwcf"

    ITERATORS: ClassVar[str] = "ppppr" + "rr"

    @classmethod
    def default_maps(cls, op):
        n, oh, ow, f, kh, kw, c = loop_dims(7)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return maps_of(7, (n, ih, iw, c), (kh, kw, c, f), (n, oh, ow, f))


@irdl_op_definition
class Conv2DNhwcFhwcOp(WindowedOp, xlinalg.Conv2DNhwc_FhwcOp):  # pyright: ignore[reportIncompatibleVariableOverride]
    """O(n, oh, ow, f) += I(n, oh*s + kh*d, ow*s + kw*d, c) * F(f, kh, kw, c)"""

    name = "linalg.conv_2d_nhwc_fhwc"

    ITERATORS: ClassVar[str] = "ppppr" + "rr"

    @classmethod
    def default_maps(cls, op):
        n, oh, ow, f, kh, kw, c = loop_dims(7)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return maps_of(7, (n, ih, iw, c), (f, kh, kw, c), (n, oh, ow, f))


@irdl_op_definition
class DepthwiseConv2DNhwcHwcOp(WindowedOp):
    """O(n, oh, ow, c) += I(n, oh*s + kh*d, ow*s + kw*d, c) * F(kh, kw, c)"""

    name = "linalg.depthwise_conv_2d_nhwc_hwc"
    ITERATORS: ClassVar[str] = "pppp" + "rr"

    @classmethod
    def default_maps(cls, op):
        n, oh, ow, c, kh, kw = loop_dims(6)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return maps_of(6, (n, ih, iw, c), (kh, kw, c), (n, oh, ow, c))


class PoolingNhwcOp(WindowedOp):
    """O(n, oh, ow, c) = combine(O, I(n, oh*s + kh*d, ow*s + kw*d, c)) over kh, kw.

    The second input is the window: only its shape (kh, kw) matters.
    """

    ITERATORS: ClassVar[str] = "pppp" + "rr"

    @classmethod
    def default_maps(cls, op):
        n, oh, ow, c, kh, kw = loop_dims(6)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return maps_of(6, (n, ih, iw, c), (kh, kw), (n, oh, ow, c))


@irdl_op_definition
class PoolingNhwcMaxOp(PoolingNhwcOp):
    name = "linalg.pooling_nhwc_max"
    BODY: ClassVar = staticmethod(pool(scalar_max))


@irdl_op_definition
class PoolingNhwcMinOp(PoolingNhwcOp):
    name = "linalg.pooling_nhwc_min"
    BODY: ClassVar = staticmethod(pool(scalar_min))


@irdl_op_definition
class PoolingNhwcSumOp(PoolingNhwcOp):
    name = "linalg.pooling_nhwc_sum"
    BODY: ClassVar = staticmethod(pool(scalar_add))


class GenericOp(UpstreamGenericOp):
    """`linalg.generic`; MLIR writes several result types in parentheses.

    xDSL reads `-> (t1, t2)` as the start of a function type and fails, so the
    custom form is read here; it prints as xDSL already does.
    """

    @classmethod
    def parse(cls, parser: Parser) -> GenericOp:
        pos = parser.pos
        attrs = parser.parse_optional_attr_dict()
        maps = attrs.pop("indexing_maps", None)
        iterators = attrs.pop("iterator_types", None)
        if not isa(maps, ArrayAttr[AffineMapAttr]):
            parser.raise_error("expected 'indexing_maps', an array of affine maps", pos)
        if not isinstance(iterators, ArrayAttr):
            parser.raise_error("expected 'iterator_types', an array of iterator types", pos)
        kinds: list[Attribute] = []
        for kind in iterators:
            if isinstance(kind, StringAttr) and kind.data in set(IteratorType):
                kind = IteratorTypeAttr(IteratorType(kind.data))
            if not isinstance(kind, IteratorTypeAttr):
                parser.raise_error(f"unknown iterator type {kind}", pos)
            kinds.append(kind)
        doc = attrs.pop("doc", None)
        library_call = attrs.pop("library_call", None)
        for name, value in (("doc", doc), ("library_call", library_call)):
            if value is not None and not isinstance(value, StringAttr):
                parser.raise_error(f"'{name}' must be a string", pos)
        ins = parse_optional_operand_group(parser, "ins")
        outs = parse_optional_operand_group(parser, "outs")
        if parser.parse_optional_keyword("attrs"):
            parser.parse_punctuation("=")
            attrs |= parser.parse_optional_attr_dict()
        body = parser.parse_region()
        result_types = parse_optional_result_types(parser)
        assert doc is None or isinstance(doc, StringAttr)
        assert library_call is None or isinstance(library_call, StringAttr)
        op = cls(ins, outs, body, maps, kinds, result_types, doc, library_call)
        op.attributes |= attrs
        return op


Linalg = extend_dialect(
    UpstreamLinalg,
    [
        GenericOp,
        MatmulOp,
        BatchMatmulOp,
        MatvecOp,
        VecmatOp,
        BatchMatvecOp,
        DotOp,
        Conv2DNhwcHwcfOp,
        Conv2DNhwcFhwcOp,
        DepthwiseConv2DNhwcHwcOp,
        PoolingNhwcMaxOp,
        PoolingNhwcMinOp,
        PoolingNhwcSumOp,
    ],
)

__all__ = [
    "BatchMatmulOp",
    "BatchMatvecOp",
    "Conv2DNhwcFhwcOp",
    "Conv2DNhwcHwcfOp",
    "DepthwiseConv2DNhwcHwcOp",
    "DotOp",
    "GenericOp",
    "Linalg",
    "MatmulOp",
    "MatvecOp",
    "PoolingNhwcMaxOp",
    "PoolingNhwcMinOp",
    "PoolingNhwcOp",
    "PoolingNhwcSumOp",
    "StructuredOp",
    "VecmatOp",
    "WindowedOp",
    "cast_to",
    "multiply_accumulate",
]
