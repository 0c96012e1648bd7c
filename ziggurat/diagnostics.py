"""Located compiler errors, shared by every layer.

Passes and emitters raise `CompileError` on the op they cannot handle; the tools
turn it into `file:line:col: error: message` with the source line and a caret.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import FileLineColLoc
from xdsl.ir import Operation


@dataclass(frozen=True)
class SourceLocation:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def location_of(op: Operation | None) -> SourceLocation | None:
    """The source location of `op`, or of its nearest located ancestor."""
    while op is not None:
        loc = op.location
        if isinstance(loc, FileLineColLoc):
            return SourceLocation(loc.filename.data, loc.line.data, loc.column.data)
        op = op.parent_op()
    return None


class CompileError(Exception):
    """A user-facing error, optionally attached to the op that caused it."""

    def __init__(
        self,
        message: str,
        op: Operation | None = None,
        location: SourceLocation | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.op = op
        self.location = location if location is not None else location_of(op)
