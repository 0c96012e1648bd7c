"""Memory accesses of a loop nest and the dependence test between them.

Shared by the two passes that must prove a transformation legal,
`affine-loop-interchange` and `affine-parallelize`, so that they agree on what
a dependence is.

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from xdsl.dialects import affine as xaffine
from xdsl.dialects import func
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.traits import MemoryEffectKind

from ziggurat.diagnostics import location_of
from ziggurat.dialects.memory_effects import effect_kinds, is_allocation, reads_only
from ziggurat.passes.affine.linear_form import LinearForm, Local, LoopNest
from ziggurat.passes.affine.loop_band import step_of

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


def _access(op: Operation, nest_: LoopNest) -> Access | None:
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


def accesses(nest_: LoopNest) -> list[Access]:
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
    nest_ = LoopNest(tuple(loops))
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
