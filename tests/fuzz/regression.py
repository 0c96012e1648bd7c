"""A minimised finding kept as a lit regression test under `tests/lit/fuzz/`.

The test runs the command up to the tool that failed and checks what that tool
should print once the bug is fixed: a located error (`file:line:col: error:`, or
for the simulator an error naming the instruction), and never a traceback or an
internal error. Edit its CHECK lines to the exact message the fix gives.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.fuzz.classify import first_error
from tests.fuzz.commands import INPUT, Command, quote

LIT_FUZZ = Path(__file__).resolve().parents[1] / "lit" / "fuzz"
_NEVER = (
    "CHECK-NOT: Traceback",
    "CHECK-NOT: internal compiler error",
    "CHECK-NOT: rerun with --debug",
)
"""Checked before and after the expected error: nowhere in the output."""


def _checks(expected: str, comment: str) -> str:
    lines = [*_NEVER, expected, *_NEVER]
    return "".join(f"{comment}{line}\n" for line in lines)


def _run_line(command: Command, tool: str, path: str) -> str:
    stages = []
    for stage in command.stages:
        argv = " ".join(quote(a.replace(INPUT, path)) for a in stage)
        if stage[0] == tool:
            stages.append(f"not {argv} 2>&1")
            break
        stages.append(argv)
    return " | ".join(stages) + " | FileCheck %s"


def write_regression(
    name: str,
    data: bytes,
    kind: str,
    command: Command,
    tool: str,
    found: str,
    folder: Path = LIT_FUZZ,
) -> list[Path]:
    """Write the test (and, for an mxu program, its input); returns the files written.

    `found` is what the tool printed when the fuzzer found it (its first error is
    quoted in the test's comment).
    """
    said = re.sub(r"\S*/", "", first_error(found)) or "no output"
    what = f"`{command.label}` on this input once gave: {said}"
    if kind == "mlir":
        check = _checks("CHECK: {{^[^:]+}}:{{[0-9]+}}:{{[0-9]+}}: error:", "// ")
        path = folder / f"{name}.mlir"
        header = f"// A fuzzer finding. {what}\n// RUN: {_run_line(command, tool, '%s')}\n{check}"
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(header.encode() + b"\n" + data)
        return [path]
    suffix = ".bin" if kind == "bin" else ".s"
    program = folder / "Inputs" / f"{name}{suffix}"
    program.parent.mkdir(parents=True, exist_ok=True)
    program.write_bytes(data)
    test = folder / f"{name}.test"
    check = _checks("CHECK: {{^error: instruction [0-9]+|^[^ :]+: .*error:}}", "")
    run = _run_line(command, tool, f"%S/Inputs/{name}{suffix}")
    test.write_text(f"A fuzzer finding. {what}\nRUN: {run}\n{check}")
    return [test, program]
