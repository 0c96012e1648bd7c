"""Loop bands, memory accesses and dependence tests for the affine loop passes.

Also the few helpers that rebuild a band (`build_for`, `copy_for`, `nest`,
`move_body`), which tile and interchange share.

Shared by `affine-loop-tile`, `affine-loop-interchange`, `affine-loop-unroll`
and `affine-parallelize`, so that the two passes that must prove a
transformation legal (interchange, parallelize) agree on what a dependence is.

The dependence test is deliberately small and conservative: when it cannot
prove that two accesses never touch the same element across iterations it
reports a dependence with an unknown ("*") direction. It is exact for the
uniform, constant-distance subscripts that matmul, convolution, stencil and
prefix-sum nests produce (`A[i, k]`, `B[i - 1, j + 1]`, `C[i, j]`), and sees
through the loops nested in the nest (`affine.for`, `affine.parallel`, under
`affine.if` or not): their variables are their lower bounds plus offsets
bounded by their extents, so that the tile loops of a tiled nest, whose
tiles are disjoint, carry no dependence.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from xdsl.dialects import affine as xaffine
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import AffineMapAttr, IndexType, IntegerAttr
from xdsl.ir import Block, BlockArgument, Operation, Region, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.traits import MemoryEffectKind

from ziggurat.diagnostics import location_of
from ziggurat.dialects.affine import ForOp, ParallelOp
from ziggurat.dialects.memory_effects import effect_kinds, is_allocation, reads_only

# --------------------------------------------------------------------------- loops


def outermost_loops(root: Operation) -> list[xaffine.ForOp]:
    """The `affine.for` ops under `root` that no other `affine.for` encloses."""
    found: list[xaffine.ForOp] = []
    for op in root.walk():
        if isinstance(op, xaffine.ForOp) and not any(
            isinstance(a, xaffine.ForOp) for a in _ancestors(op)
        ):
            found.append(op)
    return found


def _ancestors(op: Operation) -> Iterator[Operation]:
    parent = op.parent_op()
    while parent is not None:
        yield parent
        parent = parent.parent_op()


def perfect_band(root: xaffine.ForOp) -> list[xaffine.ForOp]:
    """The loops of the perfect nest rooted at `root`, outermost first.

    A loop joins the band when it is the only op (besides an empty
    `affine.yield`) in the body of the previous one. Loops with iter_args
    carry values between iterations through their yield, so only the root may
    have them, and then the band is that loop alone.
    """
    band = [root]
    if root.inits:
        return band
    while True:
        ops = list(band[-1].body.block.ops)
        if (
            len(ops) == 2
            and isinstance(ops[0], xaffine.ForOp)
            and not ops[0].inits
            and isinstance(ops[1], xaffine.YieldOp)
            and not ops[1].operands
        ):
            band.append(ops[0])
        else:
            return band


def induction_var(loop: xaffine.ForOp) -> BlockArgument:
    return loop.body.block.args[0]


def iv_name(loop: xaffine.ForOp) -> str:
    """How diagnostics name a loop: by its induction variable, as the user wrote it."""
    hint = induction_var(loop).name_hint
    return f"'%{hint}'" if hint else "an induction variable"


def bounds_use(loop: xaffine.ForOp, others: Sequence[xaffine.ForOp]) -> xaffine.ForOp | None:
    """The first of `others` whose induction variable `loop`'s bounds read, if any."""
    operands = set(loop.lowerBoundOperands) | set(loop.upperBoundOperands)
    return next((o for o in others if o is not loop and induction_var(o) in operands), None)


def constant_bounds(loop: xaffine.ForOp) -> tuple[int, int] | None:
    """(lower, upper) when both bounds are constants (max / min of constants)."""
    lbs = [e.value for e in loop.lowerBoundMap.data.results if isinstance(e, AffineConstantExpr)]
    ubs = [e.value for e in loop.upperBoundMap.data.results if isinstance(e, AffineConstantExpr)]
    if len(lbs) != len(loop.lowerBoundMap.data.results) or not lbs:
        return None
    if len(ubs) != len(loop.upperBoundMap.data.results) or not ubs:
        return None
    return max(lbs), min(ubs)


def step_of(loop: xaffine.ForOp) -> int:
    return loop.step.value.data


