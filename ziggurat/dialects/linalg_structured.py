"""The base of ziggurat's named linalg ops: loops, indexing maps and a scalar body.

`StructuredOp` parses and prints MLIR's named-op syntax and builds the hidden
body from a Python function of the scalar arguments; the scalar helpers cast
inputs to the output element type as MLIR's `cast_signed` does.
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
    DenseIntOrFPElementsAttr,
    IntegerType,
    MemRefType,
    ShapedType,
    TensorType,
)
from xdsl.dialects.linalg.abstract_ops import NamedOperation
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import YieldOp
from xdsl.ir import Attribute, BlockArgument, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.irdl import (
    region_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa


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


def scalar_add(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.AddfOp if isinstance(a.type, AnyFloat) else arith.AddiOp
    return op(a, b).result


def scalar_mul(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.MulfOp if isinstance(a.type, AnyFloat) else arith.MuliOp
    return op(a, b).result


def scalar_max(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.MaximumfOp if isinstance(a.type, AnyFloat) else arith.MaxSIOp
    return op(a, b).result


def scalar_min(a: SSAValue, b: SSAValue) -> SSAValue:
    op = arith.MinimumfOp if isinstance(a.type, AnyFloat) else arith.MinSIOp
    return op(a, b).result


def multiply_accumulate(args: Sequence[SSAValue]) -> SSAValue:
    """`out + cast(lhs) * cast(rhs)`: contractions and convolutions."""
    lhs, rhs, out = args
    return scalar_add(out, scalar_mul(cast_to(lhs, out.type), cast_to(rhs, out.type)))


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
        result_types = parse_optional_result_types(parser)
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


def parse_optional_operand_group(parser: Parser, keyword: str) -> list[SSAValue]:
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


def parse_optional_result_types(parser: Parser) -> list[Attribute]:
    """`-> type` or `-> (type, ...)`, or nothing."""
    if not parser.parse_optional_punctuation("->"):
        return []
    types = parser.parse_optional_comma_separated_list(Parser.Delimiter.PAREN, parser.parse_type)
    return list[Attribute](types) if types is not None else [parser.parse_type()]


def maps_of(num_loops: int, *results: Sequence[AffineExpr]) -> list[AffineMap]:
    return [AffineMap(num_loops, 0, tuple(r)) for r in results]


def loop_dims(n: int) -> list[AffineExpr]:
    return [AffineDimExpr(i) for i in range(n)]
