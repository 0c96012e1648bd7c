"""An xDSL parser that records where each operation came from.

xDSL only attaches locations written as `loc(...)`. Ziggurat attaches a
`FileLineColLoc` to every parsed op, as `mlir-opt` does, so that verifiers,
passes and emitters can point at the user's source line.
"""

from __future__ import annotations

from bisect import bisect_right

from xdsl.context import Context
from xdsl.dialects.builtin import (
    UNKNOWN_LOC,
    FileLineColLoc,
    IntAttr,
    ModuleOp,
    StringAttr,
)
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.utils.mlir_lexer import MLIRTokenKind


class LocatedParser(Parser):
    """Parses MLIR text; every op gets the line and column where it starts."""

    def __init__(self, ctx: Context, source: str, name: str = "<stdin>", line_offset: int = 0):
        super().__init__(ctx, source, name)
        self._filename = StringAttr(name)
        self._line_offset = line_offset
        self._line_starts = [0]
        find = source.find
        pos = find("\n")
        while pos != -1:
            self._line_starts.append(pos + 1)
            pos = find("\n", pos + 1)

    def at_end(self) -> bool:
        """Whether only whitespace and comments are left."""
        return self._current_token.kind == MLIRTokenKind.EOF

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        op = super().parse_operation()
        if op.location is UNKNOWN_LOC:
            line = bisect_right(self._line_starts, start)
            col = start - self._line_starts[line - 1] + 1
            op.location = FileLineColLoc(
                self._filename, IntAttr(line + self._line_offset), IntAttr(col)
            )
        return op


def parse_module(
    ctx: Context, source: str, name: str = "<stdin>", line_offset: int = 0
) -> ModuleOp:
    """Parse a whole file; an empty one is an empty module, as in mlir-opt."""
    parser = LocatedParser(ctx, source, name, line_offset)
    return ModuleOp([]) if parser.at_end() else parser.parse_module()
