"""The `affine` dialect, as MLIR writes it.

Extends xDSL's affine ops under their MLIR names: loads and stores (scalar
and vector) parse their subscripts as dims (`%i`) and symbols
(`symbol(%n)`), `affine.apply`, `affine.parallel` and `affine.if` get MLIR's
custom syntax, `affine.for` and `affine.parallel` verify as MLIR does, and
`affine.max` is added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self, cast

from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import (
    AffineMapAttr,
    AffineSetAttr,
    ArrayAttr,
    DenseIntElementsAttr,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    TensorType,
    VectorType,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
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
from xdsl.utils.hints import isa

from ziggurat.dialects.affine_syntax import (
    SSAIdSpace,
    parse_map_of_ssa_ids,
    print_expr_of_ssa_ids,
    print_map_of_ssa_ids,
)
from ziggurat.dialects.arith import ATOMIC_RMW_KINDS, parallel_reduction_accepts
from ziggurat.dialects.extend import extend_dialect

YieldOp = xaffine.YieldOp


def _parse_memref_access(
    parser: Parser,
) -> tuple[
    SSAValue[MemRefType], AffineMap, list[SSAValue[IndexType]], MemRefType, dict[str, Attribute]
]:
    """`%memref[<exprs of SSA ids>] {attrs} : memref-type`"""
    unresolved = parser.parse_unresolved_operand()
    affine_map, indices = parse_map_of_ssa_ids(parser)
    attrs = parser.parse_optional_attr_dict()
    parser.parse_punctuation(":")
    pos = parser.pos
    memref_type = parser.parse_type()
    if not isa(memref_type, MemRefType):
        parser.raise_error("expected a memref type", pos, parser.pos)
    if affine_map.results and len(affine_map.results) != memref_type.get_num_dims():
        parser.raise_error(
            f"expected {memref_type.get_num_dims()} subscripts for {memref_type}, "
            f"got {len(affine_map.results)}",
            pos,
            parser.pos,
        )
    return (
        cast(SSAValue[MemRefType], parser.resolve_operand(unresolved, memref_type)),
        affine_map,
        cast(list[SSAValue[IndexType]], indices),
        memref_type,
        attrs,
    )


def _print_memref_access(
    printer: Printer,
    op: Operation,
    memref: SSAValue,
    affine_map: AffineMap,
    indices: Sequence[SSAValue],
) -> None:
    printer.print_ssa_value(memref)
    print_map_of_ssa_ids(printer, affine_map, indices)
    printer.print_op_attributes(op.attributes)
    printer.print_string(" : ")
    printer.print_attribute(memref.type)


class LoadOp(xaffine.LoadOp):
    """`%v = affine.load %m[%i, %j + 1] : memref<...>`"""

    @classmethod
    def parse(cls, parser: Parser) -> LoadOp:
        memref, affine_map, indices, memref_type, attrs = _parse_memref_access(parser)
        op = cls(memref, indices, AffineMapAttr(affine_map), memref_type.element_type)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


class StoreOp(xaffine.StoreOp):
    """`affine.store %v, %m[%i, %j] : memref<...>`"""

    @classmethod
    def parse(cls, parser: Parser) -> StoreOp:
        value = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        memref, affine_map, indices, memref_type, attrs = _parse_memref_access(parser)
        resolved = parser.resolve_operand(value, memref_type.element_type)
        op = cls(resolved, memref, indices, AffineMapAttr(affine_map))
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        printer.print_ssa_value(self.value)
        printer.print_string(", ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


class VectorLoadOp(xaffine.VectorLoadOp):
    """`%v = affine.vector_load %m[%i, %j * 8] : memref<...>, vector<8xf32>`"""

    @classmethod
    def parse(cls, parser: Parser) -> VectorLoadOp:
        memref, affine_map, indices, _, attrs = _parse_memref_access(parser)
        parser.parse_punctuation(",")
        pos = parser.pos
        result_type = parser.parse_type()
        if not isa(result_type, VectorType):
            parser.raise_error("expected a vector type", pos, parser.pos)
        op = cls(memref, indices, AffineMapAttr(affine_map), result_type)
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)
        printer.print_string(", ")
        printer.print_attribute(self.result.type)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


class VectorStoreOp(xaffine.VectorStoreOp):
    """`affine.vector_store %v, %m[%i, %j * 8] : memref<...>, vector<8xf32>`"""

    @classmethod
    def parse(cls, parser: Parser) -> VectorStoreOp:
        value = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        memref, affine_map, indices, _, attrs = _parse_memref_access(parser)
        parser.parse_punctuation(",")
        value_type = parser.parse_type()
        resolved = parser.resolve_operand(value, value_type)
        op = cls(resolved, memref, indices, AffineMapAttr(affine_map))
        op.attributes |= attrs
        return op

    def print(self, printer: Printer):
        printer.print_string(" ")
        printer.print_ssa_value(self.value)
        printer.print_string(", ")
        _print_memref_access(printer, self, self.memref, self.map.data, self.indices)
        printer.print_string(", ")
        printer.print_attribute(self.value.type)

    def verify_(self) -> None:
        _verify_access(self.map.data, self.indices, self.memref.type)


def _verify_access(
    affine_map: AffineMap, indices: Sequence[SSAValue], memref_type: Attribute
) -> None:
    if len(indices) != affine_map.num_dims + affine_map.num_symbols:
        raise VerifyException(
            f"expects {affine_map.num_dims + affine_map.num_symbols} index operands "
            f"for its map, got {len(indices)}"
        )
    if isa(memref_type, MemRefType) and len(affine_map.results) != len(memref_type.get_shape()):
        raise VerifyException(
            f"affine map has {len(affine_map.results)} results but the memref "
            f"has rank {len(memref_type.get_shape())}"
        )


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
        result_types = _parse_optional_arrow_types(parser)
        then_region = _parse_affine_region(parser)
        else_region = Region()
        if parser.parse_optional_keyword("else"):
            else_region = _parse_affine_region(parser)
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
            _print_types(printer, self.result_types, parens=len(self.res) > 1)
        printer.print_string(" ")
        terminators = bool(self.res)
        printer.print_region(self.then_region, False, False, terminators)
        if _has_content(self.else_region) or (self.res and self.else_region.blocks):
            printer.print_string(" else ")
            printer.print_region(self.else_region, False, False, terminators)
        printer.print_op_attributes(self.attributes)


def _has_content(region: Region) -> bool:
    """Whether a region holds more than an empty `affine.yield`."""
    if not region.blocks:
        return False
    first = region.block.first_op
    return first is not None and not (isinstance(first, YieldOp) and not first.arguments)


def _parse_optional_arrow_types(parser: Parser) -> list[Attribute]:
    """`-> type` or `-> (type, ...)`, or nothing."""
    if parser.parse_optional_punctuation("->") is None:
        return []
    if parser.parse_optional_punctuation("(") is not None:
        if parser.parse_optional_punctuation(")") is not None:
            return []
        types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
        parser.parse_punctuation(")")
        return list[Attribute](types)
    return [parser.parse_type()]


def _print_types(printer: Printer, types: Sequence[Attribute], parens: bool) -> None:
    if parens:
        with printer.in_parens():
            printer.print_list(types, printer.print_attribute)
    else:
        printer.print_list(types, printer.print_attribute)


def _parse_affine_region(parser: Parser, arguments: Sequence[Parser.Argument] = ()) -> Region:
    """A region whose single block gets an empty `affine.yield` if none is written."""
    region = parser.parse_region(arguments)
    if not region.blocks:
        region.add_block(Block(arg_types=[a.type for a in arguments]))
    block = region.block
    if not isinstance(block.last_op, YieldOp):
        block.add_op(YieldOp.get())
    return region


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
        result_types = _parse_optional_arrow_types(parser)
        body = _parse_affine_region(parser, [iv.resolve(IndexType()) for iv in ivs])
        op = cls.build(
            operands=[[*lb_operands, *ub_operands]],
            result_types=[result_types],
            properties={
                "reductions": ArrayAttr(IntegerAttr(k, i64) for k in kinds),
                "lowerBoundsMap": AffineMapAttr(lb_map),
                "lowerBoundsGroups": _groups_attr(lb_groups),
                "upperBoundsMap": AffineMapAttr(ub_map),
                "upperBoundsGroups": _groups_attr(ub_groups),
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
            _print_types(printer, self.result_types, parens=True)
        printer.print_string(" ")
        printer.print_region(self.body, False, False, bool(self.res))
        printer.print_op_attributes(self.attributes)


def _groups_attr(groups: list[int]) -> DenseIntElementsAttr:
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
    ],
)
