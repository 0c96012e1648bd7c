"""Kernel ops of the `ref` target's cuda threads: the scalar handlers run on
per-thread arrays, thread and block ids, `cuda.barrier`, and divergent
control flow.

A per-thread `scf.if` runs its then-region on the threads whose condition
holds and its else-region on the others, and merges the results; a loop with
per-thread bounds runs to the largest trip count, each thread taking part in
its own iterations. Divisors of inactive threads are replaced by 1 before a
division, their exponents by 0 before `ipowi`, so that only active threads
can fault.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects import affine, arith, scf
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.cuda import (
    BarrierOp,
    BlockDimOp,
    BlockIdOp,
    GridDimOp,
    LaneIdOp,
    ThreadIdOp,
)
from ziggurat.targets.ref import arith_ops
from ziggurat.targets.ref.affine_eval import compile_map
from ziggurat.targets.ref.cuda_threads import (
    Fragment,
    KernelHandler,
    KernelHandlers,
    Threads,
    View,
    entry,
)
from ziggurat.targets.ref.handlers import Env, Handler, OpHandlers, Results, Value, Values
from ziggurat.targets.ref.types import value_dtype

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: KernelHandlers = OpHandlers()

_DIVISIONS = frozenset(
    {
        "arith.divsi",
        "arith.divui",
        "arith.ceildivsi",
        "arith.ceildivui",
        "arith.floordivsi",
        "arith.remsi",
        "arith.remui",
    }
)

_AXES = {"x": 0, "y": 1, "z": 2}


def scalar_handler(handler: Handler[Interpreter, Operation], name: str) -> KernelHandler:
    """A scalar executor's handler run on per-thread arrays."""
    if name in _DIVISIONS or name == "math.ipowi":
        safe = 0 if name == "math.ipowi" else 1

        def guarded(k: Threads, env: Env, op: Operation, vals: Values) -> Results:
            b = vals[1]
            if k.lanes is not None and isinstance(b, np.ndarray):
                vals = [vals[0], np.where(k.mask, b, b.dtype.type(safe))]
            return handler(k.interp, env, op, vals)

        return guarded

    def run(k: Threads, env: Env, op: Operation, vals: Values) -> Results:
        return handler(k.interp, env, op, vals)

    return run


@HANDLERS.on(arith.SelectOp)
def _select(k: Threads, env: Env, op: arith.SelectOp, vals: Values) -> Results:
    c, a, b = vals
    if isinstance(a, View | Fragment):
        if not isinstance(c, np.ndarray):
            return (a if c else b,)
        return (k.select(op, c, a, b),)
    return arith_ops.select(k.interp, env, op, vals)


@HANDLERS.on(ThreadIdOp)
def _thread_id(k: Threads, env: Env, op: ThreadIdOp, vals: Values) -> Results:
    return (k.thread_id[_AXES[op.dim]],)


@HANDLERS.on(BlockIdOp)
def _block_id(k: Threads, env: Env, op: BlockIdOp, vals: Values) -> Results:
    return (k.block_id[_AXES[op.dim]],)


@HANDLERS.on(BlockDimOp)
def _block_dim(k: Threads, env: Env, op: BlockDimOp, vals: Values) -> Results:
    return (np.int64(k.block[_AXES[op.dim]]),)


@HANDLERS.on(GridDimOp)
def _grid_dim(k: Threads, env: Env, op: GridDimOp, vals: Values) -> Results:
    return (np.int64(k.grid[_AXES[op.dim]]),)


@HANDLERS.on(LaneIdOp)
def _lane_id(k: Threads, env: Env, op: LaneIdOp, vals: Values) -> Results:
    return (k.lane_id,)


@HANDLERS.on(BarrierOp)
def _barrier(k: Threads, env: Env, op: BarrierOp, vals: Values) -> Results:
    if k.lanes is None:
        return ()
    counts = np.bincount(k.block_of[k.lanes], minlength=k.blocks)
    partial = np.flatnonzero((counts > 0) & (counts < k.per_block))
    if partial.size:
        b = int(partial[0])
        raise CompileError(
            f"ref: 'cuda.barrier' reached by only some threads of block {k.block_coords(b)} "
            f"({int(counts[b])} of {k.per_block}): the others skip it, which CUDA leaves undefined",
            op,
        )
    return ()


# Control flow ---------------------------------------------------------------------------


