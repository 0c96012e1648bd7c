"""`affine-loop-unroll`: replicate the body of innermost affine.for loops.

Unrolling by `f` turns `for %i = lb to ub step s` into a loop stepping by
`s*f` whose body holds `f` copies of the original, copy `k` reading
`%i + k*s` (an `affine.apply`) and the iter_args the previous copy yielded,
followed by a remainder loop, stepping by `s`, for the last
`trip count mod f` iterations. Unrolling keeps the order of every
iteration, so it is always legal.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xaffine
from xdsl.dialects import arith
from xdsl.dialects.builtin import AffineMapAttr, IndexType, ModuleOp
from xdsl.ir import Block, Operation, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import ModulePass

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.affine import ApplyOp, ForOp
from ziggurat.passes.affine.loop_band import (
    build_for,
    constant_bounds,
    constant_map,
    constant_trip_count,
    induction_var,
    move_body,
    step_of,
)

DEFAULT_UNROLL_FACTOR = 4


@dataclass(frozen=True)
class AffineLoopUnrollPass(ModulePass):
    """Unroll innermost affine.for loops by `factor` (remainder loop), or fully with `full`.

    `full=true` unrolls innermost loops whose trip count is a constant
    completely and leaves the others. Loops with fewer iterations than
    `factor` are left as they are, as in MLIR.
    """

    name = "affine-loop-unroll"

    factor: int = DEFAULT_UNROLL_FACTOR
    full: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.factor < 1:
            raise CompileError(f"factor must be at least 1, got {self.factor}")
        for loop in innermost_loops(op):
            if self.full:
                if constant_trip_count(loop) is not None:
                    unroll_full(loop)
            else:
                unroll_by_factor(loop, self.factor)


def innermost_loops(root: Operation) -> list[xaffine.ForOp]:
    """The `affine.for` ops under `root` with no loop (for or parallel) inside."""
    return [
        op
        for op in root.walk()
        if isinstance(op, xaffine.ForOp)
        and not any(inner.name in ("affine.for", "affine.parallel") for inner in op.body.walk())
    ]


def unroll_by_factor(loop: xaffine.ForOp, factor: int) -> ForOp | None:
    """Unroll `loop` by `factor`; returns the unrolled loop, or None when unchanged."""
    if factor == 1 or _has_empty_body(loop):
        return None
    step = step_of(loop)
    trip_count = constant_trip_count(loop)
    bounds = constant_bounds(loop)
    if trip_count is not None and bounds is not None:
        lb = bounds[0]
        if trip_count < factor:
            return None
        split = lb + (trip_count // factor) * factor * step
        main_upper: tuple[AffineMap, list[SSAValue]] = (constant_map(split), [])
        remainder_lower = main_upper if trip_count % factor else None
        if remainder_lower is None:
            main_upper = (loop.upperBoundMap.data, list(loop.upperBoundOperands))
    else:
        main_upper, remainder_lower = _split_bounds(loop, factor)
    main = build_for(
        loop.lowerBoundMap.data,
        loop.lowerBoundOperands,
        *main_upper,
        step * factor,
        loop.inits,
        like=loop,
    )
    remainder = None
    if remainder_lower is not None:
        remainder = build_for(
            *remainder_lower,
            loop.upperBoundMap.data,
            loop.upperBoundOperands,
            step,
            main.results,
            like=loop,
        )
        _clone_body(loop.body.block, remainder.body.block)
    move_body(loop.body.block, main.body.block)
    _replicate(main.body.block, factor, step)
    parent = loop.parent_block()
    assert parent is not None
    parent.insert_ops_before([main] if remainder is None else [main, remainder], loop)
    last = main if remainder is None else remainder
    for old, new in zip(loop.results, last.results, strict=True):
        old.replace_all_uses_with(new)
    loop.detach()
    loop.erase()
    return main


def _has_empty_body(loop: xaffine.ForOp) -> bool:
    first = loop.body.block.first_op
    return isinstance(first, xaffine.YieldOp) and first.next_op is None


def _split_bounds(
    loop: xaffine.ForOp, factor: int
) -> tuple[tuple[AffineMap, list[SSAValue]], tuple[AffineMap, list[SSAValue]]]:
    """For bounds only known at run time: the main loop's upper bound
    `lb + ((ub - lb) floordiv (s*f)) * (s*f)` and the remainder's lower bound,
    the max of that and `lb` (the main loop may run no iteration)."""
    lower, upper = loop.lowerBoundMap.data, loop.upperBoundMap.data
    if len(lower.results) != 1 or len(upper.results) != 1:
        raise CompileError(
            f"cannot unroll '{loop.name}' by a factor: its trip count is not a constant and "
            "its lower bound is a max or its upper bound a min of several expressions, so "
            "the remainder loop's lower bound (a min) cannot be written as an affine bound; "
            "tile sizes that divide the trip count avoid such bounds",
            loop,
        )
    # One map over the operands of both bounds: dims of lb, dims of ub, syms of lb, syms of ub.
    lb = lower.results[0].replace_dims_and_symbols(
        [AffineExpr.dimension(d) for d in range(lower.num_dims)],
        [AffineExpr.symbol(s) for s in range(lower.num_symbols)],
    )
    ub = upper.results[0].replace_dims_and_symbols(
        [AffineExpr.dimension(lower.num_dims + d) for d in range(upper.num_dims)],
        [AffineExpr.symbol(lower.num_symbols + s) for s in range(upper.num_symbols)],
    )
    width = step_of(loop) * factor
    split = lb + ((ub - lb) // width) * width
    num_dims = lower.num_dims + upper.num_dims
    num_symbols = lower.num_symbols + upper.num_symbols
    lb_ops, ub_ops = list(loop.lowerBoundOperands), list(loop.upperBoundOperands)
    operands = [
        *lb_ops[: lower.num_dims],
        *ub_ops[: upper.num_dims],
        *lb_ops[lower.num_dims :],
        *ub_ops[upper.num_dims :],
    ]
    main_upper = AffineMap(num_dims, num_symbols, (split,))
    remainder_lower = AffineMap(num_dims, num_symbols, (lb, split))
    return (main_upper, operands), (remainder_lower, operands)


def _clone_body(source: Block, dest: Block) -> None:
    """Copy every op of `source` into `dest`, reading `dest`'s arguments."""
    mapper: dict[SSAValue, SSAValue] = dict(zip(source.args, dest.args, strict=True))
    for op in source.ops:
        dest.add_op(op.clone(mapper))


