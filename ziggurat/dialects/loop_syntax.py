"""The header MLIR's multi-dimensional parallel loops share.

`scf.parallel`, `device.parallel` and `cpu.parallel_for` all start with
`(%i, %j) = (%lb0, %lb1) to (%ub0, %ub1) step (%s0, %s1)`: one bound and one
step per induction variable, all of type index.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import IndexType
from xdsl.ir import SSAValue
from xdsl.parser import Parser
from xdsl.printer import Printer


def parse_loop_header(
    parser: Parser,
) -> tuple[list[Parser.Argument], list[SSAValue], list[SSAValue], list[SSAValue]]:
    """Induction variables (typed index, ready for the body) and lower bounds,
    upper bounds and steps, each checked to have one value per variable."""
    index = IndexType()
    ivs = parser.parse_comma_separated_list(
        Parser.Delimiter.PAREN, lambda: parser.parse_argument(expect_type=False)
    )

    def operands(what: str) -> list[SSAValue]:
        pos = parser.pos
        values = parser.parse_comma_separated_list(
            Parser.Delimiter.PAREN, lambda: parser.parse_operand(index)
        )
        if len(values) != len(ivs):
            parser.raise_error(
                f"expected {len(ivs)} {what}, one per induction variable", pos, parser.pos
            )
        return list[SSAValue](values)

    parser.parse_punctuation("=")
    lower = operands("lower bounds")
    parser.parse_keyword("to")
    upper = operands("upper bounds")
    parser.parse_keyword("step")
    steps = operands("steps")
    return [iv.resolve(index) for iv in ivs], lower, upper, steps


def print_loop_header(
    printer: Printer,
    ivs: Sequence[SSAValue],
    lower: Sequence[SSAValue],
    upper: Sequence[SSAValue],
    steps: Sequence[SSAValue],
) -> None:
    """` (%i, %j) = (...) to (...) step (...)`"""
    printer.print_string(" ")
    with printer.in_parens():
        printer.print_list(ivs, printer.print_ssa_value)
    for keyword, values in ((" = ", lower), (" to ", upper), (" step ", steps)):
        printer.print_string(keyword)
        with printer.in_parens():
            printer.print_list(values, printer.print_ssa_value)
