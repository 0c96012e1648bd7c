"""The iteration spaces of `scf` and `affine` loops, read from their operands.

Each loop is described by one `(lower, upper, step)` per induction variable,
as Python ints. `affine` bounds are the max of the lower-bound map's results
and the min of the upper-bound map's (per group, for `affine.parallel`).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Block, Operation

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.affine_eval import compile_map

Range = tuple[int, int, int]

LOOPS = frozenset({"scf.for", "affine.for", "scf.parallel", "affine.parallel"})


def loop_ranges(op: Operation, vals: Sequence) -> list[Range]:
    """The `(lower, upper, step)` of each induction variable of a loop op."""
    name = op.name
    if name == "scf.for":
        ranges = [(int(vals[0]), int(vals[1]), int(vals[2]))]
    elif name == "affine.for":
        n_lb = len(op.lowerBoundOperands)  # pyright: ignore
        n_ub = len(op.upperBoundOperands)  # pyright: ignore
        lbs = compile_map(op.lowerBoundMap.data)(vals[:n_lb])  # pyright: ignore
        ubs = compile_map(op.upperBoundMap.data)(vals[n_lb : n_lb + n_ub])  # pyright: ignore
        ranges = [(int(max(lbs)), int(min(ubs)), op.step.value.data)]  # pyright: ignore
    elif name == "scf.parallel":
        n = len(op.lowerBound)  # pyright: ignore
        ranges = [(int(vals[k]), int(vals[n + k]), int(vals[2 * n + k])) for k in range(n)]
    else:
        ranges = _affine_parallel_ranges(op, vals)
    for _, _, step in ranges:
        if step <= 0:
            raise CompileError(f"ref: '{name}' with a non-positive step ({step})", op)
    return ranges


def _affine_parallel_ranges(op: Operation, vals: Sequence) -> list[Range]:
    lb_map = op.lowerBoundsMap.data  # pyright: ignore
    n_lb = lb_map.num_dims + lb_map.num_symbols
    lbs = compile_map(lb_map)(vals[:n_lb])
    ubs = compile_map(op.upperBoundsMap.data)(vals[n_lb:])  # pyright: ignore
    lb_groups = op.lowerBoundsGroups.get_values()  # pyright: ignore
    ub_groups = op.upperBoundsGroups.get_values()  # pyright: ignore
    steps = [s.value.data for s in op.steps]  # pyright: ignore
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


def bound_operands(op: Operation) -> Sequence:
    """The operands that give a loop its bounds (not its initial values)."""
    name = op.name
    if name == "scf.for":
        return op.operands[:3]
    if name == "affine.for":
        n = len(op.lowerBoundOperands) + len(op.upperBoundOperands)  # pyright: ignore
        return op.operands[:n]
    if name == "scf.parallel":
        return op.operands[: 3 * len(op.lowerBound)]  # pyright: ignore
    return op.operands


def carries_values(op: Operation) -> bool:
    """Whether a loop has iteration arguments or reductions."""
    return bool(op.results)
