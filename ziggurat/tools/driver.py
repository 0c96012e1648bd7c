"""What every ziggurat command-line tool shares: reading input, reporting errors.

Errors are reported the way mlir-opt does (`file:line:col: error: message`,
the source line, a caret), exit with status 1, and never show a traceback
unless `--debug` is given.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NoReturn

Where = tuple[str, int, int]
"""A source location: `(file, line, col)`, both counted from 1."""

Note = str | tuple[str, Where]
"""A note under an error: plain text, or text about another place in the source."""


class ToolError(Exception):
    """An error to report to the user; `location` is `(file, line, col)`.

    `context` is shown under the message when the error is about text that is not
    in a source file (a pass pipeline, say). `internal` is the exception behind an
    error that comes from a bug rather than from the input: `--debug` re-raises it.
    """

    def __init__(
        self,
        message: str,
        location: Where | None = None,
        notes: list[Note] | None = None,
        *,
        context: str = "",
        internal: BaseException | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.location = location
        self.notes = notes or []
        self.context = context
        self.internal = internal


class ToolErrors(ToolError):
    """Several independent errors (one per `--split-input-file` chunk, say)."""

    def __init__(self, errors: list[ToolError]):
        super().__init__(errors[0].message, errors[0].location, errors[0].notes)
        self.errors = errors


@dataclass
class Sources:
    """The text of every input read, to quote lines in diagnostics."""

    texts: dict[str, str] = field(default_factory=dict)

    def read(self, path: str) -> str:
        """Read `path` (`-` is stdin) as UTF-8, with located decoding errors."""
        name = "<stdin>" if path == "-" else path
        try:
            if path == "-":
                if sys.stdin is None:
                    raise ToolError("could not read standard input: it is closed")
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
            # Keep a readable copy so that the error can quote the line.
            self.texts[name] = data.decode("utf-8", errors="replace")
            line_start = data.rfind(b"\n", 0, error.start) + 1
            line = data.count(b"\n", 0, error.start) + 1
            col = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
            raise ToolError(
                f"invalid UTF-8 in input (byte 0x{data[error.start]:02x}); "
                "MLIR source files must be UTF-8",
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
        source = _CONTROL.sub("\ufffd", lines[line - 1].rstrip("\r"))
        # Tabs are kept under the source's tabs so that the caret lines up.
        indent = "".join("\t" if c == "\t" else " " for c in source[: max(col - 1, 0)])
        return f"{source}\n{indent}^\n"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Characters that a terminal would not show as one column (tab excepted)."""


def format_error(error: ToolError, sources: Sources, severity: str = "error") -> str:
    """`file:line:col: error: message`, the quoted line, then the notes, as mlir-opt does."""
    if isinstance(error, ToolErrors):
        return "".join(format_error(e, sources, severity) for e in error.errors)
    text = _format_one(error.message, error.location, sources, severity)
    text += error.context
    for note in error.notes:
        if isinstance(note, str):
            text += f"note: {note}\n"
        else:
            text += _format_one(note[0], note[1], sources, "note")
    return text


def _format_one(message: str, where: Where | None, sources: Sources, severity: str) -> str:
    if where is None:
        return f"{severity}: {message}\n"
    file, line, col = where
    return f"{file}:{line}:{col}: {severity}: {message}\n" + sources.quote(file, line, col)


@contextmanager
def atomic_output(path: str | None, binary: bool = False) -> Iterator[Callable[[str], None]]:
    """Collect output and write it at the end, so a failure leaves no half file.

    A regular file is written next to its destination and renamed into place, so
    an existing file keeps its old content until the new one is complete. With
    `binary`, each chunk is bytes spelled as latin-1 characters (one per byte).
    """
    chunks: list[str] = []
    yield chunks.append
    text = "".join(chunks)
    encoding = "latin-1" if binary else "utf-8"
    if path is None or path == "-":
        if binary:
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode(encoding))
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        if os.path.exists(path) and not os.path.isfile(path):
            if os.path.isdir(path):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            # A device or a pipe (`-o /dev/null`): it cannot be renamed over.
            with open(path, "w", encoding=encoding) as f:
                f.write(text)
            return
        _replace_file(path, text, encoding)
    except OSError as error:
        raise ToolError(f"cannot write output file '{path}': {error.strerror}") from None


def _replace_file(path: str, text: str, encoding: str = "utf-8") -> None:
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ziggurat-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def run_tool(body: Callable[[Sources], int], debug: bool) -> NoReturn:
    """Run a tool's body; turn every failure into a diagnostic and exit status."""
    sources = Sources()
    try:
        status = body(sources)
    except ToolError as error:
        if debug and error.internal is not None:
            raise error.internal from None
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
            f"error: internal compiler error: {type(error).__name__}: {_first_line(error)}\n"
            "note: rerun with --debug to see the Python traceback\n"
        )
        status = 1
    sys.exit(status)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""