def _replicate(body: Block, factor: int, step: int) -> None:
    """Append copies 1..factor-1 of `body`'s ops before its yield, threading
    the iter_args, and make the yield return what the last copy computed."""
    yield_op = body.last_op
    assert isinstance(yield_op, xaffine.YieldOp)
    template = [op for op in body.ops if op is not yield_op]
    iv, iter_args = body.args[0], body.args[1:]
    current = list(yield_op.operands)
    for k in range(1, factor):
        shifted = ApplyOp(
            [iv], AffineMapAttr(AffineMap(1, 0, (AffineExpr.dimension(0) + k * step,)))
        )
        body.insert_op_before(shifted, yield_op)
        mapper: dict[SSAValue, SSAValue] = {iv: shifted.result}
        mapper.update(zip(iter_args, current, strict=True))
        for op in template:
            body.insert_op_before(op.clone(mapper), yield_op)
        current = [mapper.get(v, v) for v in yield_op.operands]
    yield_op.operands = current


def unroll_full(loop: xaffine.ForOp) -> None:
    """Replace `loop` (constant trip count) by one copy of its body per iteration."""
    bounds = constant_bounds(loop)
    trip_count = constant_trip_count(loop)
    assert bounds is not None and trip_count is not None
    body = loop.body.block
    yield_op = body.last_op
    assert isinstance(yield_op, xaffine.YieldOp)
    parent = loop.parent_block()
    assert parent is not None
    current = list(loop.inits)
    for k in range(trip_count):
        value = arith.ConstantOp.from_int_and_width(bounds[0] + k * step_of(loop), IndexType())
        parent.insert_op_before(value, loop)
        mapper: dict[SSAValue, SSAValue] = {induction_var(loop): value.result}
        mapper.update(zip(body.args[1:], current, strict=True))
        for op in body.ops:
            if op is not yield_op:
                parent.insert_op_before(op.clone(mapper), loop)
        current = [mapper.get(v, v) for v in yield_op.operands]
    for old, new in zip(loop.results, current, strict=True):
        old.replace_all_uses_with(new)
    loop.detach()
    loop.erase()
