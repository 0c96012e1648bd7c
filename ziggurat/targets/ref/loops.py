"""The iteration spaces of `scf` and `affine` loops, read from their operands.

Each loop is described by one `(lower, upper, step)` per induction variable,
as Python ints. `affine` bounds are the max of the lower-bound map's results
and the min of the upper-bound map's (per group, for `affine.parallel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from xdsl.dialects import affine, scf
from xdsl.ir import Block, Operation, SSAValue

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.affine_eval import compile_map

Range = tuple[int, int, int]

LoopOp: TypeAlias = scf.ForOp | affine.ForOp | scf.ParallelOp | affine.ParallelOp
"""The loops whose iteration space is read here."""

LOOPS = (scf.ForOp, affine.ForOp, scf.ParallelOp, affine.ParallelOp)
"""The classes of `LoopOp`, for `isinstance`."""


INDEX_MIN, INDEX_MAX = -(1 << 63), (1 << 63) - 1
"""`index` is 64 bits wide, as on every target ziggurat compiles for."""


def loop_ranges(op: LoopOp, vals: Sequence) -> list[Range]:
    """The `(lower, upper, step)` of each induction variable of a loop op."""
    name = op.name
    if isinstance(op, scf.ForOp):
        ranges = [(int(vals[0]), int(vals[1]), int(vals[2]))]
    elif isinstance(op, affine.ForOp):
        n_lb = len(op.lowerBoundOperands)
        n_ub = len(op.upperBoundOperands)
        lbs = compile_map(op.lowerBoundMap.data)(vals[:n_lb])
        ubs = compile_map(op.upperBoundMap.data)(vals[n_lb : n_lb + n_ub])
        ranges = [(int(max(lbs)), int(min(ubs)), op.step.value.data)]
    elif isinstance(op, scf.ParallelOp):
        n = len(op.lowerBound)
        ranges = [(int(vals[k]), int(vals[n + k]), int(vals[2 * n + k])) for k in range(n)]
    else:
        ranges = _affine_parallel_ranges(op, vals)
    for bounds in ranges:
        if bounds[2] <= 0:
            raise CompileError(f"ref: '{name}' with a non-positive step ({bounds[2]})", op)
        for bound in bounds:
            if not INDEX_MIN <= bound <= INDEX_MAX:
                raise CompileError(
                    f"ref: '{name}' has a bound or step of {bound}, outside the 64-bit "
                    "range of index",
                    op,
                )
    return ranges


def _affine_parallel_ranges(op: affine.ParallelOp, vals: Sequence) -> list[Range]:
    lb_map = op.lowerBoundsMap.data
    n_lb = lb_map.num_dims + lb_map.num_symbols
    lbs = compile_map(lb_map)(vals[:n_lb])
    ubs = compile_map(op.upperBoundsMap.data)(vals[n_lb:])
    lb_groups = op.lowerBoundsGroups.get_values()
    ub_groups = op.upperBoundsGroups.get_values()
    steps = [s.value.data for s in op.steps]
    ranges: list[Range] = []
    lo = hi = 0
    for k, step in enumerate(steps):
        lower = int(max(lbs[lo : lo + lb_groups[k]]))
        upper = int(min(ubs[hi : hi + ub_groups[k]]))
        lo += lb_groups[k]
        hi += ub_groups[k]
        ranges.append((lower, upper, step))
    return ranges


def trip_count(r: Range) -> int:
    lower, upper, step = r
    return max(0, -((lower - upper) // step))


def loop_body(op: Operation) -> Block:
    return op.regions[0].blocks[0]


def bound_operands(op: LoopOp) -> Sequence[SSAValue]:
    """The operands that give a loop its bounds (not its initial values)."""
    if isinstance(op, scf.ForOp):
        return op.operands[:3]
    if isinstance(op, affine.ForOp):
        n = len(op.lowerBoundOperands) + len(op.upperBoundOperands)
        return op.operands[:n]
    if isinstance(op, scf.ParallelOp):
        return op.operands[: 3 * len(op.lowerBound)]
    return op.operands


def carries_values(op: Operation) -> bool:
    """Whether a loop has iteration arguments or reductions."""
    return bool(op.results)
