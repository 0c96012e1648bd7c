"""`affine.parallel` in MLIR's syntax, bound groups and reductions included."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects import affine as xaffine
from xdsl.dialects.affine import YieldOp
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DenseIntElementsAttr,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    TensorType,
    i32,
    i64,
)
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import (
    irdl_op_definition,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.affine_syntax import (
    SSAIdSpace,
    parse_affine_region,
    parse_optional_arrow_types,
    print_expr_of_ssa_ids,
    print_types,
)
from ziggurat.dialects.arith import ATOMIC_RMW_KINDS, parallel_reduction_accepts

REDUCTION_KINDS = ATOMIC_RMW_KINDS
"""The reduction kinds of `affine.parallel`, in MLIR's numbering."""


@irdl_op_definition
class ParallelOp(xaffine.ParallelOp):
    """`affine.parallel (%i, %j) = (lbs) to (ubs) step (s) reduce ("addf") -> (f32)`

    Each lower (upper) bound is the max (min) of a group of expressions; all
    lower-bound groups share one map, as do the upper bounds, as in MLIR.
    A subclass of xDSL's op, so that xDSL's passes see it; the reductions are
    MLIR's `AtomicRMWKind` integers rather than xDSL's strings, which is how
    MLIR prints them in the generic form.
    """

    name = "affine.parallel"

    map_operands = var_operand_def(IndexType)
    reductions = prop_def(ArrayAttr[IntegerAttr[IntegerType]])  # pyright: ignore[reportIncompatibleVariableOverride]
    lowerBoundsMap = prop_def(AffineMapAttr)
    lowerBoundsGroups = prop_def(DenseIntElementsAttr)
    upperBoundsMap = prop_def(AffineMapAttr)
    upperBoundsGroups = prop_def(DenseIntElementsAttr)
    steps = prop_def(ArrayAttr[IntegerAttr[IntegerType]])
    res = var_result_def()
    body = region_def("single_block")

    traits = traits_def(RecursiveMemoryEffect())

    BOUND_KEYWORDS: ClassVar[tuple[str, str]] = ("max", "min")

    @property
    def lower_bound_operands(self) -> Sequence[SSAValue]:
        m = self.lowerBoundsMap.data
        return self.map_operands[: m.num_dims + m.num_symbols]

    @property
    def upper_bound_operands(self) -> Sequence[SSAValue]:
        m = self.lowerBoundsMap.data
        return self.map_operands[m.num_dims + m.num_symbols :]

    def reduction_kinds(self) -> list[str]:
        return [REDUCTION_KINDS[r.value.data] for r in self.reductions]

    def verify_(self) -> None:
        lb, ub = self.lowerBoundsMap.data, self.upperBoundsMap.data
        expected = lb.num_dims + lb.num_symbols + ub.num_dims + ub.num_symbols
        if len(self.map_operands) != expected:
            raise VerifyException(
                f"expects {expected} operands for its bound maps, got {len(self.map_operands)}"
            )
        lb_groups = self.lowerBoundsGroups.get_values()
        ub_groups = self.upperBoundsGroups.get_values()
        if sum(lb_groups) != len(lb.results) or sum(ub_groups) != len(ub.results):
            raise VerifyException("bound groups do not add up to the bound maps")
        num_loops = len(self.steps)
        if len(lb_groups) != num_loops or len(ub_groups) != num_loops:
            raise VerifyException(f"expects {num_loops} lower and upper bound groups, one per loop")
        if any(s.value.data <= 0 for s in self.steps):
            raise VerifyException("expects positive steps")
        if len(self.body.block.args) != num_loops or any(
            t != IndexType() for t in self.body.block.arg_types
        ):
            raise VerifyException(f"expects {num_loops} index induction variables in its body")
        if len(self.reductions) != len(self.res):
            raise VerifyException("expects one reduction kind per result")
        for r, result in zip(self.reductions, self.res, strict=True):
            if not 0 <= r.value.data < len(REDUCTION_KINDS):
                raise VerifyException(f"unknown reduction kind {r.value.data}")
            kind = REDUCTION_KINDS[r.value.data]
            if not parallel_reduction_accepts(kind, result.type):
                raise VerifyException(f"cannot reduce values of type {result.type} with '{kind}'")
        last = self.body.block.last_op
        if isinstance(last, YieldOp) and last.arguments.types != self.result_types:
            raise VerifyException("expects its body to yield values of the result types")

    @classmethod
    def parse(cls, parser: Parser) -> ParallelOp:
        ivs = parser.parse_comma_separated_list(
            Parser.Delimiter.PAREN, lambda: parser.parse_argument(expect_type=False)
        )
        parser.parse_punctuation("=")
        lb_map, lb_groups, lb_operands = _parse_bound_groups(parser, "max")
        parser.parse_keyword("to")
        ub_map, ub_groups, ub_operands = _parse_bound_groups(parser, "min")
        for groups, what in ((lb_groups, "lower"), (ub_groups, "upper")):
            if len(groups) != len(ivs):
                parser.raise_error(f"expected {len(ivs)} {what} bounds, one per induction variable")
        steps = [1] * len(ivs)
        if parser.parse_optional_keyword("step"):
            pos = parser.pos
            steps = parser.parse_comma_separated_list(Parser.Delimiter.PAREN, parser.parse_integer)
            if len(steps) != len(ivs) or any(s <= 0 for s in steps):
                parser.raise_error(f"expected {len(ivs)} positive steps", pos, parser.pos)
        kinds: list[int] = []
        if parser.parse_optional_keyword("reduce"):

            def parse_kind() -> int:
                pos = parser.pos
                kind = parser.parse_str_literal()
                if kind not in REDUCTION_KINDS:
                    parser.raise_error(
                        f"unknown reduction kind '{kind}', expected one of "
                        + ", ".join(REDUCTION_KINDS),
                        pos,
                        parser.pos,
                    )
                return REDUCTION_KINDS.index(kind)

            kinds = parser.parse_comma_separated_list(Parser.Delimiter.PAREN, parse_kind)
        result_types = parse_optional_arrow_types(parser)
        body = parse_affine_region(parser, [iv.resolve(IndexType()) for iv in ivs])
        op = cls.build(
            operands=[[*lb_operands, *ub_operands]],
            result_types=[result_types],
            properties={
                "reductions": ArrayAttr(IntegerAttr(k, i64) for k in kinds),
                "lowerBoundsMap": AffineMapAttr(lb_map),
                "lowerBoundsGroups": groups_attr(lb_groups),
                "upperBoundsMap": AffineMapAttr(ub_map),
                "upperBoundsGroups": groups_attr(ub_groups),
                "steps": ArrayAttr(IntegerAttr(s, i64) for s in steps),
            },
            regions=[body],
        )
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        with printer.in_parens():
            printer.print_list(self.body.block.args, printer.print_ssa_value)
        printer.print_string(" = ")
        _print_bound_groups(
            printer,
            self.lowerBoundsMap.data,
            self.lowerBoundsGroups,
            self.lower_bound_operands,
            "max",
        )
        printer.print_string(" to ")
        _print_bound_groups(
            printer,
            self.upperBoundsMap.data,
            self.upperBoundsGroups,
            self.upper_bound_operands,
            "min",
        )
        steps = [s.value.data for s in self.steps]
        if any(s != 1 for s in steps):
            printer.print_string(" step ")
            with printer.in_parens():
                printer.print_list(steps, printer.print_int)
        if self.reductions:
            printer.print_string(" reduce ")
            with printer.in_parens():
                printer.print_list(self.reduction_kinds(), lambda k: printer.print_string(f'"{k}"'))
        if self.res:
            printer.print_string(" -> ")
            print_types(printer, self.result_types, parens=True)
        printer.print_string(" ")
        printer.print_region(self.body, False, False, bool(self.res))
        printer.print_op_attributes(self.attributes)


