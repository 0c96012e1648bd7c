"""One `ziggurat-opt` run over an input: chunks, passes, dumps, timing, checks."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from io import StringIO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.printer import Printer

from ziggurat.tools.compile import Pipeline, parse_source, verify_module
from ziggurat.tools.diagnostic_verifier import DiagnosticVerifier, diagnostics_of
from ziggurat.tools.driver import Sources, ToolError, ToolErrors, format_error
from ziggurat.tools.split_input import DEFAULT_MARKER, Chunk, split_input


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
        error raises, so that nothing is written to the output file. With
        `--verify-diagnostics`, errors are matched with the input's `expected-*`
        comments instead, and the exit status says whether all matched.
        """
        chunks = self._chunks(text, name, sources)
        verifier: DiagnosticVerifier | None = None
        if self.args.verify_diagnostics is not None:
            only_expected = self.args.verify_diagnostics == "only-expected"
            verifier = DiagnosticVerifier(text, name, sources, only_expected)
            sys.stderr.write(verifier.problems)
        errors: list[ToolError] = []
        for index, chunk in enumerate(chunks):
            if index:
                write(self.args.output_split_marker + "\n")
            try:
                write(self.compile_chunk(chunk.text, name, chunk.line_offset))
            except ToolError as error:
                if verifier is not None and not (self.args.debug and error.internal is not None):
                    for diagnostic in diagnostics_of(error):
                        sys.stderr.write(verifier.process(diagnostic))
                elif len(chunks) == 1 or error.internal is not None:
                    raise
                else:
                    errors.append(error)
        if verifier is not None:
            sys.stderr.write(verifier.finish())
        if self.args.pass_timing:
            sys.stderr.write(self.timing_report())
        if errors:
            raise errors[0] if len(errors) == 1 else ToolErrors(errors)
        return 1 if verifier is not None and verifier.failed else 0

    def _chunks(self, text: str, name: str, sources: Sources) -> list[Chunk]:
        """The chunks to compile; a near miss of the split marker is warned about."""
        marker = self.args.split_input_file
        if marker is None:
            return [Chunk(text, 0)]
        split = split_input(text, marker or DEFAULT_MARKER)
        for line, col in split.near_misses:
            warning = ToolError("near miss with file split marker", (name, line, col))
            sys.stderr.write(format_error(warning, sources, "warning"))
        return split.chunks

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
