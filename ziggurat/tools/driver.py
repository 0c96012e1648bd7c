"""What every ziggurat command-line tool shares: reading input, reporting errors.

Errors are reported the way mlir-opt does (`file:line:col: error: message`,
the source line, a caret), exit with status 1, and never show a traceback
unless `--debug` is given.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NoReturn


class ToolError(Exception):
    """An error to report to the user; `location` is `(file, line, col)`."""

    def __init__(
        self,
        message: str,
        location: tuple[str, int, int] | None = None,
        notes: list[str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.location = location
        self.notes = notes or []


@dataclass
class Sources:
    """The text of every input read, to quote lines in diagnostics."""

    texts: dict[str, str] = field(default_factory=dict)

    def read(self, path: str) -> str:
        """Read `path` (`-` is stdin) as UTF-8, with located decoding errors."""
        name = "<stdin>" if path == "-" else path
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as f:
                    data = f.read()
        except FileNotFoundError:
            raise ToolError(f"could not open input file '{path}': no such file") from None
        except IsADirectoryError:
            raise ToolError(f"could not open input file '{path}': is a directory") from None
        except OSError as error:
            raise ToolError(f"could not open input file '{path}': {error.strerror}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            raise ToolError(
                f"invalid UTF-8 in input (byte 0x{data[error.start]:02x})",
                (name, line, col),
            ) from None
        self.texts[name] = text
        return text

    def quote(self, file: str, line: int, col: int) -> str:
        """The source line and a caret under `col`, or nothing if unknown."""
        text = self.texts.get(file)
        if text is None:
            return ""
        lines = text.split("\n")
        if not 1 <= line <= len(lines):
            return ""
        source = lines[line - 1].rstrip("\r")
        return f"{source}\n{' ' * max(col - 1, 0)}^\n"


def format_error(error: ToolError, sources: Sources, severity: str = "error") -> str:
    if error.location is None:
        text = f"{severity}: {error.message}\n"
    else:
        file, line, col = error.location
        text = f"{file}:{line}:{col}: {severity}: {error.message}\n"
        text += sources.quote(file, line, col)
    for note in error.notes:
        text += f"note: {note}\n"
    return text


@contextmanager
def atomic_output(path: str | None) -> Iterator[Callable[[str], None]]:
    """Collect output and write it at the end, so a failure leaves no half file.

    The file is written next to its destination and renamed into place.
    """
    chunks: list[str] = []
    yield chunks.append
    text = "".join(chunks)
    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ziggurat-", suffix=".tmp")
    except OSError as error:
        raise ToolError(f"cannot write output file '{path}': {error.strerror}") from None
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as error:
        os.unlink(tmp)
        raise ToolError(f"cannot write output file '{path}': {error.strerror}") from None


def run_tool(body: Callable[[Sources], int], debug: bool) -> NoReturn:
    """Run a tool's body; turn every failure into a diagnostic and exit status."""
    sources = Sources()
    try:
        status = body(sources)
    except ToolError as error:
        sys.stdout.flush()
        sys.stderr.write(format_error(error, sources))
        status = 1
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        status = 130
    except BrokenPipeError:
        status = 1
    except Exception as error:
        if debug:
            raise
        sys.stderr.write(
            f"error: internal compiler error: {type(error).__name__}: {error}\n"
            "note: rerun with --debug to see the Python traceback\n"
        )
        status = 1
    sys.exit(status)
