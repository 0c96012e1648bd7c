"""`ziggurat-translate`: emit code for a target from IR (like mlir-translate).

Targets come from every installed universe; `-t name{opt=value}` passes
options to the target as `-p` does to passes.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ziggurat import __version__

if TYPE_CHECKING:
    from ziggurat.tools.driver import Sources


def _argument_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ziggurat-translate", description="Translate IR into a target's code."
    )
    p.add_argument("input", nargs="?", default="-", help="input file ('-' for stdin)")
    p.add_argument("-t", "--target", help="target to emit, e.g. 'mlir' or 'name{opt=v}'")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument(
        "--allow-unregistered-dialect",
        action="store_true",
        help="accept ops of dialects that are not registered",
    )
    p.add_argument("--list-targets", action="store_true", help="list available targets")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on internal errors")
    p.add_argument("--version", action="version", version=f"ziggurat-translate {__version__}")
    return p


def main(argv: list[str] | None = None) -> None:
    args = _argument_parser().parse_args(argv)
    from ziggurat.tools.driver import run_tool

    run_tool(lambda sources: _run(args, sources), args.debug)


def _run(args: argparse.Namespace, sources: Sources) -> int:
    import difflib

    from xdsl.utils.arg_spec import parse_spec
    from xdsl.utils.exceptions import ArgSpecParseError

    from ziggurat.diagnostics import CompileError
    from ziggurat.tools.compile import check_options, parse_source, verify_module
    from ziggurat.tools.driver import ToolError, atomic_output
    from ziggurat.universe import RegistryError, load_registry

    try:
        registry = load_registry()
    except RegistryError as error:
        raise ToolError(str(error)) from None
    if args.list_targets:
        from ziggurat.tools.listing import print_listing

        print_listing(registry, False, False, True)
        return 0
    if not args.target:
        raise ToolError("no target given: use -t TARGET (--list-targets shows them)")
    try:
        spec = parse_spec(args.target)
    except ArgSpecParseError as error:
        raise ToolError(f"invalid target '{args.target}': {str(error).splitlines()[-1]}") from None
    factory = registry.targets.get(spec.name)
    if factory is None:
        close = difflib.get_close_matches(spec.name, registry.targets, 3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ToolError(f"unknown target '{spec.name}'{hint} (--list-targets shows them)")
    target_class = factory()
    check_options(target_class, spec, "target")
    try:
        target = target_class.from_spec(spec)
    except (ValueError, TypeError) as error:
        raise ToolError(f"invalid options for target '{spec.name}': {error}") from None

    ctx = registry.make_context(args.allow_unregistered_dialect)
    text = sources.read(args.input)
    name = "<stdin>" if args.input == "-" else args.input
    module = parse_source(ctx, text, name)
    verify_module(module)
    from io import StringIO

    out = StringIO()
    binary = hasattr(target, "emit_bytes")
    try:
        if binary:
            out.write(target.emit_bytes(ctx, module).decode("latin-1"))  # pyright: ignore
        else:
            target.emit(ctx, module, out)
    except CompileError as error:
        loc = error.location
        where = None if loc is None else (loc.file, loc.line, loc.col)
        raise ToolError(f"{spec.name}: {error.message}", where) from None
    with atomic_output(args.output, binary) as write:
        write(out.getvalue())
    return 0


if __name__ == "__main__":
    main(sys.argv[1:])
