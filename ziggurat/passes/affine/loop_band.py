"""Loop bands of `affine.for`: finding them, reading their bounds, rebuilding them.

Shared by `affine-loop-tile`, `affine-loop-interchange`, `affine-loop-unroll`
and `affine-parallelize`; `build_for`, `copy_for`, `nest` and `move_body`
rebuild a band for tiling and interchange.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import AffineMapAttr, IndexType, IntegerAttr
from xdsl.ir import Block, BlockArgument, Operation, Region, SSAValue
from xdsl.ir.affine import (
    AffineConstantExpr,
    AffineExpr,
    AffineMap,
)

from ziggurat.dialects.affine import ForOp


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
