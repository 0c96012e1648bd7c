"""Subscripts and loop bounds as linear forms over the variables of a loop nest.

What the dependence test (`dependence.py`) compares: an affine subscript such
as `A[i - 1, j + k]` is a constant plus coefficients of the nest's induction
variables, of values defined outside it, and of the variables of loops nested
inside it (`Local`, each bounded by its loop's extent when that is constant).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from xdsl.dialects import affine as xaffine
from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr
from xdsl.ir import BlockArgument, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)

from ziggurat.dialects.affine import ParallelOp
from ziggurat.passes.affine.loop_band import induction_var, step_of


@dataclass(frozen=True)
class Local:
    """The induction variable of a loop nested inside the analysed nest
    (`affine.for` or `affine.parallel`), less the lower bound it is read as:
    `iv = lower + offset` with `low <= offset <= high` (None: unbounded).

    Like a loop of the nest, it takes its own value in each of the two
    instances compared, but nothing relates those values: every iteration of
    the nest runs all iterations of the inner loop.
    """

    iv: SSAValue
    low: int | None
    high: int | None


Var = int | SSAValue | Local
"""A variable of a linear form: the position of a loop of the analysed nest
(its induction variable, which differs between the two instances compared),
an SSA value defined outside the nest (the same in both instances), or the
variable of a loop nested deeper (a `Local`: independent in each instance)."""


@dataclass(frozen=True)
class LinearForm:
    """`const + sum(coeff * var)`: a subscript as a function of the loop variables."""

    const: int = 0
    coeffs: dict[Var, int] = field(default_factory=dict[Var, int])

    @staticmethod
    def var(v: Var) -> LinearForm:
        return LinearForm(0, {v: 1})

    def is_constant(self) -> bool:
        return not self.coeffs

    def __add__(self, other: LinearForm) -> LinearForm:
        coeffs = dict(self.coeffs)
        for v, c in other.coeffs.items():
            coeffs[v] = coeffs.get(v, 0) + c
        return LinearForm(self.const + other.const, {v: c for v, c in coeffs.items() if c})

    def scale(self, factor: int) -> LinearForm:
        if factor == 0:
            return LinearForm()
        return LinearForm(self.const * factor, {v: c * factor for v, c in self.coeffs.items()})

    def loop_part(self) -> dict[int, int]:
        return {v: c for v, c in self.coeffs.items() if isinstance(v, int)}

    def invariant_part(self) -> dict[SSAValue, int]:
        return {v: c for v, c in self.coeffs.items() if isinstance(v, SSAValue)}

    def local_part(self) -> dict[Local, int]:
        return {v: c for v, c in self.coeffs.items() if isinstance(v, Local)}


@dataclass(frozen=True)
class LoopNest:
    """The loops whose iterations are compared; the first one is the scope."""

    loops: tuple[xaffine.ForOp, ...]

    def form_of_value(self, value: SSAValue) -> LinearForm | None:
        """`value` as a linear form, or None when it varies in an unknown way."""
        for k, loop in enumerate(self.loops):
            if value is induction_var(loop):
                return LinearForm.var(k)
        owner = value.owner
        if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
            return LinearForm(owner.value.value.data)
        if not self.loops[0].is_ancestor(owner):
            return LinearForm.var(value)
        if isinstance(owner, xaffine.ApplyOp):
            return self.forms_of_map(owner.map.data, owner.mapOperands)[0]
        if isinstance(value, BlockArgument):
            return self._inner_induction_var(value)
        return None

    def _inner_induction_var(self, value: BlockArgument) -> LinearForm | None:
        """The variable of a loop nested in the nest, as `lower + Local`, taking
        the pair of a lower and an upper bound that differ by a constant, when
        there is one; None when `value` is not such a variable."""
        bounds = _loop_bounds(value)
        if bounds is None:
            return None
        lower, extent = self.extent(*bounds)
        if lower is None:
            return LinearForm.var(Local(value, None, None))
        return lower + LinearForm.var(Local(value, 0, None if extent is None else extent - 1))

    def extent(self, lower: Bound, upper: Bound) -> tuple[LinearForm | None, int | None]:
        """A lower bound of a loop as a linear form, and the least constant
        difference between an upper bound and it (None when there is none): the
        loop's variable lies in [lower, lower + extent)."""
        lower_forms = self._bound_forms(*lower)
        upper_forms = self._bound_forms(*upper)
        best: tuple[LinearForm, int] | None = None
        for low in lower_forms:
            for high in upper_forms:
                extent = high + low.scale(-1)
                if extent.is_constant() and (best is None or extent.const < best[1]):
                    best = (low, extent.const)
        if best is not None:
            return best
        return (lower_forms[0] if lower_forms else None), None

    def trip_count(self, loop: xaffine.ForOp) -> int | None:
        """The trip count of `loop`, or a bound on it when its bounds differ by a
        constant (a point loop of a tile: `%t to min(%t + 8, %n)` runs at most 8 times)."""
        bounds = _loop_bounds(induction_var(loop))
        assert bounds is not None
        _, extent = self.extent(*bounds)
        if extent is None:
            return None
        return max(0, -(-extent // step_of(loop)))

    def _bound_forms(
        self, exprs: list[AffineMap], operands: Sequence[SSAValue]
    ) -> list[LinearForm]:
        forms = [self.form_of_value(v) for v in operands]
        found = [_form_of_expr(m.results[0], forms, m.num_dims) for m in exprs]
        return [f for f in found if f is not None]

    def forms_of_map(
        self, affine_map: AffineMap, operands: Sequence[SSAValue]
    ) -> list[LinearForm | None]:
        forms = [self.form_of_value(v) for v in operands]
        return [_form_of_expr(e, forms, affine_map.num_dims) for e in affine_map.results]


Bound = tuple[list[AffineMap], Sequence[SSAValue]]
"""The expressions of a loop bound (a max or min of them), one map each, and their operands."""


def _loop_bounds(value: BlockArgument) -> tuple[Bound, Bound] | None:
    """The lower and upper bounds of the loop whose induction variable `value`
    is, for `affine.for` and `affine.parallel`; None for any other value."""
    loop = value.owner.parent_op()
    if isinstance(loop, xaffine.ForOp) and value.index == 0:
        return (
            (
                _split(loop.lowerBoundMap.data, range(len(loop.lowerBoundMap.data.results))),
                loop.lowerBoundOperands,
            ),
            (
                _split(loop.upperBoundMap.data, range(len(loop.upperBoundMap.data.results))),
                loop.upperBoundOperands,
            ),
        )
    if isinstance(loop, ParallelOp):
        bounds: list[Bound] = []
        for attr, groups_attr, operands in (
            (loop.lowerBoundsMap, loop.lowerBoundsGroups, loop.lower_bound_operands),
            (loop.upperBoundsMap, loop.upperBoundsGroups, loop.upper_bound_operands),
        ):
            groups = groups_attr.get_values()
            start = sum(groups[: value.index])
            bounds.append((_split(attr.data, range(start, start + groups[value.index])), operands))
        return bounds[0], bounds[1]
    return None


def _split(affine_map: AffineMap, positions: Iterable[int]) -> list[AffineMap]:
    """The results of `affine_map` at `positions`, one single-result map each."""
    return [
        AffineMap(affine_map.num_dims, affine_map.num_symbols, (affine_map.results[p],))
        for p in positions
    ]


def _form_of_expr(
    expr: AffineExpr, operands: Sequence[LinearForm | None], num_dims: int
) -> LinearForm | None:
    match expr:
        case AffineConstantExpr(value=value):
            return LinearForm(value)
        case AffineDimExpr(position=pos):
            return operands[pos]
        case AffineSymExpr(position=pos):
            return operands[num_dims + pos]
        case AffineBinaryOpExpr(kind=kind, lhs=lhs, rhs=rhs):
            left = _form_of_expr(lhs, operands, num_dims)
            right = _form_of_expr(rhs, operands, num_dims)
            if left is None or right is None:
                return None
            if kind == AffineBinaryOpKind.Add:
                return left + right
            if kind == AffineBinaryOpKind.Mul:
                if left.is_constant():
                    return right.scale(left.const)
                return left.scale(right.const) if right.is_constant() else None
            if not (left.is_constant() and right.is_constant()) or right.const <= 0:
                return None
            a, b = left.const, right.const
            if kind == AffineBinaryOpKind.FloorDiv:
                return LinearForm(a // b)
            if kind == AffineBinaryOpKind.CeilDiv:
                return LinearForm(-(-a // b))
            return LinearForm(a % b)
        case _:
            return None
