"""The base of ziggurat's named linalg ops: each op class is one row of the table.

`StructuredOp` parses and prints MLIR's named-op syntax, verifies operand
ranks and shapes against the row's indexing maps (with MLIR's messages) and
builds the hidden body from the row's formula (`linalg_body`). The rows and
their language are in `linalg_opdsl`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.builder import Builder
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
from xdsl.ir.affine import AffineMap
from xdsl.irdl import (
    region_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from ziggurat.dialects.linalg_body import build_body
from ziggurat.dialects.linalg_opdsl import NamedOpSpec, TypeFn, TypeFnAttr, index_attr


class StructuredOp(NamedOperation):
    """A named structured op: everything about it comes from its row, `SPEC`.

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

    SPEC: ClassVar[NamedOpSpec]

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

    PRINT_ATTRS_IN_FRONT: ClassVar[bool] = True

    def cast_fn(self) -> TypeFn:
        """What `cast(x)` does in this op's body: its `cast` attribute, or the row's default."""
        return _cast_of(self.SPEC, self.properties.get("cast"))

    def window_attrs(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """`strides` and `dilations`, each defaulting to ones (empty if the op has none)."""
        count = self.SPEC.window
        strides = index_attr(self.properties.get("strides"), count)
        return strides, index_attr(self.properties.get("dilations"), count)

    def output_rank(self) -> int:
        out = self.outputs[0].type if self.outputs else None
        return len(out.get_shape()) if isa(out, ShapedType) else 0

    def get_default_indexing_maps(self) -> Sequence[AffineMap]:
        custom = self.properties.get("indexing_maps")
        if isa(custom, ArrayAttr[AffineMapAttr]):
            return [m.data for m in custom]
        return self.SPEC.maps(self.output_rank(), *self.window_attrs())

    def get_indexing_maps(self) -> ArrayAttr[AffineMapAttr]:
        return ArrayAttr(AffineMapAttr(m) for m in self.get_default_indexing_maps())

    def get_iterator_types(self) -> ArrayAttr[IteratorTypeAttr]:
        return ArrayAttr(
            IteratorTypeAttr.parallel() if kind == "p" else IteratorTypeAttr.reduction()
            for kind in self.SPEC.iterators(self.output_rank())
        )

    @classmethod
    def get_hidden_region(
        cls,
        inputs: Sequence[SSAValue],
        outputs: Sequence[SSAValue],
        cast: TypeFn | None = None,
    ) -> Region:
        """The body the row's formula gives for these operands; VerifyException if none."""
        spec = cls.SPEC
        count = len(inputs) + len(outputs)
        if len(inputs) != spec.num_inputs or len(outputs) != 1:
            raise VerifyException(
                f"expects {spec.num_inputs} input(s) and 1 output ({spec.num_inputs + 1} "
                f"operands), got {len(inputs)} and {len(outputs)} ({count})"
            )
        arg_types = [_element_type(v.type) for v in (*inputs, *outputs)]
        for type_ in arg_types:
            if not isinstance(type_, IntegerType | AnyFloat):
                raise VerifyException(f"expects integer or float elements, got {type_}")
        fn = cast or spec.cast

        @Builder.implicit_region(arg_types)
        def region(args: tuple[BlockArgument, ...]) -> None:
            value = build_body(spec, args, fn)
            if value.type != arg_types[-1]:
                raise VerifyException(
                    f"computes {value.type} but the output element type is {arg_types[-1]}: "
                    f"'linalg.{spec.name}' does not convert element types"
                )
            YieldOp(value)

        return region

    def verify_(self) -> None:
        spec = self.SPEC
        for operand in self.operands:
            if not isa(operand.type, TensorType | MemRefType):
                raise VerifyException(f"expects shaped operands, got {operand.type}")
        for name in ("strides", "dilations"):
            attr = self.properties.get(name)
            if isinstance(attr, DenseIntOrFPElementsAttr):
                values = attr.get_values()
                if len(values) != spec.window:
                    raise VerifyException(
                        f"attribute '{name}' failed to satisfy constraint: 64-bit signless "
                        f"int elements attribute of shape [{spec.window}]"
                    )
                if any(v <= 0 for v in values):
                    raise VerifyException(f"expects positive {name}, got {list(values)}")
        for index, (operand, amap) in enumerate(
            zip(self.operands, self.get_default_indexing_maps(), strict=False)
        ):
            assert isa(operand.type, ShapedType)
            rank = len(operand.type.get_shape())
            if rank != len(amap.results):
                raise VerifyException(
                    f"expected operand #{index} rank ({rank}) to match the result rank "
                    f"of indexing_map ({len(amap.results)})"
                )
        for result, output in zip(self.res, self.outputs, strict=False):
            if result.type != output.type:
                raise VerifyException(
                    f"expects result type {output.type} to match its init, got {result.type}"
                )
        NamedOperation.verify_(self)

    @classmethod
    def parse(cls, parser: Parser):
        properties: dict[str, Attribute] = {}
        if cls.SPEC.custom_maps and parser.parse_optional_keyword("indexing_maps"):
            parser.parse_punctuation("=")
            pos = parser.pos
            maps = parser.parse_attribute()
            if not isa(maps, ArrayAttr[AffineMapAttr]):
                parser.raise_error("expected an array of affine maps", pos, parser.pos)
            properties["indexing_maps"] = maps
        attrs = parser.parse_optional_attr_dict()
        start = parser.pos
        ins = parse_optional_operand_group(parser, "ins")
        outs = _parse_operand_group(parser, "outs")
        if parser.parse_optional_keyword("attrs"):
            parser.parse_punctuation("=")
            attrs |= parser.parse_optional_attr_dict()
        result_types = parse_optional_result_types(parser)
        prop_names = cls.get_irdl_definition().properties
        for name in [n for n in attrs if n in prop_names]:
            properties[name] = attrs.pop(name)
        cast = properties.get("cast")
        if cast is not None and not isinstance(cast, TypeFnAttr):
            parser.raise_error("'cast' must be a #linalg.type_fn attribute", start)
        try:
            region = cls.get_hidden_region(ins, outs, _cast_of(cls.SPEC, cast))
        except VerifyException as error:
            parser.raise_error(f"'{cls.name}' {error}", start)
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
            if not values and keyword == "ins":
                continue
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


def _cast_of(spec: NamedOpSpec, attr: Attribute | None) -> TypeFn:
    return attr.data if isinstance(attr, TypeFnAttr) else spec.cast


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
