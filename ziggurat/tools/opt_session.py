"""One `ziggurat-opt` run over an input: chunks, passes, dumps, timing, checks."""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer

from ziggurat.tools.compile import Pipeline, parse_source, verify_module
from ziggurat.tools.driver import Sources, ToolError, ToolErrors, format_error

SPLIT_MARKER = "// -----"

_EXPECTED = re.compile(
    r"//\s*expected-(error|warning|note|remark)\s*"
    r"(@[+-]\d+|@above|@below)?\s*\{\{(.*?)\}\}"
)


@dataclass
class Expectation:
    """One `// expected-error @+1 {{message}}` comment."""

    severity: str
    line: int
    text: str
    comment_line: int
    comment_col: int = 1
    matched: bool = False


def split_chunks(text: str) -> list[tuple[str, int]]:
    """Split on `// -----` lines; each chunk with the line it starts on, minus one."""
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n")):
        if line.strip().startswith(SPLIT_MARKER):
            chunks.append(("\n".join(current), start))
            current, start = [], number + 1
        else:
            current.append(line)
    chunks.append(("\n".join(current), start))
    return chunks


def parse_expectations(chunk: str, line_offset: int) -> list[Expectation]:
    found: list[Expectation] = []
    for index, line in enumerate(chunk.split("\n")):
        number = index + 1 + line_offset
        for match in _EXPECTED.finditer(line):
            severity, where, text = match.groups()
            target = number
            if where == "@above":
                target = number - 1
            elif where == "@below":
                target = number + 1
            elif where:
                target = number + int(where[1:])
            col = line.find("expected-", match.start()) + 1
            found.append(Expectation(severity, target, text, number, col))
    return found


class OptSession:
    def __init__(self, ctx: Context, pipeline: Pipeline, args: argparse.Namespace):
        self.ctx = ctx
        self.pipeline = pipeline
        self.args = args
        self.timings: list[tuple[str, float]] = []

    def print_module(self, module: ModuleOp) -> str:
        out = StringIO()
        Printer(
            stream=out,
            print_generic_format=self.args.print_op_generic,
            print_debuginfo=self.args.print_debuginfo,
        ).print_op(module)
        out.write("\n")
        return out.getvalue()

    def compile_chunk(self, text: str, name: str, line_offset: int) -> str:
        start = time.perf_counter()
        # Parsing builds a large graph of live objects and almost no garbage: the
        # cycle collector would only walk it again and again. Once parsed, the
        # module lives until the process ends, so it is frozen out of later
        # collections (passes still have their garbage collected).
        gc.disable()
        try:
            module = parse_source(self.ctx, text, name, line_offset)
        finally:
            gc.enable()
        verify_module(module)
        gc.freeze()
        self.timings.append(("Parser", time.perf_counter() - start))

        def print_after(pass_: ModulePass, module: ModuleOp) -> None:
            sys.stderr.write(f"// -----// IR Dump After {pass_.name} //----- //\n")
            sys.stderr.write(self.print_module(module))
            sys.stderr.write("\n")

        dump = print_after if self.args.print_ir_after_all else None
        self.pipeline.run(self.ctx, module, dump, self.timings, self.args.debug)
        start = time.perf_counter()
        output = self.print_module(module)
        self.timings.append(("Output", time.perf_counter() - start))
        return output

    def process(self, text: str, name: str, sources: Sources, write: Callable[[str], None]) -> int:
        """Compile every chunk; with `--split-input-file`, report each failing chunk.

        As in mlir-opt, one bad chunk does not hide the errors of the others. Any
        error raises, so that nothing is written to the output file.
        """
        chunks = split_chunks(text) if self.args.split_input_file else [(text, 0)]
        status = 0
        errors: list[ToolError] = []
        for index, (chunk, offset) in enumerate(chunks):
            if index:
                write(SPLIT_MARKER + "\n")
            if self.args.verify_diagnostics:
                status |= self._check_chunk(chunk, name, offset, sources, write)
                continue
            try:
                write(self.compile_chunk(chunk, name, offset))
            except ToolError as error:
                if len(chunks) == 1 or error.internal is not None:
                    raise
                errors.append(error)
        if self.args.pass_timing:
            sys.stderr.write(self.timing_report())
        if errors:
            raise errors[0] if len(errors) == 1 else ToolErrors(errors)
        return status

    def _check_chunk(
        self,
        chunk: str,
        name: str,
        offset: int,
        sources: Sources,
        write: Callable[[str], None],
    ) -> int:
        """Compile a chunk and compare its error with the expected ones."""
        expected = parse_expectations(chunk, offset)
        try:
            write(self.compile_chunk(chunk, name, offset))
            produced: ToolError | None = None
        except ToolError as error:
            produced = error
        failures: list[str] = []
        if produced is not None:
            line = produced.location[1] if produced.location else None
            match = next(
                (
                    e
                    for e in expected
                    if e.severity == "error"
                    and not e.matched
                    and e.line == line
                    and e.text in produced.message
                ),
                None,
            )
            if match is None:
                unexpected = ToolError(f"unexpected error: {produced.message}", produced.location)
                failures.append(format_error(unexpected, sources))
            else:
                match.matched = True
        for e in expected:
            if not e.matched:
                failures.append(
                    format_error(
                        ToolError(
                            f'expected {e.severity} "{e.text}" was not produced',
                            (name, e.comment_line, e.comment_col),
                        ),
                        sources,
                    )
                )
        sys.stderr.write("".join(failures))
        return 1 if failures else 0

    def timing_report(self) -> str:
        total = sum(t for _, t in self.timings) or 1e-12
        merged: dict[str, float] = {}
        for name, seconds in self.timings:
            merged[name] = merged.get(name, 0.0) + seconds
        bar = "===" + "-" * 73 + "===\n"
        lines = [
            bar,
            "  ... Pass execution timing report ...".center(79) + "\n",
            bar,
            f"  Total Execution Time: {total:.4f} seconds\n\n",
            "  ----Wall Time----  ----Name----\n",
        ]
        for name, seconds in merged.items():
            lines.append(f"  {seconds:8.4f} ({100 * seconds / total:5.1f}%)  {name}\n")
        lines.append(f"  {total:8.4f} (100.0%)  Total\n")
        return "".join(lines)