def constant_trip_count(loop: xaffine.ForOp) -> int | None:
    bounds = constant_bounds(loop)
    if bounds is None:
        return None
    lb, ub = bounds
    return max(0, -((lb - ub) // step_of(loop)))


def constant_map(value: int) -> AffineMap:
    return AffineMap(0, 0, (AffineExpr.constant(value),))


def build_for(
    lower: AffineMap,
    lower_operands: Sequence[SSAValue],
    upper: AffineMap,
    upper_operands: Sequence[SSAValue],
    step: int,
    inits: Sequence[SSAValue] = (),
    like: Operation | None = None,
) -> ForOp:
    """An `affine.for` with an empty body block (induction variable and iter_args).

    `like` lends the new loop its source location, so that diagnostics about
    the transformed loop still point at the user's source.
    """
    block = Block(arg_types=[IndexType(), *(v.type for v in inits)])
    loop = ForOp.build(
        operands=[list(lower_operands), list(upper_operands), list(inits)],
        result_types=[[v.type for v in inits]],
        properties={
            "lowerBoundMap": AffineMapAttr(lower),
            "upperBoundMap": AffineMapAttr(upper),
            "step": IntegerAttr.from_index_int_value(step),
        },
        regions=[Region(block)],
    )
    if like is not None:
        loop.location = like.location
        if isinstance(like, xaffine.ForOp):
            old_args = like.body.block.args
            if len(old_args) == len(block.args):
                for old, new in zip(old_args, block.args, strict=True):
                    new.name_hint = old.name_hint
            else:
                block.args[0].name_hint = induction_var(like).name_hint
    return loop


def copy_for(loop: xaffine.ForOp, inits: Sequence[SSAValue] = (), step: int | None = None) -> ForOp:
    """An empty loop with the bounds (and, unless given, the step) of `loop`."""
    return build_for(
        loop.lowerBoundMap.data,
        loop.lowerBoundOperands,
        loop.upperBoundMap.data,
        loop.upperBoundOperands,
        step_of(loop) if step is None else step,
        inits,
        like=loop,
    )


def move_body(source: Block, dest: Block, replace_args: bool = True) -> None:
    """Move every op of `source` (terminator included) to the end of `dest`,
    and (unless told not to) make the uses of `source`'s arguments use `dest`'s."""
    for op in list(source.ops):
        op.detach()
        dest.add_op(op)
    if replace_args:
        for old, new in zip(source.args, dest.args, strict=True):
            old.replace_all_uses_with(new)


def nest(loops: Sequence[ForOp]) -> None:
    """Put each loop in the body of the previous one, each followed by `affine.yield`."""
    for outer, inner in itertools.pairwise(loops):
        outer.body.block.add_ops([inner, xaffine.YieldOp.get(*inner.results)])


# ------------------------------------------------------------------ linear forms


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
class _Nest:
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


# ------------------------------------------------------------- memory accesses

_STRUCTURAL = frozenset(
    {
        "affine.for",
        "affine.parallel",
        "affine.if",
        "affine.yield",
        "scf.for",
        "scf.if",
        "scf.parallel",
        "scf.yield",
        "scf.reduce",
        "scf.reduce.return",
    }
)
"""Ops whose memory effects are those of the ops they contain (walked separately)."""

@dataclass(frozen=True)
class Access:
    """One op that touches memory inside the analysed nest.

    `memref` is None for an op whose effects are unknown (it may touch any
    memory); `subscripts` is None when the element touched is unknown, and a
    single subscript is None when it is not an affine function of the loops.
    """

    op: Operation
    memref: SSAValue | None
    subscripts: tuple[LinearForm | None, ...] | None
    writes: bool

    def describe(self) -> str:
        loc = location_of(self.op)
        where = f" at {loc.line}:{loc.col}" if loc is not None else ""
        return f"'{self.op.name}'{where}"


def _access(op: Operation, nest_: _Nest) -> Access | None:
    """The access `op` makes, or None when it touches no memory."""
    match op:
        case xaffine.LoadOp() | xaffine.StoreOp():
            forms = nest_.forms_of_map(op.map.data, op.indices)
            return Access(op, op.memref, tuple(forms), isinstance(op, xaffine.StoreOp))
        case _ if op.name in ("memref.load", "memref.store"):
            memref = op.operands[0] if op.name == "memref.load" else op.operands[1]
            indices = op.operands[1:] if op.name == "memref.load" else op.operands[2:]
            forms = tuple(nest_.form_of_value(v) for v in indices)
            return Access(op, memref, forms, op.name == "memref.store")
        case _ if op.name in ("affine.vector_load", "affine.vector_store"):
            return Access(op, op.operands[1 if "store" in op.name else 0], None, "store" in op.name)
        case _ if op.name in _STRUCTURAL:
            return None
        case _:
            pass
    kinds = effect_kinds(op)
    if kinds is not None and kinds <= {MemoryEffectKind.ALLOC}:
        return None
    return Access(op, None, None, not reads_only(op))


def accesses(nest_: _Nest) -> list[Access]:
    """Every memory access in the body of the innermost loop of the nest."""
    found: list[Access] = []
    for op in nest_.loops[-1].body.walk():
        if (access := _access(op, nest_)) is not None:
            found.append(access)
    return found


def _distinct_allocation(value: SSAValue) -> bool:
    """A function argument or an allocation: assumed not to alias another one."""
    if isinstance(value, BlockArgument):
        return isinstance(value.owner.parent_op(), func.FuncOp)
    return isinstance(value.owner, Operation) and is_allocation(value.owner)


# ------------------------------------------------------------------ dependences


@dataclass(frozen=True)
class Dependence:
    """Two accesses that may touch the same element, one of them a write.

    `distances[k]` is (iteration of `second`) - (iteration of `first`) in the
    induction variable of loop k, or None when it is unknown ("*"). The
    dependence runs from whichever access executes first, so it stands for
    the distance vector `d` when `d` is lexicographically positive, and `-d`
    otherwise; a zero vector is a dependence within one iteration, which no
    loop transformation here reorders.
    """

    first: Access
    second: Access
    distances: tuple[int | None, ...]

    def carried_vectors(self) -> Iterator[tuple[int, ...]]:
        """The sign vectors (-1/0/1 per loop) this dependence may have, each
        lexicographically positive (oriented from the earlier access)."""
        choices = [(-1, 0, 1) if d is None else (_sign(d),) for d in self.distances]
        seen: set[tuple[int, ...]] = set()
        for signs in itertools.product(*choices):
            first_nonzero = next((s for s in signs if s), 0)
            if first_nonzero == 0:
                continue
            oriented = signs if first_nonzero > 0 else tuple(-s for s in signs)
            if oriented not in seen:
                seen.add(oriented)
                yield oriented

    def describe(self) -> str:
        return f"between {self.first.describe()} and {self.second.describe()}"


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def format_vector(signs: Sequence[int]) -> str:
    """A direction vector as MLIR's dependence analysis writes one: (<, =, >)."""
    return "(" + ", ".join("<" if s > 0 else "=" if s == 0 else ">" for s in signs) + ")"


def lexicographically_positive(signs: Sequence[int]) -> bool:
    return next((s for s in signs if s), 0) > 0


def dependences(loops: Sequence[xaffine.ForOp]) -> list[Dependence]:
    """The dependences between the accesses in the body of `loops[-1]`, as
    distance vectors over `loops` (a perfect nest, outermost first).

    Values defined outside `loops[0]` are the same in both iterations
    compared; loops enclosing the nest therefore count as fixed, which is
    right for transformations of the nest alone.
    """
    nest_ = _Nest(tuple(loops))
    found = accesses(nest_)
    trip_counts = [nest_.trip_count(loop) for loop in loops]
    steps = [step_of(loop) for loop in loops]
    result: list[Dependence] = []
    for i, a in enumerate(found):
        for b in found[i:]:
            if not (a.writes or b.writes):
                continue
            distances = _distances(a, b, trip_counts, steps)
            if distances is None:
                continue
            distances = _within_bounds(distances, trip_counts, steps)
            if distances is not None:
                result.append(Dependence(a, b, distances))
    return result


def _within_bounds(
    distances: tuple[int | None, ...], trip_counts: Sequence[int | None], steps: Sequence[int]
) -> tuple[int | None, ...] | None:
    """Refine with each loop's step and trip count (or a bound on it); None when no
    iterations fit."""
    refined: list[int | None] = []
    for d, count, step in zip(distances, trip_counts, steps, strict=True):
        if count == 0:
            return None
        if d is not None and (d % step or (count is not None and abs(d) >= count * step)):
            return None
        refined.append(0 if count == 1 else d)
    return tuple(refined)


def _distances(
    a: Access, b: Access, trip_counts: Sequence[int | None], steps: Sequence[int]
) -> tuple[int | None, ...] | None:
    """Distances of a dependence between `a` and `b`; None when they are independent."""
    unknown: tuple[int | None, ...] = (None,) * len(steps)
    if a.memref is None or b.memref is None:
        return unknown
    if a.memref is not b.memref:
        if _distinct_allocation(a.memref) and _distinct_allocation(b.memref):
            return None
        return unknown
    if a.subscripts is None or b.subscripts is None:
        return unknown
    distances: list[int | None] = list(unknown)
    for fa, fb in zip(a.subscripts, b.subscripts, strict=True):
        if fa is None or fb is None or fa.invariant_part() != fb.invariant_part():
            continue
        # fa.const + sum(ca[k] * x[k]) + sum(la[m] * r[m])
        #   == fb.const + sum(cb[k] * y[k]) + sum(lb[m] * s[m]),
        # the inner loops' offsets r (in a) and s (in b) unrelated to each other.
        ca, cb = fa.loop_part(), fb.loop_part()
        la, lb = fa.local_part(), fb.local_part()
        delta = fa.const - fb.const
        gcd = math.gcd(*ca.values(), *cb.values(), *la.values(), *lb.values())
        if (gcd and delta % gcd) or (not gcd and delta):
            return None
        # sum(cb[k] * y[k]) - sum(ca[k] * x[k]) lies in [low, high].
        low, high = _offset_range(la, lb, delta)
        if low is not None and high is not None and low > high:
            return None  # an inner loop that never runs
        if not ca and not cb:
            if (low is not None and low > 0) or (high is not None and high < 0):
                return None
            continue
        if ca == cb and len(ca) == 1:
            # c * (y[k] - x[k]) in [low, high]: the distances in loop k it allows.
            ((k, c),) = ca.items()
            options = _distance_options(c, low, high, steps[k], trip_counts[k])
            if options is not None and not options:
                return None
            if options is None or len(options) > 1:
                continue
            distance = options[0]
            if distances[k] is not None and distances[k] != distance:
                return None
            distances[k] = distance
    return tuple(distances)


def _offset_range(
    la: dict[Local, int], lb: dict[Local, int], delta: int
) -> tuple[int | None, int | None]:
    """The range of `delta + sum(la[m] * r[m]) - sum(lb[m] * s[m])` (None: unbounded)."""
    low: int | None = delta
    high: int | None = delta
    for terms, sign in ((la, 1), (lb, -1)):
        for var, coeff in terms.items():
            c = sign * coeff
            least, most = (var.low, var.high) if c > 0 else (var.high, var.low)
            low = None if low is None or least is None else low + c * least
            high = None if high is None or most is None else high + c * most
    return low, high


def _distance_options(
    coeff: int, low: int | None, high: int | None, step: int, trip_count: int | None
) -> list[int] | None:
    """The distances `d` in a loop of `step` and `trip_count` with `coeff * d`
    in [low, high]: all of them when at most one, else None (several)."""
    if coeff < 0:
        coeff, low, high = -coeff, None if high is None else -high, None if low is None else -low
    least = None if low is None else -(-low // coeff)
    most = None if high is None else high // coeff
    if trip_count is not None:
        reach = max(trip_count - 1, -1) * step
        least = -reach if least is None else max(least, -reach)
        most = reach if most is None else min(most, reach)
    if least is None or most is None:
        return None
    first = -(-least // step) * step
    if first > most:
        return []
    return [first] if first + step > most else None


def first_violation(
    deps: Sequence[Dependence], new_order: Sequence[int]
) -> tuple[Dependence, tuple[int, ...], tuple[int, ...]] | None:
    """A dependence that loops reordered to `new_order` (new_order[p] = old
    position of the loop now at p) would reverse, with its vector before and after."""
    for dep in deps:
        for signs in dep.carried_vectors():
            permuted = tuple(signs[old] for old in new_order)
            if not lexicographically_positive(permuted):
                return dep, signs, permuted
    return None


def carried_dependence(loop: xaffine.ForOp) -> Dependence | None:
    """A dependence between iterations of `loop` (its enclosing loops fixed), if any."""
    for dep in dependences([loop]):
        if next(dep.carried_vectors(), None) is not None:
            return dep
    return None
