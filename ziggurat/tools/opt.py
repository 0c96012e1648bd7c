"""`ziggurat-opt`: parse MLIR, run a pass pipeline, print the result.

Follows mlir-opt's conventions. Only argparse is imported at start-up, so that
`--version` and `--help` answer at once; xDSL and the dialects load on use.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ziggurat import __version__
from ziggurat.tools.split_input import DEFAULT_MARKER

if TYPE_CHECKING:
    from ziggurat.tools.driver import Sources


def _argument_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ziggurat-opt",
        description="Parse MLIR, apply a pass pipeline and print the resulting IR.",
    )
    p.add_argument("input", nargs="?", default="-", help="input file ('-' for stdin)")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument(
        "-p",
        "--pass-pipeline",
        "--passes",
        default="",
        metavar="PIPELINE",
        help="passes to run, in xDSL syntax: 'a,b{opt=v list=1,2}'",
    )
    p.add_argument(
        "--split-input-file",
        action="store_true",
        help="process each chunk between '// -----' markers on its own; "
        "--split-input-file=MARKER splits at MARKER instead",
    )
    p.add_argument("--split-input-marker", default="", help=argparse.SUPPRESS)
    p.add_argument(
        "--output-split-marker",
        default=DEFAULT_MARKER,
        metavar="MARKER",
        help="the line printed between the outputs of split chunks (default: '// -----')",
    )
    p.add_argument(
        "--verify-diagnostics",
        action="store_true",
        help="check the diagnostics against the input's 'expected-error', '-warning', "
        "'-note' and '-remark' comments, as mlir-opt does; "
        "--verify-diagnostics=only-expected ignores diagnostics that no comment expects",
    )
    p.add_argument(
        "--verify-diagnostics-mode",
        choices=("all", "only-expected"),
        default="all",
        help=argparse.SUPPRESS,
    )
    p.add_argument(
        "--print-ir-after-all",
        action="store_true",
        help="print the IR to stderr after every pass",
    )
    p.add_argument(
        "--dump-pass-pipeline",
        action="store_true",
        help="print the pipeline to stderr, named pipelines expanded, before running it",
    )
    p.add_argument("--pass-timing", action="store_true", help="report the wall time of each pass")
    p.add_argument("--print-op-generic", action="store_true", help="print ops in generic form")
    p.add_argument("--print-debuginfo", action="store_true", help="print op locations")
    p.add_argument(
        "--mlir-print-elementsattrs-with-hex-if-larger",
        type=int,
        default=None,
        metavar="N",
        help="print dense literals of more than N elements in hex (default 100; -1: never)",
    )
    p.add_argument(
        "--allow-unregistered-dialect",
        action="store_true",
        help="accept ops of dialects that are not registered",
    )
    p.add_argument("--list-passes", action="store_true", help="list available passes")
    p.add_argument("--list-dialects", action="store_true", help="list available dialects")
    p.add_argument("--list-targets", action="store_true", help="list available targets")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on internal errors")
    p.add_argument("--version", action="version", version=f"ziggurat-opt {__version__}")
    return p


_VALUE_AFTER_EQUALS = {
    "--split-input-file": "--split-input-marker",
    "--verify-diagnostics": "--verify-diagnostics-mode",
}
"""Flags that take a value only as `--flag=value` (mlir-opt's optional values), so
that `--split-input-file FILE` still reads FILE as the input."""

_SINGLE_DASH = (
    "-split-input-file",
    "-verify-diagnostics",
    "-output-split-marker",
    "-allow-unregistered-dialect",
    "-mlir-print-elementsattrs-with-hex-if-larger",
)
"""mlir-opt's single-dash spellings that RUN lines of MLIR's tests use."""


def _expand_optional_values(argv: list[str]) -> list[str]:
    expanded: list[str] = []
    for arg in argv:
        if arg.startswith(_SINGLE_DASH):
            arg = "-" + arg
        flag, equals, value = arg.partition("=")
        if equals and flag in _VALUE_AFTER_EQUALS:
            # An empty value is the default, as in mlir-opt.
            expanded += [flag, f"{_VALUE_AFTER_EQUALS[flag]}={value}"] if value else [flag]
        else:
            expanded.append(arg)
    return expanded


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The options; `split_input_file` is then the marker or None, and
    `verify_diagnostics` the mode (`all`, `only-expected`) or None."""
    args = _argument_parser().parse_args(_expand_optional_values(argv))
    marker = args.split_input_marker or DEFAULT_MARKER
    args.split_input_file = marker if args.split_input_file else None
    args.verify_diagnostics = args.verify_diagnostics_mode if args.verify_diagnostics else None
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    from ziggurat.tools.driver import run_tool

    run_tool(lambda sources: _run(args, sources), args.debug)


def _run(args: argparse.Namespace, sources: Sources) -> int:
    from ziggurat.tools.driver import ToolError, atomic_output
    from ziggurat.universe import RegistryError, load_registry

    try:
        registry = load_registry()
    except RegistryError as error:
        raise ToolError(str(error)) from None
    if args.list_passes or args.list_dialects or args.list_targets:
        from ziggurat.tools.listing import print_listing

        print_listing(registry, args.list_dialects, args.list_passes, args.list_targets)
        return 0

    from ziggurat.tools.compile import Pipeline
    from ziggurat.tools.opt_session import OptSession

    pipeline = Pipeline.parse(registry, args.pass_pipeline)
    if args.dump_pass_pipeline:
        sys.stderr.write(f"Pass Manager with {len(pipeline.passes)} passes:\n{pipeline.spec()}\n")
    if args.mlir_print_elementsattrs_with_hex_if_larger is not None:
        from ziggurat.elements import PRINT_OPTIONS

        PRINT_OPTIONS.hex_if_larger = args.mlir_print_elementsattrs_with_hex_if_larger
    ctx = registry.make_context(args.allow_unregistered_dialect)
    session = OptSession(ctx, pipeline, args)
    text = sources.read(args.input)
    name = "<stdin>" if args.input == "-" else args.input
    with atomic_output(args.output) as write:
        status = session.process(text, name, sources, write)
    return status


if __name__ == "__main__":
    main(sys.argv[1:])
