"""The `affine` dialect, as MLIR writes it.

Extends xDSL's affine ops under their MLIR names: loads and stores (scalar
and vector) parse their subscripts as dims (`%i`) and symbols
(`symbol(%n)`), `affine.apply`, `affine.parallel` and `affine.if` get MLIR's
custom syntax, `affine.for` and `affine.parallel` verify as MLIR does, and
`affine.max` is added. The memory ops live in `affine_memory`, `affine.parallel` in
`affine_parallel`; this module gathers the dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AffineSetAttr,
    IndexType,
)
from xdsl.ir import Region, SSAValue
from xdsl.ir.affine import AffineConstantExpr
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import Pure, RecursivelySpeculatable, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.affine_memory import LoadOp, StoreOp, VectorLoadOp, VectorStoreOp
from ziggurat.dialects.affine_parallel import REDUCTION_KINDS, ParallelOp
from ziggurat.dialects.affine_syntax import (
    has_content,
    parse_affine_region,
    parse_optional_arrow_types,
    print_types,
)
from ziggurat.dialects.extend import extend_dialect

YieldOp = xaffine.YieldOp

_YIELD_PARENTS = ("affine.if", "affine.for", "affine.parallel")


class CheckedYieldOp(xaffine.YieldOp):
    """`affine.yield`, checked against its parent as MLIR does.

    Ends only an `affine.if`, `affine.for` or `affine.parallel` body, and
    yields as many values, of the same types, as the parent has results.
    (`YieldOp` stays xDSL's class, which builders use; this one is what the
    parser makes.)
    """

    def verify_(self) -> None:
        parent = self.parent_op()
        if parent is None or parent.name not in _YIELD_PARENTS:
            raise VerifyException("only terminates affine.if/for/parallel regions")
        if len(parent.results) != len(self.arguments):
            raise VerifyException(
                "parent of yield must have same number of results as the yield operands"
            )
        if parent.name != "affine.parallel" and parent.result_types != self.arguments.types:
            raise VerifyException("types mismatch between yield op and its parent")
        super().verify_()


def _parse_map_and_operands(
    parser: Parser,
) -> tuple[AffineMapAttr | AffineSetAttr, list[SSAValue]]:
    """`#map(%dims)[%syms]`, the operand form of `affine.apply/min/max/if`."""
    pos = parser.pos
    attr = parser.parse_attribute()
    if not isinstance(attr, AffineMapAttr | AffineSetAttr):
        parser.raise_error("expected an affine map or set", pos, parser.pos)
    dims = parser.parse_optional_comma_separated_list(
        Parser.Delimiter.PAREN, lambda: parser.parse_operand(IndexType())
    )
    syms = parser.parse_optional_comma_separated_list(
        Parser.Delimiter.SQUARE, lambda: parser.parse_operand(IndexType())
    )
    dims, syms = dims or [], syms or []
    if len(dims) != attr.data.num_dims or len(syms) != attr.data.num_symbols:
        parser.raise_error(
            f"expected {attr.data.num_dims} dim and {attr.data.num_symbols} symbol "
            f"operands, got {len(dims)} and {len(syms)}",
            pos,
            parser.pos,
        )
    return attr, list[SSAValue]([*dims, *syms])


def _print_map_and_operands(
    printer: Printer, attr: AffineMapAttr | AffineSetAttr, operands: Sequence[SSAValue]
) -> None:
    num_dims = attr.data.num_dims
    printer.print_attribute(attr)
    with printer.in_parens():
        printer.print_list(operands[:num_dims], printer.print_ssa_value)
    if attr.data.num_symbols:
        with printer.in_square_brackets():
            printer.print_list(operands[num_dims:], printer.print_ssa_value)


class ApplyOp(xaffine.ApplyOp):
    """`%r = affine.apply #map(%dims)[%syms]`: the single result of the map."""

    @classmethod
    def parse(cls, parser: Parser) -> ApplyOp:
        attr, operands = _parse_map_and_operands(parser)
        if not isinstance(attr, AffineMapAttr):
            parser.raise_error("expected an affine map")
        op = cls(operands, attr)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        _print_map_and_operands(printer, self.map, self.mapOperands)
        printer.print_op_attributes(self.attributes)


INDEX_MIN, INDEX_MAX = -(1 << 63), (1 << 63) - 1


class ForOp(xaffine.ForOp):
    """`affine.for`, whose step MLIR requires to be positive."""

    @classmethod
    def parse(cls, parser: Parser) -> ForOp:
        # xDSL's parser builds its own class; rebuild the op as this one.
        parsed = super().parse(parser)
        if isinstance(parsed, cls):
            return parsed
        regions = [parsed.detach_region(region) for region in tuple(parsed.regions)]
        op = cls.create(
            operands=parsed.operands,
            result_types=parsed.result_types,
            properties=dict(parsed.properties),
            attributes=dict(parsed.attributes),
            regions=regions,
        )
        parsed.erase()
        return op

    def verify_(self) -> None:
        super().verify_()
        if self.step.value.data <= 0:
            raise VerifyException(f"expects a positive step, got {self.step.value.data}")
        for bound in (self.lowerBoundMap.data, self.upperBoundMap.data):
            for part in (part for expr in bound.results for part in expr.dfs()):
                if (
                    isinstance(part, AffineConstantExpr)
                    and not INDEX_MIN <= part.value <= INDEX_MAX
                ):
                    raise VerifyException(f"expects bounds that fit in index, got {part.value}")


class _MinMaxSyntax(IRDLOperation):
    """`affine.min/max #map(%dims)[%syms]`: the min/max of the map's results."""

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        attr, operands = _parse_map_and_operands(parser)
        if not isinstance(attr, AffineMapAttr):
            parser.raise_error("expected an affine map")
        op = cls.build(operands=[operands], properties={"map": attr}, result_types=[IndexType()])
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def _map(self) -> AffineMapAttr:
        attr = self.properties["map"]
        assert isinstance(attr, AffineMapAttr)
        return attr

    def print(self, printer: Printer):
        printer.print_string(" ")
        _print_map_and_operands(printer, self._map(), self.operands)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        m = self._map().data
        if len(self.operands) != m.num_dims + m.num_symbols:
            raise VerifyException(
                f"expects {m.num_dims + m.num_symbols} operands for its map, "
                f"got {len(self.operands)}"
            )
        if not m.results:
            raise VerifyException("expects a map with at least one result")


