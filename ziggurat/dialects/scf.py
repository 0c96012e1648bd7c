"""The `scf` dialect, with MLIR's custom syntax for `scf.parallel` and `scf.reduce`.

`scf.if` and `scf.while` also check, as MLIR does, that each region yields
the values its successor takes.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import scf as xscf
from xdsl.dialects.builtin import IndexType
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.extend import extend_dialect
from ziggurat.dialects.loop_syntax import parse_loop_header, print_loop_header


class ParallelOp(xscf.ParallelOp):
    """`scf.parallel (%i) = (%lb) to (%ub) step (%s) init (%v) -> type { ... }`"""

    @classmethod
    def parse(cls, parser: Parser) -> ParallelOp:
        ivs, lower, upper, steps = parse_loop_header(parser)
        inits = []
        if parser.parse_optional_keyword("init"):
            unresolved = parser.parse_comma_separated_list(
                Parser.Delimiter.PAREN, parser.parse_unresolved_operand
            )
            parser.parse_punctuation("->")
            if parser.parse_optional_punctuation("(") is not None:
                types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
                parser.parse_punctuation(")")
            else:
                types = [parser.parse_type()]
            inits = parser.resolve_operands(unresolved, types, parser.pos)
        body = parser.parse_region(ivs)
        if not body.blocks:
            body.add_block(Block(arg_types=[IndexType()] * len(ivs)))
        if not isinstance(body.block.last_op, xscf.ReduceOp):
            body.block.add_op(ReduceOp())
        op = cls(lower, upper, steps, body, inits)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer):
        print_loop_header(
            printer, self.body.block.args, self.lowerBound, self.upperBound, self.step
        )
        if self.initVals:
            printer.print_string(" init ")
            with printer.in_parens():
                printer.print_list(self.initVals, printer.print_ssa_value)
            printer.print_string(" -> ")
            if len(self.res) == 1:
                printer.print_attribute(self.res[0].type)
            else:
                with printer.in_parens():
                    printer.print_list(self.result_types, printer.print_attribute)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)
        printer.print_op_attributes(self.attributes)


class ReduceOp(xscf.ReduceOp):
    """`scf.reduce(%a, %b : f32, i32) { ^bb0(...): ... }, { ^bb0(...): ... }`

    One region per reduced value, separated by commas as MLIR prints them.
    """

    @classmethod
    def parse(cls, parser: Parser) -> ReduceOp:
        args: list[SSAValue] = []
        if parser.parse_optional_punctuation("(") is not None:
            pos = parser.pos
            names = parser.parse_comma_separated_list(
                Parser.Delimiter.NONE, parser.parse_unresolved_operand
            )
            parser.parse_punctuation(":")
            types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
            parser.parse_punctuation(")")
            args = list(parser.resolve_operands(names, types, pos))
        regions: list[Region] = []
        if (region := parser.parse_optional_region()) is not None:
            regions.append(region)
            while parser.parse_optional_punctuation(",") is not None:
                regions.append(parser.parse_region())
        op = cls(args, regions)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer):
        if self.args:
            printer.print_string("(")
            printer.print_list(self.args, printer.print_ssa_value)
            printer.print_string(" : ")
            printer.print_list(self.args.types, printer.print_attribute)
            printer.print_string(")")
        if self.reductions:
            printer.print_string(" ")
            printer.print_list(self.reductions, printer.print_region)
        printer.print_op_attributes(self.attributes)


def _check_edge(
    source: str, target: str, given: Sequence[Attribute], wanted: Sequence[Attribute]
) -> None:
    """MLIR's region-branch rule: values passed along a control-flow edge match the receiver."""
    edge = f"along control flow edge from {source} to {target}:"
    if len(given) != len(wanted):
        raise VerifyException(
            f"{edge} region branch point has {len(given)} operands, but region successor "
            f"needs {len(wanted)} inputs"
        )
    for index, (a, b) in enumerate(zip(given, wanted, strict=True)):
        if a != b:
            raise VerifyException(
                f"{edge} successor operand type #{index} '{a}' should match successor "
                f"input type #{index} '{b}'"
            )


class IfOp(xscf.IfOp):
    """`scf.if`: with results, both branches yield values of the result types."""

    def verify_(self) -> None:
        if self.output and not self.false_region.blocks:
            raise VerifyException("must have an else block if defining values")
        for region in (self.true_region, self.false_region):
            block = region.blocks.first
            if block is not None and isinstance(last := block.last_op, xscf.YieldOp):
                _check_edge(
                    "Operation scf.yield", "parent", last.arguments.types, self.result_types
                )
        super().verify_()


class WhileOp(xscf.WhileOp):
    """`scf.while`: the `do` region yields the values the condition region takes."""

    def verify_(self) -> None:
        before, after = self.before_region.blocks.first, self.after_region.blocks.first
        if before is not None and after is not None:
            last = after.last_op
            if isinstance(last, xscf.YieldOp):
                _check_edge(
                    "Operation scf.yield", "Region #0", last.arguments.types, before.arg_types
                )
        super().verify_()


Scf = extend_dialect(xscf.Scf, [ParallelOp, ReduceOp, IfOp, WhileOp])
