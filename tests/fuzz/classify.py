"""What one run of a tool looked like to its user, as one class.

The classes, worst first: `hang` (killed at the time limit), `signal` (killed by a
signal: a crash), `traceback` (a Python traceback on stderr), `internal` (the tool's
own report of an exception it did not expect: "internal compiler error", or a
failure with the note "rerun with --debug to see the Python traceback"),
`mismatch` (`--check` found results that differ from ref's: a miscompile or a
false alarm), `unlocated` (a failure with no `file:line:col`), then the good ones:
`located` (`file:line:col: error:` and status 1; for `ziggurat-sim`, an error that
names the instruction, or the program file for what is wrong with it as a whole)
and `success`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    """One class of run; `bad` ones make the fuzzer fail."""

    HANG = "hang"
    SIGNAL = "signal"
    TRACEBACK = "traceback"
    INTERNAL = "internal"
    MISMATCH = "mismatch"
    UNLOCATED = "unlocated"
    LOCATED = "located"
    SUCCESS = "success"

    @property
    def bad(self) -> bool:
        return self not in (Outcome.LOCATED, Outcome.SUCCESS)


LOCATED_ERROR = re.compile(r"^[^\s:][^:\n]*:\d+:\d+: error: ", re.MULTILINE)
"""`file:line:col: error: ` at the start of a line."""

INSTRUCTION_ERROR = re.compile(
    r"^[^\s:][^:\n]*: (?:instruction \d+ [^:\n]*: )?error: |^error: instruction \d+\b",
    re.MULTILINE,
)
"""The simulator's located forms: `error: instruction N (op): ...`, `PROGRAM: instruction N
(byte 0x..): error: ...`, or `PROGRAM: error: ...` for what is wrong with the program file
as a whole (a binary's length, say)."""

INTERNAL_ERROR = re.compile(r"internal (compiler )?error|rerun with --debug", re.IGNORECASE)
"""The tools' words for an exception they did not expect (a pass that failed with a
`ValueError`, say, ends with the note to rerun with `--debug`)."""
MISMATCH = re.compile(r"results differ from the ref target|: MISMATCH")


@dataclass(frozen=True)
class Run:
    """What a run left: its status (`None` when it was killed at the time limit) and output."""

    returncode: int | None
    stdout: str
    stderr: str


def classify(run: Run, tool: str) -> Outcome:
    """The class of `run`, a run of `tool` (`ziggurat-opt`, `ziggurat-sim`, ...)."""
    if run.returncode is None:
        return Outcome.HANG
    if run.returncode < 0:
        return Outcome.SIGNAL
    if "Traceback (most recent call last)" in run.stderr:
        return Outcome.TRACEBACK
    if INTERNAL_ERROR.search(run.stderr):
        return Outcome.INTERNAL
    if MISMATCH.search(run.stderr) or MISMATCH.search(run.stdout):
        return Outcome.MISMATCH
    if run.returncode == 0:
        return Outcome.SUCCESS
    located = LOCATED_ERROR.search(run.stderr) or (
        tool == "ziggurat-sim" and INSTRUCTION_ERROR.search(run.stderr)
    )
    if run.returncode == 1 and located:
        return Outcome.LOCATED
    return Outcome.UNLOCATED


_NUMBERS = re.compile(r"\d+")
_PATHS = re.compile(r"\S*/\S*|<stdin>")
_WHERE = re.compile(r"^[^\s:][^:\n]*:(?:\d+:\d+:)? (?=error:|instruction )")
"""The file (and line and column) an error starts with, whatever the file is called."""


def first_error(stderr: str) -> str:
    """The first line that says `error:` (or the last line), as a user would quote it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line or "Error" in line:
            return line.strip()
    return lines[-1].strip() if lines else ""


def signature(stderr: str) -> str:
    """The first error with paths and numbers blanked, so that repeats count as one finding."""
    return _NUMBERS.sub("N", _PATHS.sub("F", _WHERE.sub("", first_error(stderr))))
