"""`affine-loop-interchange`: permute the loops of every outermost perfect band.

The permutation follows MLIR's `permuteLoops`: loop `i` of the band
(outermost is 0) moves to position `permutation[i]`. So on a band `i, j, k`,
`permutation=2,0,1` gives `j, k, i`.

A permutation is legal when every dependence between iterations of the band
stays lexicographically positive once its direction vector is permuted the
same way; otherwise the pass refuses, naming the dependence. The vectors come
from `affine_analysis.dependences`, which answers "*" where it cannot tell, so
an interchange it accepts never changes the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.affine import ForOp
from ziggurat.passes.affine.dependence import dependences, first_violation, format_vector
from ziggurat.passes.affine.loop_band import (
    copy_for,
    induction_var,
    iv_name,
    move_body,
    nest,
    outermost_loops,
    perfect_band,
)


@dataclass(frozen=True)
class AffineLoopInterchangePass(ModulePass):
    """Permute perfect affine.for bands (loop i moves to position permutation[i]), if legal.

    Applies to the first `len(permutation)` loops of every outermost perfect
    band that has at least that many; shallower bands are left as they are.
    """

    name = "affine-loop-interchange"

    permutation: tuple[int, ...] = (1, 0)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        perm = tuple(self.permutation)
        if sorted(perm) != list(range(len(perm))):
            raise CompileError(
                f"permutation={','.join(map(str, perm))} is not a permutation of 0..{len(perm) - 1}"
            )
        if perm == tuple(range(len(perm))):
            return
        for root in outermost_loops(op):
            band = perfect_band(root)
            if len(band) >= len(perm):
                interchange(band[: len(perm)], perm)


def interchange(band: Sequence[xaffine.ForOp], perm: Sequence[int]) -> list[ForOp]:
    """Permute the perfect nest `band` (loop i to position perm[i]); returns the
    new loops, outermost first. Raises a located CompileError when illegal."""
    spelled = ",".join(map(str, perm))
    order = sorted(range(len(perm)), key=lambda k: perm[k])  # order[p]: old loop now at p
    for k, loop in enumerate(band):
        bound_operands = (*loop.lowerBoundOperands, *loop.upperBoundOperands)
        for j in range(k):
            if perm[j] > perm[k] and induction_var(band[j]) in bound_operands:
                raise CompileError(
                    f"cannot interchange '{loop.name}' with permutation={spelled}: its bounds "
                    f"depend on {iv_name(band[j])}, the induction variable of an enclosing "
                    "loop of the band, which the permutation would move inside it",
                    loop,
                )
    violation = first_violation(dependences(band), order)
    if violation is not None:
        dep, before, after = violation
        raise CompileError(
            f"cannot interchange '{band[0].name}' with permutation={spelled}: the dependence "
            f"{dep.describe()} has direction {format_vector(before)}, which would become "
            f"{format_vector(after)} (a dependence running backwards in time)",
            band[0],
        )
    new_loops = [copy_for(band[old]) for old in order]
    nest(new_loops)
    for k, loop in enumerate(band):
        induction_var(loop).replace_all_uses_with(induction_var(new_loops[perm[k]]))
    move_body(band[-1].body.block, new_loops[-1].body.block, replace_args=False)
    root = band[0]
    parent = root.parent_block()
    assert parent is not None
    parent.insert_op_before(new_loops[0], root)
    root.detach()
    root.erase()
    return new_loops
