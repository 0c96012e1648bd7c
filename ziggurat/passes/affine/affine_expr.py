"""Affine expressions expanded into `arith` ops on `index` values.

`floordiv`, `ceildiv` and `mod` round towards negative infinity (the result
of `mod` is never negative), while `arith.divsi` and `arith.remsi` round
towards zero. The expansions below correct for that with a compare and a
select, so that negative operands give MLIR's exact results; they assume a
positive divisor, which MLIR requires (a constant divisor <= 0 is refused).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)

from ziggurat.diagnostics import CompileError


class IndexConstants:
    """`index` constants built at `builder`'s insertion point, once per value.

    With `name_hints`, each prints as `%c<value>`, as MLIR names them.
    """

    def __init__(self, builder: Builder, name_hints: bool = True):
        self.builder = builder
        self.name_hints = name_hints
        self._values: dict[int, SSAValue] = {}

    def __call__(self, value: int) -> SSAValue:
        if value not in self._values:
            const = arith.ConstantOp.from_int_and_width(value, IndexType())
            if self.name_hints:
                const.result.name_hint = f"c{value}"
            self._values[value] = self.builder.insert(const).result
        return self._values[value]


class AffineExpander:
    """Builds the arith ops computing affine expressions at `builder`'s insertion point.

    `op` is the affine op being lowered, named in errors. Constants are built
    once per expander.
    """

    def __init__(self, builder: Builder, op: Operation):
        self.builder = builder
        self.op = op
        self.constant = IndexConstants(builder)

    def _insert(self, op: Operation) -> SSAValue:
        self.builder.insert(op)
        return op.results[0]

    def map(self, affine_map: AffineMap, operands: Sequence[SSAValue]) -> list[SSAValue]:
        """The values of every result of `affine_map` applied to (dims..., symbols...)."""
        dims = operands[: affine_map.num_dims]
        symbols = operands[affine_map.num_dims :]
        return [self.expr(e, dims, symbols) for e in affine_map.results]

    def expr(
        self, expr: AffineExpr, dims: Sequence[SSAValue], symbols: Sequence[SSAValue]
    ) -> SSAValue:
        match expr:
            case AffineConstantExpr():
                return self.constant(expr.value)
            case AffineDimExpr():
                return dims[expr.position]
            case AffineSymExpr():
                return symbols[expr.position]
            case AffineBinaryOpExpr():
                return self._binary(expr, dims, symbols)
            case _:
                raise CompileError(
                    f"cannot lower '{self.op.name}': unknown affine expression {expr}", self.op
                )

    def _binary(
        self, expr: AffineBinaryOpExpr, dims: Sequence[SSAValue], symbols: Sequence[SSAValue]
    ) -> SSAValue:
        kind = expr.kind
        if kind == AffineBinaryOpKind.Add and _is_negated(expr.rhs):
            # `a + b * -1` is how affine maps spell `a - b`.
            assert isinstance(expr.rhs, AffineBinaryOpExpr)
            lhs = self.expr(expr.lhs, dims, symbols)
            return self._insert(arith.SubiOp(lhs, self.expr(expr.rhs.lhs, dims, symbols)))
        divides = kind not in (AffineBinaryOpKind.Add, AffineBinaryOpKind.Mul)
        if divides and isinstance(expr.rhs, AffineConstantExpr) and expr.rhs.value <= 0:
            raise CompileError(
                f"cannot lower '{self.op.name}': '{expr}' divides by {expr.rhs.value}; "
                "affine division and modulo need a positive divisor",
                self.op,
            )
        lhs = self.expr(expr.lhs, dims, symbols)
        rhs = self.expr(expr.rhs, dims, symbols)
        match kind:
            case AffineBinaryOpKind.Add:
                return self._insert(arith.AddiOp(lhs, rhs))
            case AffineBinaryOpKind.Mul:
                return self._insert(arith.MuliOp(lhs, rhs))
            case AffineBinaryOpKind.Mod:
                return self.mod(lhs, rhs)
            case AffineBinaryOpKind.FloorDiv:
                return self.floor_div(lhs, rhs)
            case AffineBinaryOpKind.CeilDiv:
                return self.ceil_div(lhs, rhs)

    def mod(self, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
        """`lhs mod rhs` in [0, rhs): the truncated remainder, plus rhs if negative."""
        remainder = self._insert(arith.RemSIOp(lhs, rhs))
        negative = self._insert(arith.CmpiOp(remainder, self.constant(0), "slt"))
        shifted = self._insert(arith.AddiOp(remainder, rhs))
        return self._insert(arith.SelectOp(negative, shifted, remainder))

    def floor_div(self, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
        """`lhs floordiv rhs` = lhs < 0 ? -1 - (-1 - lhs) / rhs : lhs / rhs."""
        minus_one = self.constant(-1)
        negative = self._insert(arith.CmpiOp(lhs, self.constant(0), "slt"))
        mirrored = self._insert(arith.SubiOp(minus_one, lhs))
        dividend = self._insert(arith.SelectOp(negative, mirrored, lhs))
        quotient = self._insert(arith.DivSIOp(dividend, rhs))
        unmirrored = self._insert(arith.SubiOp(minus_one, quotient))
        return self._insert(arith.SelectOp(negative, unmirrored, quotient))

    def ceil_div(self, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
        """`lhs ceildiv rhs` = lhs <= 0 ? -((-lhs) / rhs) : (lhs - 1) / rhs + 1."""
        zero, one = self.constant(0), self.constant(1)
        non_positive = self._insert(arith.CmpiOp(lhs, zero, "sle"))
        negated = self._insert(arith.SubiOp(zero, lhs))
        decremented = self._insert(arith.SubiOp(lhs, one))
        dividend = self._insert(arith.SelectOp(non_positive, negated, decremented))
        quotient = self._insert(arith.DivSIOp(dividend, rhs))
        negated_quotient = self._insert(arith.SubiOp(zero, quotient))
        incremented = self._insert(arith.AddiOp(quotient, one))
        return self._insert(arith.SelectOp(non_positive, negated_quotient, incremented))

    def min(self, values: Sequence[SSAValue]) -> SSAValue:
        """The smallest of `values` (signed), as a chain of `arith.minsi`."""
        result = values[0]
        for value in values[1:]:
            result = self._insert(arith.MinSIOp(result, value))
        return result

    def max(self, values: Sequence[SSAValue]) -> SSAValue:
        """The largest of `values` (signed), as a chain of `arith.maxsi`."""
        result = values[0]
        for value in values[1:]:
            result = self._insert(arith.MaxSIOp(result, value))
        return result


def _is_negated(expr: AffineExpr) -> bool:
    return (
        isinstance(expr, AffineBinaryOpExpr)
        and expr.kind == AffineBinaryOpKind.Mul
        and isinstance(expr.rhs, AffineConstantExpr)
        and expr.rhs.value == -1
    )
