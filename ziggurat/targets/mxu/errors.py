"""The error every reader and writer of mxu programs raises on malformed input.

Binaries and assembly come from users and from other tools, so a bad byte or a
typo is ordinary input: it gets a message and a location (`prog.s:3:7`, or
`prog.bin: instruction 12 (byte 0xc0)`) that the command-line tools print as
`location: error: message`, never a traceback.
"""

from __future__ import annotations


class MxuFormatError(ValueError):
    """A binary or an assembly text that does not describe an mxu program."""

    def __init__(
        self,
        message: str,
        location: str,
        source_line: str | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.source_line = source_line
        """The offending line of an assembly text, for a caret under `column`."""
        self.column = column
        """1-based column of the error in `source_line`."""

    def __str__(self) -> str:
        return f"{self.location}: error: {self.message}"

    def render(self) -> str:
        """The message, then the source line and a caret when the error has them."""
        text = str(self)
        if self.source_line is None or self.column is None:
            return text
        line = self.source_line.expandtabs(1)
        return f"{text}\n{line}\n{' ' * (self.column - 1)}^"


__all__ = ["MxuFormatError"]