def groups_attr(groups: list[int]) -> DenseIntElementsAttr:
    """The i32 tensor of group sizes `affine.parallel` stores for its bounds."""
    return DenseIntOrFPElementsAttr.from_list(TensorType(i32, [len(groups)]), groups)


def _parse_bound_groups(
    parser: Parser, keyword: str
) -> tuple[AffineMap, list[int], list[SSAValue]]:
    """`(b0, keyword(e1, e2), ...)`: one group of expressions per loop."""
    space = SSAIdSpace()
    parse_expr = space.expr_parser(parser)
    exprs: list[AffineExpr] = []
    groups: list[int] = []

    def parse_group() -> None:
        if parser.parse_optional_keyword(keyword):
            group = parser.parse_comma_separated_list(Parser.Delimiter.PAREN, parse_expr)
        else:
            group = [parse_expr()]
        exprs.extend(group)
        groups.append(len(group))

    parser.parse_comma_separated_list(Parser.Delimiter.PAREN, parse_group)
    return space.map(exprs), groups, space.resolve(parser)


def _print_bound_groups(
    printer: Printer,
    affine_map: AffineMap,
    groups: DenseIntElementsAttr,
    operands: Sequence[SSAValue],
    keyword: str,
) -> None:
    dims = operands[: affine_map.num_dims]
    syms = operands[affine_map.num_dims :]
    results = iter(affine_map.results)

    def print_group(size: int) -> None:
        group = [next(results) for _ in range(size)]
        if size == 1:
            print_expr_of_ssa_ids(printer, group[0], dims, syms)
            return
        printer.print_string(keyword)
        with printer.in_parens():
            printer.print_list(group, lambda e: print_expr_of_ssa_ids(printer, e, dims, syms))

    with printer.in_parens():
        printer.print_list(groups.get_values(), print_group)
