"""The `memref` dialect, with MLIR's custom syntax for `memref.copy`."""

from __future__ import annotations

from xdsl.dialects import memref as xmemref
from xdsl.parser import Parser
from xdsl.printer import Printer

from ziggurat.dialects.extend import extend_dialect


class CopyOp(xmemref.CopyOp):
    """`memref.copy %src, %dst : memref<...> to memref<...>`"""

    @classmethod
    def parse(cls, parser: Parser) -> CopyOp:
        pos = parser.pos
        source = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        destination = parser.parse_unresolved_operand()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        source_type = parser.parse_type()
        parser.parse_keyword("to")
        destination_type = parser.parse_type()
        src, dst = parser.resolve_operands(
            [source, destination], [source_type, destination_type], pos
        )
        op = cls(src, dst)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        printer.print_ssa_value(self.source)
        printer.print_string(", ")
        printer.print_ssa_value(self.destination)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.source.type)
        printer.print_string(" to ")
        printer.print_attribute(self.destination.type)


MemRef = extend_dialect(xmemref.MemRef, [CopyOp])
