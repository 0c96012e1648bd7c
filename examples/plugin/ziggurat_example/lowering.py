"""`convert-poly-to-arith`: replace `poly` ops by `arith` constants, multiplies and adds.

Two evaluation schemes, chosen by the `use-horner` option:

- Horner's rule (default): `c0 + x*(c1 + x*(c2 + ...))`, one multiply and one
  add per degree, and usually the smaller rounding error.
- Power form (`use-horner=false`): `c0 + c1*x + c2*(x*x) + ...`, building each
  power of x from the previous one. Its terms are independent of each other,
  which suits hardware that can overlap the multiplies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import Float32Type, Float64Type, FloatAttr, ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from ziggurat_example.dialect import EvalOp, RationalOp, coefficients_of


class _Builder:
    """Collects the arith ops that evaluate one polynomial, in program order."""

    def __init__(self, x: SSAValue) -> None:
        self.x = x
        self.ops: list[Operation] = []

    def _add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def constant(self, value: float) -> SSAValue:
        float_type = self.x.type
        assert isinstance(float_type, Float32Type | Float64Type)  # the op verifier's promise
        return self._add(arith.ConstantOp(FloatAttr(value, float_type)))

    def mul(self, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
        return self._add(arith.MulfOp(lhs, rhs))

    def add(self, lhs: SSAValue, rhs: SSAValue) -> SSAValue:
        return self._add(arith.AddfOp(lhs, rhs))

    def horner(self, coeffs: Sequence[float]) -> SSAValue:
        acc = self.constant(coeffs[-1])
        for coeff in reversed(coeffs[:-1]):
            acc = self.add(self.mul(acc, self.x), self.constant(coeff))
        return acc

    def power_form(self, coeffs: Sequence[float]) -> SSAValue:
        acc = self.constant(coeffs[0])
        power: SSAValue | None = None
        for coeff in coeffs[1:]:
            power = self.x if power is None else self.mul(power, self.x)
            acc = self.add(acc, self.mul(self.constant(coeff), power))
        return acc

    def polynomial(self, coeffs: Sequence[float], use_horner: bool) -> SSAValue:
        return self.horner(coeffs) if use_horner else self.power_form(coeffs)


@dataclass
class LowerEval(RewritePattern):
    """`poly.eval` becomes the arith ops of one polynomial."""

    use_horner: bool

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: EvalOp, rewriter: PatternRewriter) -> None:
        builder = _Builder(op.x)
        value = builder.polynomial(op.coefficients, self.use_horner)
        rewriter.replace(op, builder.ops, [value])


@dataclass
class LowerRational(RewritePattern):
    """`poly.rational` becomes two polynomials and an `arith.divf`."""

    use_horner: bool

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: RationalOp, rewriter: PatternRewriter) -> None:
        builder = _Builder(op.x)
        numerator = builder.polynomial(coefficients_of(op.numerator), self.use_horner)
        denominator = builder.polynomial(coefficients_of(op.denominator), self.use_horner)
        quotient = arith.DivfOp(numerator, denominator)
        rewriter.replace(op, [*builder.ops, quotient], [quotient.result])


@dataclass(frozen=True)
class ConvertPolyToArithPass(ModulePass):
    """Lower every `poly` op to `arith`, so that any later pipeline can compile it."""

    name = "convert-poly-to-arith"

    use_horner: bool = True
    """Evaluate with Horner's rule; `false` selects the power form."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        patterns = GreedyRewritePatternApplier(
            [LowerEval(self.use_horner), LowerRational(self.use_horner)]
        )
        PatternRewriteWalker(patterns, apply_recursively=False).rewrite_module(op)