class MinOp(_MinMaxSyntax, xaffine.MinOp):
    @classmethod
    def parse(cls, parser: Parser) -> MinOp:
        return super().parse(parser)


@irdl_op_definition
class MaxOp(_MinMaxSyntax):
    name = "affine.max"

    arguments = var_operand_def(IndexType())
    result = result_def(IndexType())
    map = prop_def(AffineMapAttr)

    traits = traits_def(Pure())

    def __init__(self, operands: Sequence[SSAValue], affine_map: AffineMapAttr):
        super().__init__(
            operands=[operands],
            properties={"map": affine_map},
            result_types=[IndexType()],
        )


@irdl_op_definition
class IfOp(xaffine.IfOp):
    """`affine.if #set(%dims)[%syms] -> types { ... } else { ... }`

    xDSL's op (same operands, properties and regions) with MLIR's custom syntax
    and verifier; subclassing keeps xDSL's patterns on `affine.if` matching it.
    """

    name = "affine.if"

    args = var_operand_def(IndexType)
    res = var_result_def()
    condition = prop_def(AffineSetAttr)
    then_region = region_def("single_block")
    else_region = region_def()

    traits = traits_def(RecursiveMemoryEffect(), RecursivelySpeculatable())

    def verify_(self) -> None:
        s = self.condition.data
        if len(self.args) != s.num_dims + s.num_symbols:
            raise VerifyException(
                f"expects {s.num_dims + s.num_symbols} operands for its condition, "
                f"got {len(self.args)}"
            )
        if self.res and not self.else_region.blocks:
            raise VerifyException("must have an else region when it has results")
        for region in (self.then_region, self.else_region):
            for block in region.blocks:
                last = block.last_op
                if isinstance(last, YieldOp) and last.arguments.types != self.result_types:
                    raise VerifyException("expects its regions to yield values of the result types")

    @classmethod
    def parse(cls, parser: Parser) -> IfOp:
        attr, operands = _parse_map_and_operands(parser)
        if not isinstance(attr, AffineSetAttr):
            parser.raise_error("expected an integer set (affine_set<...>) condition")
        result_types = parse_optional_arrow_types(parser)
        then_region = parse_affine_region(parser)
        else_region = Region()
        if parser.parse_optional_keyword("else"):
            else_region = parse_affine_region(parser)
        op = cls.build(
            operands=[operands],
            result_types=[result_types],
            properties={"condition": attr},
            regions=[then_region, else_region],
        )
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        _print_map_and_operands(printer, self.condition, self.args)
        if self.res:
            printer.print_string(" -> ")
            print_types(printer, self.result_types, parens=len(self.res) > 1)
        printer.print_string(" ")
        terminators = bool(self.res)
        printer.print_region(self.then_region, False, False, terminators)
        if has_content(self.else_region) or (self.res and self.else_region.blocks):
            printer.print_string(" else ")
            printer.print_region(self.else_region, False, False, terminators)
        printer.print_op_attributes(self.attributes)


Affine = extend_dialect(
    xaffine.Affine,
    [
        ApplyOp,
        ForOp,
        ParallelOp,
        IfOp,
        StoreOp,
        LoadOp,
        VectorLoadOp,
        VectorStoreOp,
        MinOp,
        MaxOp,
        CheckedYieldOp,
    ],
)

__all__ = [
    "REDUCTION_KINDS",
    "Affine",
    "ApplyOp",
    "ForOp",
    "IfOp",
    "LoadOp",
    "MaxOp",
    "MinOp",
    "ParallelOp",
    "StoreOp",
    "VectorLoadOp",
    "VectorStoreOp",
    "YieldOp",
]