@HANDLERS.on(scf.IfOp)
def _if(k: Threads, env: Env, op: scf.IfOp, vals: Values) -> Results:
    cond = vals[0]
    then_region, else_region = op.true_region, op.false_region
    if not isinstance(cond, np.ndarray):
        region = then_region if cond else else_region
        return k.run_block(entry(region, op), env) if region.blocks else []
    if k.covers(cond):
        return k.run_block(entry(then_region, op), env)
    taken = k.mask & cond
    if not taken.any():
        return k.run_block(entry(else_region, op), env) if else_region.blocks else []
    then_values = k.run_masked(entry(then_region, op), env, taken)
    if not else_region.blocks:
        return []
    else_values = k.run_masked(entry(else_region, op), env, k.mask & ~cond)
    return [k.select(op, cond, a, b) for a, b in zip(then_values, else_values, strict=True)]


def _loop(
    k: Threads,
    env: Env,
    op: scf.ForOp | affine.ForOp,
    lower: Value,
    upper: Value,
    step: Value,
    inits: Sequence[Value],
) -> Sequence[Value]:
    body = entry(op.regions[0], op)
    iv = body.args[0]
    make = value_dtype(iv.type, op).type
    lo, hi, st = k.uniform(lower), k.uniform(upper), k.uniform(step)
    if lo is not None and hi is not None and st is not None:
        if int(st) <= 0:
            raise CompileError(f"ref: '{op.name}' with a non-positive step ({int(st)})", op)
        current = inits
        for i in range(int(lo), int(hi), int(st)):
            current = k.run_block(body, env, [make(i), *current])
        return current
    n = k.count
    lower = np.broadcast_to(np.asarray(lower, np.int64), (n,))
    upper = np.broadcast_to(np.asarray(upper, np.int64), (n,))
    step = np.broadcast_to(np.asarray(step, np.int64), (n,))
    bad = k.mask & (step <= 0)
    if bad.any():
        t = int(np.flatnonzero(bad)[0])
        raise CompileError(
            f"ref: '{op.name}' with a non-positive step ({int(step[t])}) in {k.describe(t)}", op
        )
    safe = np.where(k.mask, step, 1)
    trips = np.where(k.mask & (upper > lower), (upper - lower + safe - 1) // safe, 0)
    current = inits
    for i in range(int(trips.max())):
        taking = trips > i
        ivs = (lower + i * step).astype(make)
        if k.covers(taking):
            current = k.run_block(body, env, [ivs, *current])
        else:
            out = k.run_masked(body, env, k.mask & taking, [ivs, *current])
            current = [k.select(op, taking, a, b) for a, b in zip(out, current, strict=True)]
    return current


@HANDLERS.on(scf.ForOp)
def _for(k: Threads, env: Env, op: scf.ForOp, vals: Values) -> Results:
    return _loop(k, env, op, vals[0], vals[1], vals[2], vals[3:])


def _fold(fn: Callable[[Value, Value], Value], values: Sequence[Value]) -> Value:
    result = values[0]
    for v in values[1:]:
        result = fn(result, v)
    return result


@HANDLERS.on(affine.ForOp)
def _affine_for(k: Threads, env: Env, op: affine.ForOp, vals: Values) -> Results:
    n_lb, n_ub = len(op.lowerBoundOperands), len(op.upperBoundOperands)
    lbs = compile_map(op.lowerBoundMap.data)(vals[:n_lb])
    ubs = compile_map(op.upperBoundMap.data)(vals[n_lb : n_lb + n_ub])
    lower, upper = _fold(np.maximum, lbs), _fold(np.minimum, ubs)
    return _loop(k, env, op, lower, upper, np.int64(op.step.value.data), vals[n_lb + n_ub :])


@HANDLERS.on(scf.WhileOp)
def _while(k: Threads, env: Env, op: scf.WhileOp, vals: Values) -> Results:
    before, after = entry(op.before_region, op), entry(op.after_region, op)
    saved = k.mask, k.lanes
    results: list | None = None
    args = vals
    try:
        while True:
            cond, *passed = k.run_block(before, env, args)
            if not isinstance(cond, np.ndarray):
                if not cond:
                    if results is not None:
                        pairs = zip(passed, results, strict=True)
                        passed = [k.select(op, k.mask, a, b) for a, b in pairs]
                    results = passed
                    break
                args = k.run_block(after, env, passed)
                continue
            leaving = k.mask & ~cond
            if leaving.any():
                if results is not None:
                    pairs = zip(passed, results, strict=True)
                    passed = [k.select(op, leaving, a, b) for a, b in pairs]
                results = passed
            staying = k.mask & cond
            if not staying.any():
                break
            if leaving.any():
                k.set_mask(staying)
            args = k.run_block(after, env, passed)
    finally:
        k.mask, k.lanes = saved
    return results
