"""`affine.load`, `affine.store` and their vector forms, with MLIR's subscripts.

The subscripts are expressions of dims (`%i`) and symbols (`symbol(%n)`),
read into the op's map and operands; each op extends xDSL's op of the name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import (
    AffineMapAttr,
    IndexType,
    MemRefType,
    VectorType,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from ziggurat.dialects.affine_syntax import (
    parse_map_of_ssa_ids,
    print_map_of_ssa_ids,
)


def _parse_memref_access(
    parser: Parser,
) -> tuple[
    SSAValue[MemRefType], AffineMap, list[SSAValue[IndexType]], MemRefType, dict[str, Attribute]
]:
    """`%memref[<exprs of SSA ids>] {attrs} : memref-type`"""
    unresolved = parser.parse_unresolved_operand()
    affine_map, indices = parse_map_of_ssa_ids(parser)
    attrs = parser.parse_optional_attr_dict()
    parser.parse_punctuation(":")
    pos = parser.pos
    memref_type = parser.parse_type()
    if not isa(memref_type, MemRefType):
        parser.raise_error("expected a memref type", pos, parser.pos)
    if affine_map.results and len(affine_map.results) != memref_type.get_num_dims():
        parser.raise_error(
            f"expected {memref_type.get_num_dims()} subscripts for {memref_type}, "
            f"got {len(affine_map.results)}",
            pos,
            parser.pos,
        )
    return (
        cast(SSAValue[MemRefType], parser.resolve_operand(unresolved, memref_type)),
        affine_map,
        cast(list[SSAValue[IndexType]], indices),
        memref_type,
        attrs,
    )


def _print_memref_access(
    printer: Printer,
    op: Operation,
    memref: SSAValue,
    affine_map: AffineMap,
    indices: Sequence[SSAValue],
) -> None:
    printer.print_ssa_value(memref)
    print_map_of_ssa_ids(printer, affine_map, indices)
    printer.print_op_attributes(op.attributes)
    printer.print_string(" : ")
    printer.print_attribute(memref.type)


class LoadOp(xaffine.LoadOp):
    """`%v = affine.load %m[%i, %j + 1] : memref<...>`"""

    @classmethod
    def parse(cls, parser: Parser) -> LoadOp:
        memref, affine_map, indices, memref_type, attrs = _parse_memref_access(parser)
        op = cls(memref, indices, AffineMapAttr(affine_map), memref_type.element_type)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


class StoreOp(xaffine.StoreOp):
    """`affine.store %v, %m[%i, %j] : memref<...>`"""

    @classmethod
    def parse(cls, parser: Parser) -> StoreOp:
        value = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        memref, affine_map, indices, memref_type, attrs = _parse_memref_access(parser)
        resolved = parser.resolve_operand(value, memref_type.element_type)
        op = cls(resolved, memref, indices, AffineMapAttr(affine_map))
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        printer.print_ssa_value(self.value)
        printer.print_string(", ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


class VectorLoadOp(xaffine.VectorLoadOp):
    """`%v = affine.vector_load %m[%i, %j * 8] : memref<...>, vector<8xf32>`"""

    @classmethod
    def parse(cls, parser: Parser) -> VectorLoadOp:
        memref, affine_map, indices, _, attrs = _parse_memref_access(parser)
        parser.parse_punctuation(",")
        pos = parser.pos
        result_type = parser.parse_type()
        if not isa(result_type, VectorType):
            parser.raise_error("expected a vector type", pos, parser.pos)
        op = cls(memref, indices, AffineMapAttr(affine_map), result_type)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)
        printer.print_string(", ")
        printer.print_attribute(self.result.type)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


class VectorStoreOp(xaffine.VectorStoreOp):
    """`affine.vector_store %v, %m[%i, %j * 8] : memref<...>, vector<8xf32>`"""

    @classmethod
    def parse(cls, parser: Parser) -> VectorStoreOp:
        value = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        memref, affine_map, indices, _, attrs = _parse_memref_access(parser)
        parser.parse_punctuation(",")
        value_type = parser.parse_type()
        resolved = parser.resolve_operand(value, value_type)
        op = cls(resolved, memref, indices, AffineMapAttr(affine_map))
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        printer.print_ssa_value(self.value)
        printer.print_string(", ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)
        printer.print_string(", ")
        printer.print_attribute(self.value.type)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


def _verify_access(
    affine_map: AffineMap, indices: Sequence[SSAValue], memref_type: Attribute
) -> None:
    if len(indices) != affine_map.num_dims + affine_map.num_symbols:
        raise VerifyException(
            f"expects {affine_map.num_dims + affine_map.num_symbols} index operands "
            f"for its map, got {len(indices)}"
        )
    if isa(memref_type, MemRefType) and len(affine_map.results) != len(memref_type.get_shape()):
        raise VerifyException(
            f"affine map has {len(affine_map.results)} results but the memref "
            f"has rank {len(memref_type.get_shape())}"
        )
