"""The `linalg` dialect with MLIR's contraction, convolution and pooling ops.

xDSL's named ops build their hidden body with the operand types as they are,
so `i8 x i8 -> i32` or `bf16 x bf16 -> f32` fails to verify; several ops
MLIR users write (batch_matmul, matvec, depthwise convolution, NHWC pooling,
...) are missing. Each op here is declared by its loops, its indexing maps
and its scalar body; inputs are cast to the output element type first
(signed extension, as MLIR's default `cast_signed`), as in MLIR.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AnyFloat,
    ArrayAttr,
    DenseIntElementsAttr,
    DenseIntOrFPElementsAttr,
    IntegerType,
    MemRefType,
    ShapedType,
    StringAttr,
    TensorType,
)
from xdsl.dialects.linalg import Linalg as UpstreamLinalg
from xdsl.dialects.linalg import ops as xlinalg
from xdsl.dialects.linalg.abstract_ops import NamedOperation
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp as UpstreamGenericOp
from xdsl.dialects.linalg.ops import YieldOp
from xdsl.ir import Attribute, BlockArgument, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.irdl import (
    irdl_op_definition,
    opt_prop_def,
    region_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from ziggurat.dialects.extend import extend_dialect


def cast_to(value: SSAValue, to: Attribute) -> SSAValue:
    """Convert a scalar to `to` as MLIR's `cast_signed` does; no-op if equal."""
    source = value.type
    if source == to:
        return value
    if isinstance(source, IntegerType) and isinstance(to, IntegerType):
        if source.width.data < to.width.data:
            return arith.ExtSIOp(value, to).result
        return arith.TruncIOp(value, to).result
    if isinstance(source, IntegerType) and isinstance(to, AnyFloat):
        return arith.SIToFPOp(value, to).result
    if isinstance(source, AnyFloat) and isinstance(to, AnyFloat):
        if source.bitwidth < to.bitwidth:
            return arith.ExtFOp(value, to).result
        return arith.TruncFOp(value, to).result
    if isinstance(source, AnyFloat) and isinstance(to, IntegerType):
        return arith.FPToSIOp(value, to).result
    raise VerifyException(f"cannot cast {source} to {to}")


