"""Parse, verify and transform IR with located errors: the core of the tools."""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.utils.arg_spec import parse_pipeline
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    MultipleSpansParseError,
    ParseError,
)
from xdsl.utils.lexer import Span

from ziggurat.diagnostics import CompileError, location_of
from ziggurat.parser import LocatedParser
from ziggurat.tools.driver import ToolError
from ziggurat.universe import Registry


def _span_location(span: Span) -> tuple[str, int, int]:
    loc = span.get_location()
    return loc.file, loc.line, loc.col


def parse_source(ctx: Context, text: str, name: str, line_offset: int = 0) -> ModuleOp:
    """Parse MLIR text into a module, or raise a located `ToolError`."""
    parser = LocatedParser(ctx, text, name, line_offset)
    try:
        if parser.at_end():
            return ModuleOp([])
        return parser.parse_module()
    except MultipleSpansParseError as error:
        span = error.span
        if line_offset:
            span = Span(span.start, span.end, span.input, line_offset)
        notes = [
            f"{':'.join(map(str, _span_location(ref)))}: {msg or ''}" for ref, msg in error.refs
        ]
        raise ToolError(error.msg, _span_location(span), notes) from None
    except ParseError as error:
        span = Span(error.span.start, error.span.end, error.span.input, line_offset)
        raise ToolError(error.msg, _span_location(span)) from None
    except (DiagnosticException, ValueError, OverflowError, TypeError) as error:
        # Attribute and type constructors verify their parameters while the
        # parser builds them; point at where the parser stopped.
        token = parser._current_token  # pyright: ignore[reportPrivateUsage]
        span = Span(token.span.start, token.span.end, token.span.input, line_offset)
        raise ToolError(_first_line(error), _span_location(span)) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def verify_module(module: ModuleOp, after_pass: str | None = None) -> None:
    """Verify every op; report the first invalid one at its source location."""
    for op in module.walk():
        try:
            op.verify(verify_nested_ops=False)
        except (DiagnosticException, ValueError) as error:
            raise _op_error(op, _first_line(error), after_pass) from None


def _op_error(op: Operation, message: str, after_pass: str | None) -> ToolError:
    loc = location_of(op)
    where = None if loc is None else (loc.file, loc.line, loc.col)
    if not message.startswith(f"'{op.name}'"):
        message = f"'{op.name}' op {message}"
    notes = [] if after_pass is None else [f"the IR is invalid after pass '{after_pass}'"]
    return ToolError(message, where, notes)


@dataclass
class Pipeline:
    """Passes parsed from xDSL's pipeline syntax: `a,b{opt=v list=1,2}`."""

    passes: list[ModulePass] = field(default_factory=list[ModulePass])

    @staticmethod
    def parse(registry: Registry, spec: str) -> Pipeline:
        try:
            specs = list(parse_pipeline(spec))
        except ArgSpecParseError as error:
            raise ToolError(f"invalid pass pipeline: {_first_line(error)}") from None
        passes: list[ModulePass] = []
        for pass_spec in specs:
            factory = registry.passes.get(pass_spec.name)
            if factory is None:
                close = difflib.get_close_matches(pass_spec.name, registry.passes, 3)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                raise ToolError(
                    f"unknown pass '{pass_spec.name}'{hint} (--list-passes shows them all)"
                )
            try:
                passes.append(factory().from_pass_spec(pass_spec))
            except (ValueError, TypeError) as error:
                raise ToolError(
                    f"invalid options for pass '{pass_spec.name}': {_first_line(error)}"
                ) from None
        return Pipeline(passes)

    def run(
        self,
        ctx: Context,
        module: ModuleOp,
        after_each: Callable[[ModulePass, ModuleOp], None] | None = None,
        timings: list[tuple[str, float]] | None = None,
        debug: bool = False,
    ) -> None:
        """Apply each pass, verifying the IR after it; errors name the pass."""
        for pass_ in self.passes:
            start = time.perf_counter()
            try:
                pass_.apply(ctx, module)
            except CompileError as error:
                loc = error.location
                where = None if loc is None else (loc.file, loc.line, loc.col)
                raise ToolError(f"{pass_.name}: {error.message}", where) from None
            except Exception as error:
                if debug:
                    raise
                raise ToolError(
                    f"pass '{pass_.name}' failed: {type(error).__name__}: {_first_line(error)}",
                    notes=["rerun with --debug to see the Python traceback"],
                ) from error
            if timings is not None:
                timings.append((pass_.name, time.perf_counter() - start))
            verify_module(module, after_pass=pass_.name)
            if after_each is not None:
                after_each(pass_, module)
