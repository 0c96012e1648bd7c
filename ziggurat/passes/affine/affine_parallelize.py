"""`affine-parallelize`: turn affine.for loops without loop-carried dependences
into `affine.parallel`.

A loop is parallel when no memory dependence runs between two of its
iterations (its enclosing loops fixed), as `affine_analysis` computes it,
and it carries no value through iter_args, unless `parallel-reductions` is
set and every iter_arg is a recognised reduction: its only use is
`%r = arith.<kind> %acc, %x` (either order) and `%r` is only yielded. Such a
loop becomes an `affine.parallel ... reduce ("<kind>")` yielding `%x`, and
the initial value is combined with the parallel result afterwards, as MLIR
does.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xaffine
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    ModuleOp,
    TensorType,
    i32,
    i64,
)
from xdsl.ir import Block, BlockArgument, Operation, Region
from xdsl.passes import ModulePass

from ziggurat.dialects.affine import REDUCTION_KINDS, ParallelOp
from ziggurat.dialects.arith import parallel_reduction_accepts
from ziggurat.passes.affine.dependence import carried_dependence
from ziggurat.passes.affine.loop_band import induction_var, step_of

COMBINER_KINDS: dict[str, str] = {
    "arith.addf": "addf",
    "arith.mulf": "mulf",
    "arith.maximumf": "maximumf",
    "arith.minimumf": "minimumf",
    "arith.addi": "addi",
    "arith.muli": "muli",
    "arith.andi": "andi",
    "arith.ori": "ori",
    "arith.maxsi": "maxs",
    "arith.minsi": "mins",
    "arith.maxui": "maxu",
    "arith.minui": "minu",
}
"""The arith ops that combine a reduction, and the `affine.parallel` kind of each."""


@dataclass(frozen=True)
class Reduction:
    """An iter_arg reduced by `combiner` (`%acc` combined with the value at `operand`)."""

    combiner: Operation
    kind: str
    operand: int


@dataclass(frozen=True)
class AffineParallelizePass(ModulePass):
    """Convert affine.for loops without loop-carried dependences to affine.parallel.

    Every loop is tested, loops around other loops included (the tile loops
    of a tiled nest). `max-nested` is the number of nested parallel loops to
    produce, outermost first, as in MLIR: a loop already under that many
    affine.parallel stays sequential (default: no bound);
    `parallel-reductions` also converts loops whose iter_args are reductions
    (add, mul, min, max, and, or).
    """

    name = "affine-parallelize"

    max_nested: int | None = None
    parallel_reductions: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        candidates: list[tuple[xaffine.ForOp, list[Reduction]]] = []
        for loop in op.walk():
            if not isinstance(loop, xaffine.ForOp):
                continue
            reductions = loop_reductions(loop) if self.parallel_reductions else []
            if reductions is None or len(reductions) != len(loop.inits):
                continue
            if carried_dependence(loop) is None:
                candidates.append((loop, reductions))
        for loop, reductions in candidates:  # outermost first: their conversion counts below
            if self.max_nested is None or _parallel_depth(loop) < self.max_nested:
                parallelize(loop, reductions)


def _parallel_depth(op: Operation) -> int:
    """How many affine.parallel ops enclose `op` within its function."""
    depth = 0
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, func.FuncOp):
        depth += parent.name == "affine.parallel"
        parent = parent.parent_op()
    return depth


def loop_reductions(loop: xaffine.ForOp) -> list[Reduction] | None:
    """The reduction each iter_arg of `loop` is, or None if one is not a reduction."""
    body = loop.body.block
    yield_op = body.last_op
    assert isinstance(yield_op, xaffine.YieldOp)
    found: list[Reduction] = []
    for acc, yielded in zip(body.args[1:], yield_op.operands, strict=True):
        reduction = _match_reduction(acc, yielded.owner, body, yield_op)
        if reduction is None:
            return None
        found.append(reduction)
    return found


def _match_reduction(
    acc: BlockArgument, combiner: Operation | Block, body: Block, yield_op: Operation
) -> Reduction | None:
    if not isinstance(combiner, Operation) or combiner.parent_block() is not body:
        return None
    kind = COMBINER_KINDS.get(combiner.name)
    if kind is None or len(combiner.operands) != 2 or len(combiner.results) != 1:
        return None
    uses = list(acc.uses)
    if len(uses) != 1 or uses[0].operation is not combiner:
        return None
    result_uses = list(combiner.results[0].uses)
    if len(result_uses) != 1 or result_uses[0].operation is not yield_op:
        return None
    if not parallel_reduction_accepts(kind, acc.type):
        return None
    other = 1 - uses[0].index
    if combiner.operands[other] is acc:
        return None
    return Reduction(combiner, kind, other)


def parallelize(loop: xaffine.ForOp, reductions: list[Reduction]) -> ParallelOp:
    """Replace `loop` by an equivalent one-dimensional `affine.parallel`."""
    lower, upper = loop.lowerBoundMap.data, loop.upperBoundMap.data
    body = Block(arg_types=[IndexType()])
    parallel = ParallelOp.build(
        operands=[[*loop.lowerBoundOperands, *loop.upperBoundOperands]],
        result_types=[[r.type for r in loop.results]],
        properties={
            "reductions": ArrayAttr(
                IntegerAttr(REDUCTION_KINDS.index(r.kind), i64) for r in reductions
            ),
            "lowerBoundsMap": AffineMapAttr(lower),
            "lowerBoundsGroups": _groups([len(lower.results)]),
            "upperBoundsMap": AffineMapAttr(upper),
            "upperBoundsGroups": _groups([len(upper.results)]),
            "steps": ArrayAttr([IntegerAttr(step_of(loop), i64)]),
        },
        regions=[Region(body)],
    )
    parallel.location = loop.location
    for old, new in zip(loop.results, parallel.results, strict=True):
        new.name_hint = old.name_hint
    body.args[0].name_hint = induction_var(loop).name_hint
    parent = loop.parent_block()
    assert parent is not None
    parent.insert_op_before(parallel, loop)
    # The initial values join the parallel results after the loop, combined as the loop did.
    finals = []
    for reduction, init, result in zip(reductions, loop.inits, parallel.results, strict=True):
        x = reduction.combiner.operands[reduction.operand]
        acc = reduction.combiner.operands[1 - reduction.operand]
        combined = reduction.combiner.clone({acc: init, x: result})
        parent.insert_op_before(combined, loop)
        finals.append(combined.results[0])
    old_body = loop.body.block
    yield_op = old_body.last_op
    assert isinstance(yield_op, xaffine.YieldOp)
    yield_op.operands = [r.combiner.operands[r.operand] for r in reductions]
    for reduction in reductions:
        reduction.combiner.detach()
        reduction.combiner.erase()
    induction_var(loop).replace_all_uses_with(body.args[0])
    for op in list(old_body.ops):
        op.detach()
        body.add_op(op)
    for old, new in zip(loop.results, finals, strict=True):
        old.replace_all_uses_with(new)
    loop.detach()
    loop.erase()
    return parallel


def _groups(sizes: list[int]) -> DenseIntOrFPElementsAttr:
    return DenseIntOrFPElementsAttr.from_list(TensorType(i32, [len(sizes)]), sizes)
