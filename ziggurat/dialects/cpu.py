"""The `cpu` dialect: what C with OpenMP expresses beyond plain loops.

- `cpu.parallel_for`: an OpenMP `parallel for` over one or more collapsed loops,
  with its schedule and thread count;
- `cpu.simd`: a loop whose iterations may run in SIMD lanes (`omp simd`);
- `cpu.pack` (cpu_pack.py): re-lays a buffer out in contiguous tiles (GEMM packing);
- `cpu.microkernel` and `cpu.call` (cpu_kernel.py): a named routine and its calls.

docs/dialects/cpu.md gives the exact C each op stands for.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import IndexType, IntegerAttr, StringAttr, i64
from xdsl.ir import Attribute, Block, Dialect, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import HasParent, IsTerminator, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.cpu_kernel import CallOp, MicrokernelOp, ReturnOp
from ziggurat.dialects.cpu_pack import PackOp
from ziggurat.dialects.loop_syntax import parse_loop_header, print_loop_header

SCHEDULES = ("static", "dynamic", "guided")
"""OpenMP loop schedules."""


@irdl_op_definition
class YieldOp(IRDLOperation):
    """`cpu.yield`: ends a `cpu.parallel_for` or `cpu.simd` body (implicit in the syntax)."""

    name = "cpu.yield"
    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(ParallelForOp, SimdOp)))

    def __init__(self) -> None:
        super().__init__()


def _parse_body(parser: Parser, args: Sequence[Parser.Argument]) -> Region:
    body = parser.parse_region(args)
    if not body.blocks:
        body.add_block(Block(arg_types=[IndexType()] * len(args)))
    if not isinstance(body.block.last_op, YieldOp):
        body.block.add_op(YieldOp())
    return body


def _print_body(printer: Printer, body: Region) -> None:
    printer.print_string(" ")
    printer.print_region(body, print_entry_block_args=False, print_block_terminators=False)


def _parse_int_clause(parser: Parser, keyword: str) -> int | None:
    """`keyword(N)` with N > 0, if present."""
    if not parser.parse_optional_keyword(keyword):
        return None
    parser.parse_punctuation("(")
    pos = parser.pos
    value = parser.parse_integer(allow_boolean=False)
    if value <= 0:
        parser.raise_error(f"expected a positive '{keyword}'", pos, parser.pos)
    parser.parse_punctuation(")")
    return value


def _verify_ivs(body: Region, n: int) -> None:
    if n == 0:
        raise VerifyException("expects at least one induction variable")
    if len(body.block.args) != n or any(t != IndexType() for t in body.block.arg_types):
        raise VerifyException(f"expects {n} index induction variables, one per loop")


@irdl_op_definition
class ParallelForOp(IRDLOperation):
    """`cpu.parallel_for (%i, %j) = (%lb0, %lb1) to (%ub0, %ub1) step (%s0, %s1)
    schedule(dynamic, 4) num_threads(8) { ... }`

    One OpenMP `parallel for` whose loops (outermost first) are collapsed:
    `collapse(n)` where n is the number of induction variables.
    """

    name = "cpu.parallel_for"

    lowerBound = var_operand_def(IndexType)
    upperBound = var_operand_def(IndexType)
    step = var_operand_def(IndexType)
    schedule = prop_def(StringAttr)
    chunk = opt_prop_def(IntegerAttr)
    num_threads = opt_prop_def(IntegerAttr)
    body = region_def("single_block")

    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    traits = traits_def(RecursiveMemoryEffect())

    def __init__(
        self,
        lower: Sequence[SSAValue],
        upper: Sequence[SSAValue],
        steps: Sequence[SSAValue],
        body: Region,
        schedule: str = "static",
        chunk: int | None = None,
        num_threads: int | None = None,
    ):
        properties: dict[str, Attribute] = {"schedule": StringAttr(schedule)}
        if chunk is not None:
            properties["chunk"] = IntegerAttr(chunk, i64)
        if num_threads is not None:
            properties["num_threads"] = IntegerAttr(num_threads, i64)
        super().__init__(operands=[lower, upper, steps], properties=properties, regions=[body])

    @property
    def collapse(self) -> int:
        return len(self.lowerBound)

    @classmethod
    def parse(cls, parser: Parser) -> ParallelForOp:
        ivs, lower, upper, steps = parse_loop_header(parser)
        schedule, chunk = "static", None
        if parser.parse_optional_keyword("schedule"):
            parser.parse_punctuation("(")
            pos = parser.pos
            schedule = parser.parse_identifier()
            if schedule not in SCHEDULES:
                parser.raise_error(
                    "expected a schedule, one of: " + ", ".join(SCHEDULES), pos, parser.pos
                )
            if parser.parse_optional_punctuation(",") is not None:
                pos = parser.pos
                chunk = parser.parse_integer(allow_boolean=False)
                if chunk <= 0:
                    parser.raise_error("expected a positive chunk size", pos, parser.pos)
            parser.parse_punctuation(")")
        num_threads = _parse_int_clause(parser, "num_threads")
        body = _parse_body(parser, ivs)
        op = cls(lower, upper, steps, body, schedule, chunk, num_threads)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        print_loop_header(
            printer, self.body.block.args, self.lowerBound, self.upperBound, self.step
        )
        printer.print_string(f" schedule({self.schedule.data}")
        if self.chunk is not None:
            printer.print_string(f", {self.chunk.value.data}")
        printer.print_string(")")
        if self.num_threads is not None:
            printer.print_string(f" num_threads({self.num_threads.value.data})")
        _print_body(printer, self.body)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        n = len(self.lowerBound)
        if len(self.upperBound) != n or len(self.step) != n:
            raise VerifyException("expects one lower bound, upper bound and step per loop")
        _verify_ivs(self.body, n)
        if self.schedule.data not in SCHEDULES:
            raise VerifyException(
                f"unknown schedule '{self.schedule.data}', expected one of: " + ", ".join(SCHEDULES)
            )
        for what, attr in (("chunk", self.chunk), ("num_threads", self.num_threads)):
            if attr is not None and attr.value.data <= 0:
                raise VerifyException(f"expects a positive {what}, got {attr.value.data}")


@irdl_op_definition
class SimdOp(IRDLOperation):
    """`cpu.simd %i = %lb to %ub step %s simdlen(8) { ... }`

    A loop whose iterations may run in SIMD lanes: OpenMP `omp simd`.
    """

    name = "cpu.simd"

    lowerBound = operand_def(IndexType)
    upperBound = operand_def(IndexType)
    step = operand_def(IndexType)
    simdlen = opt_prop_def(IntegerAttr)
    body = region_def("single_block")

    traits = traits_def(RecursiveMemoryEffect())

    def __init__(
        self,
        lower: SSAValue,
        upper: SSAValue,
        step: SSAValue,
        body: Region,
        simdlen: int | None = None,
    ):
        properties = {} if simdlen is None else {"simdlen": IntegerAttr(simdlen, i64)}
        super().__init__(operands=[lower, upper, step], properties=properties, regions=[body])

    @classmethod
    def parse(cls, parser: Parser) -> SimdOp:
        index = IndexType()
        iv = parser.parse_argument(expect_type=False)
        parser.parse_punctuation("=")
        lower = parser.parse_operand(index)
        parser.parse_keyword("to")
        upper = parser.parse_operand(index)
        parser.parse_keyword("step")
        step = parser.parse_operand(index)
        simdlen = _parse_int_clause(parser, "simdlen")
        body = _parse_body(parser, [iv.resolve(index)])
        op = cls(lower, upper, step, body, simdlen)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.body.block.args[0])
        printer.print_string(" = ")
        printer.print_ssa_value(self.lowerBound)
        printer.print_string(" to ")
        printer.print_ssa_value(self.upperBound)
        printer.print_string(" step ")
        printer.print_ssa_value(self.step)
        if self.simdlen is not None:
            printer.print_string(f" simdlen({self.simdlen.value.data})")
        _print_body(printer, self.body)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        _verify_ivs(self.body, 1)
        if self.simdlen is not None and self.simdlen.value.data <= 0:
            raise VerifyException(f"expects a positive simdlen, got {self.simdlen.value.data}")


Cpu = Dialect(
    "cpu",
    [ParallelForOp, SimdOp, YieldOp, PackOp, MicrokernelOp, CallOp, ReturnOp],
    [],
)