def _add(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.AddfOp if isinstance(a.type, AnyFloat) else arith.AddiOp
    return op(a, b).result


def _mul(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.MulfOp if isinstance(a.type, AnyFloat) else arith.MuliOp
    return op(a, b).result


def _max(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.MaximumfOp if isinstance(a.type, AnyFloat) else arith.MaxSIOp
    return op(a, b).result


def _min(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.MinimumfOp if isinstance(a.type, AnyFloat) else arith.MinSIOp
    return op(a, b).result


def multiply_accumulate(args: Sequence[SSAValue]) -> SSAValue:
    """`out + cast(lhs) * cast(rhs)`: contractions and convolutions."""
    lhs, rhs, out = args
    return _add(out, _mul(cast_to(lhs, out.type), cast_to(rhs, out.type)))


def pool(combine: Callable[[SSAValue, SSAValue], SSAValue]):
    """`combine(out, cast(in))`; the window operand only gives the shape."""

    def body(args: Sequence[SSAValue]) -> SSAValue:
        value, _window, out = args
        return combine(out, cast_to(value, out.type))

    return body


class StructuredOp(NamedOperation):
    """A named structured op declared by its loops, maps and scalar body.

    Parsed and printed in MLIR's form:
    `linalg.NAME [indexing_maps = [...]] [{attrs}] ins(...) outs(...) [-> types]`.
    Where xDSL has the same op, the op also subclasses xDSL's class (so that
    xDSL's passes and patterns match it); the structured fields are declared
    here again so that they come first in the definition, ahead of the
    accessors xDSL's class already carries.
    """

    inputs = var_operand_def()
    outputs = var_operand_def(ShapedType)
    res = var_result_def(TensorType)
    body = region_def("single_block")

    def __init__(
        self,
        ins: Sequence[SSAValue],
        outs: Sequence[SSAValue],
        result_types: Sequence[Attribute | Sequence[Attribute] | None] | None = None,
        properties: dict[str, Attribute | None] | None = None,
        attributes: dict[str, Attribute | None] | None = None,
        hidden_region: Region | None = None,
    ):
        # xDSL's own classes (MatmulOp, ...) take other arguments: build as a named op.
        NamedOperation.__init__(
            self, ins, outs, result_types, properties, attributes, hidden_region
        )

    ITERATORS: ClassVar[str]
    """One letter per loop: `p`arallel or `r`eduction."""

    BODY: ClassVar[Callable[[Sequence[SSAValue]], SSAValue]] = staticmethod(multiply_accumulate)

    CUSTOM_MAPS: ClassVar[bool] = False
    """Whether the op takes MLIR's optional `indexing_maps` (matmul family)."""

    PRINT_ATTRS_IN_FRONT: ClassVar[bool] = True

    @classmethod
    def default_maps(cls, op: StructuredOp | None) -> Sequence[AffineMap]:
        raise NotImplementedError

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        custom = self.properties.get("indexing_maps")
        if isa(custom, ArrayAttr[AffineMapAttr]):
            return [m.data for m in custom]
        return self.default_maps(self)

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        return ArrayAttr(AffineMapAttr(m) for m in self.get_default_indexing_maps())

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return ArrayAttr(
            IteratorTypeAttr.parallel() if kind == "p" else IteratorTypeAttr.reduction()
            for kind in self.ITERATORS
        )

    @classmethod
    def get_hidden_region(cls, inputs: Sequence[SSAValue], outputs: Sequence[SSAValue]) -> Region:
        arg_types = [_element_type(v.type) for v in (*inputs, *outputs)]
        body = cls.BODY

        @Builder.implicit_region(arg_types)
        def region(args: tuple[BlockArgument, ...]) -> None:
            YieldOp(body(args))

        return region

    def verify_(self) -> None:
        if len(self.inputs) != self.NUM_INPUTS or len(self.outputs) != 1:
            raise VerifyException(
                f"expects {self.NUM_INPUTS} inputs and 1 output, "
                f"got {len(self.inputs)} and {len(self.outputs)}"
            )
        for operand in self.operands:
            if not isa(operand.type, TensorType | MemRefType):
                raise VerifyException(f"expects shaped operands, got {operand.type}")
            element = operand.type.get_element_type()
            if not isinstance(element, IntegerType | AnyFloat):
                raise VerifyException(f"expects integer or float elements, got {element}")
        for name in ("strides", "dilations"):
            attr = self.properties.get(name)
            if attr is not None:
                assert isinstance(attr, DenseIntOrFPElementsAttr)
                values = attr.get_values()
                if len(values) != 2 or any(v <= 0 for v in values):
                    raise VerifyException(f"expects two positive {name}")
        for result, output in zip(self.res, self.outputs, strict=False):
            if result.type != output.type:
                raise VerifyException(
                    f"expects result type {output.type} to match its init, got {result.type}"
                )
        NamedOperation.verify_(self)

    NUM_INPUTS: ClassVar[int] = 2

    @classmethod
    def parse(cls, parser: Parser):
        properties: dict[str, Attribute] = {}
        if cls.CUSTOM_MAPS and parser.parse_optional_keyword("indexing_maps"):
            parser.parse_punctuation("=")
            pos = parser.pos
            maps = parser.parse_attribute()
            if not isa(maps, ArrayAttr[AffineMapAttr]):
                parser.raise_error("expected an array of affine maps", pos, parser.pos)
            properties["indexing_maps"] = maps
        attrs = parser.parse_optional_attr_dict()
        ins = _parse_operand_group(parser, "ins")
        outs = _parse_operand_group(parser, "outs")
        if parser.parse_optional_keyword("attrs"):
            parser.parse_punctuation("=")
            attrs |= parser.parse_optional_attr_dict()
        result_types = _parse_optional_result_types(parser)
        prop_names = cls.get_irdl_definition().properties
        for name in [n for n in attrs if n in prop_names]:
            properties[name] = attrs.pop(name)
        pos = parser.pos
        try:
            region = cls.get_hidden_region(ins, outs)
        except VerifyException as error:
            parser.raise_error(str(error), pos)
        return cls.build(
            operands=(ins, outs),
            result_types=(result_types,),
            properties=properties,
            attributes=attrs,
            regions=(region,),
        )

    def print(self, printer: Printer):
        if "indexing_maps" in self.properties:
            printer.print_string(" indexing_maps = ")
            printer.print_attribute(self.properties["indexing_maps"])
        front = {
            k: v
            for k, v in (*self.properties.items(), *self.attributes.items())
            if k not in ("indexing_maps", "operandSegmentSizes")
        }
        if front:
            printer.print_op_attributes(front)
        for keyword, values in (("ins", self.inputs), ("outs", self.outputs)):
            printer.print_string(f" {keyword}(")
            printer.print_list(values, printer.print_ssa_value)
            printer.print_string(" : ")
            printer.print_list(values.types, printer.print_attribute)
            printer.print_string(")")
        if self.res:
            printer.print_string(" -> ")
            if len(self.res) == 1:
                printer.print_attribute(self.res[0].type)
            else:
                with printer.in_parens():
                    printer.print_list(self.result_types, printer.print_attribute)


def _element_type(type_: Attribute) -> Attribute:
    if isa(type_, TensorType | MemRefType):
        return type_.get_element_type()
    return type_


def _parse_operand_group(parser: Parser, keyword: str) -> list[SSAValue]:
    """`keyword(%a, %b : type, type)`"""
    parser.parse_keyword(keyword)
    return _parse_operand_list(parser)


def _parse_optional_operand_group(parser: Parser, keyword: str) -> list[SSAValue]:
    """`keyword(%a, %b : type, type)`, or nothing if `keyword` is absent."""
    return _parse_operand_list(parser) if parser.parse_optional_keyword(keyword) else []


def _parse_operand_list(parser: Parser) -> list[SSAValue]:
    parser.parse_punctuation("(")
    pos = parser.pos
    names = parser.parse_comma_separated_list(
        Parser.Delimiter.NONE, parser.parse_unresolved_operand
    )
    parser.parse_punctuation(":")
    types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
    parser.parse_punctuation(")")
    return list(parser.resolve_operands(names, types, pos))


def _parse_optional_result_types(parser: Parser) -> list[Attribute]:
    """`-> type` or `-> (type, ...)`, or nothing."""
    if not parser.parse_optional_punctuation("->"):
        return []
    types = parser.parse_optional_comma_separated_list(Parser.Delimiter.PAREN, parser.parse_type)
    return list[Attribute](types) if types is not None else [parser.parse_type()]


def _maps(num_loops: int, *results: Sequence[AffineExpr]) -> list[AffineMap]:
    return [AffineMap(num_loops, 0, tuple(r)) for r in results]


def _dims(n: int) -> list[AffineExpr]:
    return [AffineDimExpr(i) for i in range(n)]


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
        m, n, k = _dims(3)
        return _maps(3, (m, k), (k, n), (m, n))


@irdl_op_definition
class BatchMatmulOp(StructuredOp):
    """C(b, m, n) += A(b, m, k) * B(b, k, n)"""

    name = "linalg.batch_matmul"
    ITERATORS: ClassVar[str] = "pppr"
    CUSTOM_MAPS: ClassVar[bool] = True
    indexing_maps = opt_prop_def(ArrayAttr[AffineMapAttr])

    @classmethod
    def default_maps(cls, op):
        b, m, n, k = _dims(4)
        return _maps(4, (b, m, k), (b, k, n), (b, m, n))


@irdl_op_definition
class MatvecOp(StructuredOp):
    """y(m) += A(m, k) * x(k)"""

    name = "linalg.matvec"
    ITERATORS: ClassVar[str] = "pr"

    @classmethod
    def default_maps(cls, op):
        m, k = _dims(2)
        return _maps(2, (m, k), (k,), (m,))


@irdl_op_definition
class VecmatOp(StructuredOp):
    """y(n) += x(k) * A(k, n)"""

    name = "linalg.vecmat"
    ITERATORS: ClassVar[str] = "pr"

    @classmethod
    def default_maps(cls, op):
        n, k = _dims(2)
        return _maps(2, (k,), (k, n), (n,))


@irdl_op_definition
class BatchMatvecOp(StructuredOp):
    """y(b, m) += A(b, m, k) * x(b, k)"""

    name = "linalg.batch_matvec"
    ITERATORS: ClassVar[str] = "ppr"

    @classmethod
    def default_maps(cls, op):
        b, m, k = _dims(3)
        return _maps(3, (b, m, k), (b, k), (b, m))


@irdl_op_definition
class DotOp(StructuredOp):
    """c() += a(k) * b(k)"""

    name = "linalg.dot"
    ITERATORS: ClassVar[str] = "r"

    @classmethod
    def default_maps(cls, op):
        (k,) = _dims(1)
        return _maps(1, (k,), (k,), ())


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
        n, oh, ow, f, kh, kw, c = _dims(7)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return _maps(7, (n, ih, iw, c), (kh, kw, c, f), (n, oh, ow, f))


@irdl_op_definition
class Conv2DNhwcFhwcOp(WindowedOp, xlinalg.Conv2DNhwc_FhwcOp):  # pyright: ignore[reportIncompatibleVariableOverride]
    """O(n, oh, ow, f) += I(n, oh*s + kh*d, ow*s + kw*d, c) * F(f, kh, kw, c)"""

    name = "linalg.conv_2d_nhwc_fhwc"

    ITERATORS: ClassVar[str] = "ppppr" + "rr"

    @classmethod
    def default_maps(cls, op):
        n, oh, ow, f, kh, kw, c = _dims(7)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return _maps(7, (n, ih, iw, c), (f, kh, kw, c), (n, oh, ow, f))


@irdl_op_definition
class DepthwiseConv2DNhwcHwcOp(WindowedOp):
    """O(n, oh, ow, c) += I(n, oh*s + kh*d, ow*s + kw*d, c) * F(kh, kw, c)"""

    name = "linalg.depthwise_conv_2d_nhwc_hwc"
    ITERATORS: ClassVar[str] = "pppp" + "rr"

    @classmethod
    def default_maps(cls, op):
        n, oh, ow, c, kh, kw = _dims(6)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return _maps(6, (n, ih, iw, c), (kh, kw, c), (n, oh, ow, c))


class PoolingNhwcOp(WindowedOp):
    """O(n, oh, ow, c) = combine(O, I(n, oh*s + kh*d, ow*s + kw*d, c)) over kh, kw.

    The second input is the window: only its shape (kh, kw) matters.
    """

    ITERATORS: ClassVar[str] = "pppp" + "rr"

    @classmethod
    def default_maps(cls, op):
        n, oh, ow, c, kh, kw = _dims(6)
        assert isinstance(op, WindowedOp)
        ih, iw = op.input_indices(oh, ow, kh, kw)
        return _maps(6, (n, ih, iw, c), (kh, kw), (n, oh, ow, c))


@irdl_op_definition
class PoolingNhwcMaxOp(PoolingNhwcOp):
    name = "linalg.pooling_nhwc_max"
    BODY: ClassVar = staticmethod(pool(_max))


@irdl_op_definition
class PoolingNhwcMinOp(PoolingNhwcOp):
    name = "linalg.pooling_nhwc_min"
    BODY: ClassVar = staticmethod(pool(_min))


@irdl_op_definition
class PoolingNhwcSumOp(PoolingNhwcOp):
    name = "linalg.pooling_nhwc_sum"
    BODY: ClassVar = staticmethod(pool(_add))


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
        ins = _parse_optional_operand_group(parser, "ins")
        outs = _parse_optional_operand_group(parser, "outs")
        if parser.parse_optional_keyword("attrs"):
            parser.parse_punctuation("=")
            attrs |= parser.parse_optional_attr_dict()
        body = parser.parse_region()
        result_types = _parse_optional_result_types(parser)
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
