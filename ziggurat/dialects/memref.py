"""The `memref` dialect, with MLIR's custom syntax where xDSL has none.

xDSL reads and prints `memref.copy`, `memref.cast`, `memref.global`,
`memref.rank`, `memref.memory_space_cast`,
`memref.extract_aligned_pointer_as_index`, `memref.alloca_scope` and
`memref.atomic_rmw` only in generic form; here they get MLIR's syntax (by
`assembly_format` where MLIR's is declarative too), and the reshaping ops
print their reassociation as MLIR does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xdsl.dialects import memref as xmemref
from xdsl.dialects.builtin import (
    AnyFloat,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.ir import Attribute, Block
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from ziggurat.dialects.arith import ATOMIC_RMW_KINDS, FLOAT_ATOMIC_KINDS
from ziggurat.dialects.extend import extend_dialect
from ziggurat.dialects.memref_checks import (
    AllocaOp,
    AllocOp,
    AssumeAlignmentOp,
    LoadOp,
    ReinterpretCastOp,
    StoreOp,
    ViewOp,
    memref_cast_compatible,
)
from ziggurat.dialects.reshape_rules import (
    check_memref_collapse,
    check_memref_expand,
    reassociation_groups,
)
from ziggurat.dialects.shape_syntax import print_reshape
from ziggurat.dialects.slice_rules import check_slice
from ziggurat.xdsl_compat import with_assembly_format


@with_assembly_format(
    "$source `,` $destination attr-dict `:` type($source) `to` type($destination)"
)
class CopyOp(xmemref.CopyOp):
    """`memref.copy %src, %dst : memref<...> to memref<...>`: same shape, same elements."""

    def verify_(self) -> None:
        source, target = self.source.type, self.destination.type
        if isinstance(source, MemRefType) and isinstance(target, MemRefType):
            if source.get_shape() != target.get_shape():
                raise VerifyException("requires the same shape for all operands")
            if source.element_type != target.element_type:
                raise VerifyException("requires the same element type for all operands")
        super().verify_()


@with_assembly_format("$source attr-dict `:` type($source) `to` type($dest)")
class CastOp(xmemref.CastOp):
    """`%r = memref.cast %m : memref<4xf32> to memref<?xf32>`"""

    def verify_(self) -> None:
        if not memref_cast_compatible(self.source.type, self.dest.type):
            raise VerifyException(
                f"operand type '{self.source.type}' and result type '{self.dest.type}' "
                "are cast incompatible"
            )
        super().verify_()


@with_assembly_format("$source attr-dict `:` type($source) `to` type($dest)")
class MemorySpaceCastOp(xmemref.MemorySpaceCastOp):
    """`%r = memref.memory_space_cast %m : memref<4xf32, 1> to memref<4xf32>`"""


@with_assembly_format("$source attr-dict `:` type($source)")
class RankOp(xmemref.RankOp):
    """`%r = memref.rank %m : memref<4x?xf32>`"""


@with_assembly_format("$source `:` type($source) `->` type($aligned_pointer) attr-dict")
class ExtractAlignedPointerAsIndexOp(xmemref.ExtractAlignedPointerAsIndexOp):
    """`%p = memref.extract_aligned_pointer_as_index %m : memref<4xf32> -> index`"""


class AllocaScopeOp(xmemref.AllocaScopeOp):
    """`memref.alloca_scope [-> (types)] { ... }`: stack allocations freed at its end.

    Without results the `memref.alloca_scope.return` ending the body is
    implicit, as in MLIR.
    """

    @classmethod
    def parse(cls, parser: Parser) -> AllocaScopeOp:
        result_types: list[Attribute] = []
        if parser.parse_optional_punctuation("->") is not None:
            result_types = parser.parse_comma_separated_list(
                Parser.Delimiter.PAREN, parser.parse_type
            )
        region = parser.parse_region()
        if not region.blocks:
            region.add_block(Block())
        if not isinstance(region.block.last_op, xmemref.AllocaScopeReturnOp):
            region.block.add_op(AllocaScopeReturnOp.build(operands=[[]]))
        op = cls.build(result_types=[result_types], regions=[region])
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer):
        if self.res:
            printer.print_string(" -> ")
            with printer.in_parens():
                printer.print_list(self.result_types, printer.print_attribute)
        printer.print_string(" ")
        printer.print_region(self.scope, print_block_terminators=bool(self.res))
        printer.print_op_attributes(self.attributes)


@with_assembly_format("attr-dict ($ops^ `:` type($ops))?")
class AllocaScopeReturnOp(xmemref.AllocaScopeReturnOp):
    """`memref.alloca_scope.return %v : f32`"""


class AtomicRMWOp(xmemref.AtomicRMWOp):
    """`%old = memref.atomic_rmw addf %v, %m[%i] : (f32, memref<10xf32>) -> f32`"""

    @property
    def kind_name(self) -> str:
        return ATOMIC_RMW_KINDS[self.kind.value.data]

    @classmethod
    def parse(cls, parser: Parser) -> AtomicRMWOp:
        pos = parser.pos
        kind = parser.parse_identifier()
        if kind not in ATOMIC_RMW_KINDS:
            parser.raise_error(f"unknown atomic kind '{kind}'", pos, parser.pos)
        value = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        memref = parser.parse_unresolved_operand()
        indices = parser.parse_comma_separated_list(
            Parser.Delimiter.SQUARE, lambda: parser.parse_operand(IndexType())
        )
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        types_pos = parser.pos
        parser.parse_punctuation("(")
        value_type = parser.parse_type()
        parser.parse_punctuation(",")
        memref_type = parser.parse_type()
        parser.parse_punctuation(")")
        parser.parse_punctuation("->")
        result_type = parser.parse_type()
        resolved = parser.resolve_operands([value, memref], [value_type, memref_type], types_pos)
        op = cls.build(
            operands=[resolved[0], resolved[1], indices],
            result_types=[result_type],
            properties={"kind": IntegerAttr(ATOMIC_RMW_KINDS.index(kind), i64)},
        )
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(f" {self.kind_name} ")
        printer.print_ssa_value(self.value)
        printer.print_string(", ")
        printer.print_ssa_value(self.memref)
        with printer.in_square_brackets():
            printer.print_list(self.indices, printer.print_ssa_value)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : (")
        printer.print_attribute(self.value.type)
        printer.print_string(", ")
        printer.print_attribute(self.memref.type)
        printer.print_string(") -> ")
        printer.print_attribute(self.result.type)

    def verify_(self) -> None:
        if not 0 <= self.kind.value.data < len(ATOMIC_RMW_KINDS):
            raise VerifyException(f"unknown atomic kind {self.kind.value.data}")
        kind = self.kind_name
        memref_type = self.memref.type
        if isa(memref_type, MemRefType) and len(self.indices) != memref_type.get_num_dims():
            raise VerifyException("expects the number of subscripts to be equal to memref rank")
        if kind == "assign":
            return
        is_float = isinstance(self.value.type, AnyFloat)
        if kind in FLOAT_ATOMIC_KINDS and not is_float:
            raise VerifyException(f"with kind '{kind}' expects a floating-point type")
        if kind not in FLOAT_ATOMIC_KINDS and not isinstance(self.value.type, IntegerType):
            raise VerifyException(f"with kind '{kind}' expects an integer type")


class GlobalOp(xmemref.GlobalOp):
    """`memref.global "private" constant @w : memref<4xf32> = dense<...> {alignment = 64}`

    The initial value is `dense<...>` (typed by the memref's shape), or
    `uninitialized`; an absent visibility
    means public. A declaration without an initial value is not supported
    (xDSL's op requires one).
    """

    @classmethod
    def create(cls, *, properties: Mapping[str, Attribute] = {}, **kwargs: Any) -> GlobalOp:
        # MLIR's generic form leaves the visibility out when it is public.
        if "sym_visibility" not in properties:
            properties = {**properties, "sym_visibility": StringAttr("public")}
        return super().create(properties=properties, **kwargs)

    @classmethod
    def parse(cls, parser: Parser) -> GlobalOp:
        visibility = parser.parse_optional_str_literal() or "public"
        constant = UnitAttr() if parser.parse_optional_keyword("constant") else None
        sym_name = parser.parse_symbol_name()
        parser.parse_punctuation(":")
        pos = parser.pos
        memref_type = parser.parse_type()
        if not isa(memref_type, MemRefType):
            parser.raise_error("expected a memref type", pos, parser.pos)
        if parser.parse_optional_punctuation("=") is None:
            parser.raise_error("expected '= <initial value>' or '= uninitialized'")
        initial_value: Attribute
        if parser.parse_optional_keyword("uninitialized"):
            initial_value = UnitAttr()
        else:
            # MLIR elides the type of the value: the memref's shape as a tensor.
            parser.parse_keyword("dense")
            tensor_type = TensorType(memref_type.element_type, memref_type.get_shape())
            initial_value = DenseIntOrFPElementsAttr.parse_with_type(parser, tensor_type)
        attrs = parser.parse_optional_attr_dict()
        properties: dict[str, Attribute] = {
            "sym_name": sym_name,
            "sym_visibility": StringAttr(visibility),
            "type": memref_type,
            "initial_value": initial_value,
        }
        if constant is not None:
            properties["constant"] = constant
        if isinstance(alignment := attrs.pop("alignment", None), IntegerAttr):
            properties["alignment"] = alignment
        op = cls.build(properties=properties, attributes=attrs)
        return op

    def print(self, printer: Printer):
        if self.sym_visibility.data != "public":
            printer.print_string(" ")
            printer.print_string_literal(self.sym_visibility.data)
        if self.constant is not None:
            printer.print_string(" constant")
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        printer.print_string(" : ")
        printer.print_attribute(self.type)
        printer.print_string(" = ")
        if isinstance(self.initial_value, UnitAttr):
            printer.print_string("uninitialized")
        else:
            assert isinstance(self.initial_value, DenseIntOrFPElementsAttr)
            self.initial_value.print_without_type(printer)
        attrs = dict(self.attributes)
        if self.alignment is not None:
            attrs["alignment"] = self.alignment
        printer.print_op_attributes(attrs)


class GetGlobalOp(xmemref.GetGlobalOp):
    """`%m = memref.get_global @w : memref<4xf32>`"""

    @classmethod
    def parse(cls, parser: Parser) -> GetGlobalOp:
        name = parser.parse_symbol_name()
        parser.parse_punctuation(":")
        result_type = parser.parse_type()
        op = cls(SymbolRefAttr(name), result_type)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def verify_(self) -> None:
        name = self.name_.string_value()
        table = self.parent_op()
        while table is not None and not table.has_trait(SymbolTable):
            table = table.parent_op()
        if table is not None:
            found = SymbolTable.lookup_symbol(table, self.name_)
            if not isinstance(found, xmemref.GlobalOp):
                raise VerifyException(f"'{name}' does not reference a valid global memref")
            if found.type != self.memref.type:
                raise VerifyException(
                    f"result type '{self.memref.type}' does not match type '{found.type}' "
                    f"of the global memref @{name}"
                )
        super().verify_()

    def print(self, printer: Printer):
        printer.print_string(" ")
        printer.print_attribute(self.name_)
        printer.print_string(" : ")
        printer.print_attribute(self.memref.type)
        printer.print_op_attributes(self.attributes)


class SubviewOp(xmemref.SubviewOp):
    """`memref.subview`, verified by MLIR's rules for its offsets, sizes and strides."""

    def verify_(self) -> None:
        super().verify_()
        source, result = self.source.type, self.result.type
        assert isinstance(source, MemRefType) and isinstance(result, MemRefType)
        check_slice(
            source,
            result,
            self.static_offsets.get_values(),
            self.static_sizes.get_values(),
            self.static_strides.get_values(),
        )


class CollapseShapeOp(xmemref.CollapseShapeOp):
    """`memref.collapse_shape %m [[0, 1], [2]] : memref<2x3x4xf32> into memref<6x4xf32>`"""

    def verify_(self) -> None:
        source, result = self.src.type, self.result.type
        if isinstance(source, MemRefType) and isinstance(result, MemRefType):
            groups = reassociation_groups(self.reassociation)
            check_memref_collapse(source, result, groups)
        super().verify_()

    def print(self, printer: Printer):
        print_reshape(printer, self, self.src, self.reassociation)


class ExpandShapeOp(xmemref.ExpandShapeOp):
    """`memref.expand_shape %m [[0, 1]] output_shape [2, 3] : ... into ...`"""

    def verify_(self) -> None:
        source, result = self.src.type, self.result.type
        if isinstance(source, MemRefType) and isinstance(result, MemRefType):
            groups = reassociation_groups(self.reassociation)
            check_memref_expand(source, result, groups, self.static_output_shape.get_values())
        super().verify_()

    def print(self, printer: Printer):
        output_shape = (self.output_shape, self.static_output_shape)
        print_reshape(printer, self, self.src, self.reassociation, output_shape)


MemRef = extend_dialect(
    xmemref.MemRef,
    [
        CopyOp,
        CastOp,
        MemorySpaceCastOp,
        RankOp,
        ExtractAlignedPointerAsIndexOp,
        AllocaScopeOp,
        AllocaScopeReturnOp,
        AtomicRMWOp,
        GlobalOp,
        GetGlobalOp,
        CollapseShapeOp,
        ExpandShapeOp,
        SubviewOp,
        LoadOp,
        StoreOp,
        AllocOp,
        AllocaOp,
        ViewOp,
        AssumeAlignmentOp,
        ReinterpretCastOp,
    ],
)
