"""`cuda.launch`: a SIMT interpreter that runs every thread of a grid at once.

All threads run in lock-step: every SSA value of a kernel is either a numpy
scalar (uniform: the same in every thread) or an array with one entry per
thread, so each op is one numpy call over all threads, and the `arith` and
`math` handlers of the scalar executor are reused as they are. Threads are
laid out block by block, each block's threads by linear id
`tx + bx * (ty + by * tz)`; a warp is 32 consecutive linear ids of a block.

Divergence is a mask of active threads. A per-thread `scf.if` runs its
then-region on the threads whose condition holds and its else-region on the
others, and merges the results; a loop with per-thread bounds runs to the
largest trip count, each thread taking part in its own iterations. Values of
inactive threads are don't-care: memory ops, bounds checks and division-by-
zero checks look only at active threads (the divisors of inactive threads
are replaced by 1 before a division, their exponents by 0 before `ipowi`).

CUDA's undefined behaviour is reported, located, rather than given a value:
a `cuda.barrier` that some threads of a block skip, a warp-collective op
(`cuda.shuffle`, `cuda.mma_*`) that some lanes of a warp skip, WMMA indices
that differ within a warp, out-of-bounds accesses. Races get one of the
outcomes CUDA allows: where several threads store to one address the last
thread's value lands, and atomics update in thread order. A shuffle whose
source lane lies outside the warp (or past the lanes of a block's last,
partial warp) reads the thread's own value; `idx` reads lane n mod 32.

Memory: global buffers are the host's `Buffer`s, shared by all threads;
shared memory has one copy per block and `memref.alloca` one per thread.
A memref in a kernel is a `View` of such storage whose offsets and sizes may
differ per thread (a subview at the block's tile). Uninitialised shared and
local memory has every bit set: NaN floats, -1 integers, true `i1`s.
Lanes of a warp hold WMMA fragments together, so a fragment is one 16x16
float32 tile per warp. Grids run in chunks of whole blocks (blocks are
independent in CUDA), which bounds the memory a large launch needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType
from xdsl.ir import Block, Operation, Region, SSAValue

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.cuda import FragmentType, KernelOp, memref_bytes
from ziggurat.hardware.cuda import (
    MAX_GRID_X,
    MAX_GRID_Y_Z,
    MAX_THREADS_PER_BLOCK,
    WARP_SIZE,
    architecture,
)
from ziggurat.targets.ref import arith_ops, control_ops, math_ops
from ziggurat.targets.ref.affine_eval import compile_map
from ziggurat.targets.ref.arith_ops import KIND_COMBINE, Handler, finish
from ziggurat.targets.ref.memory_ops import dropped_dims, result_shape
from ziggurat.targets.ref.plans import plan_block
from ziggurat.targets.ref.types import is_shaped, value_dtype
from ziggurat.targets.ref.values import Allocation, Buffer

CHUNK_THREADS = 1 << 16
"""Threads interpreted together: a launch runs in chunks of blocks of about this many."""

TILE = 16
"""The side of a WMMA tile (m16n16k16)."""

_TILE_RANGE = np.arange(TILE)

TERMINATORS = frozenset({"scf.yield", "scf.condition", "affine.yield", "cuda.return"})

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


def unsupported(op: Operation) -> CompileError:
    return CompileError(f"ref: cannot execute '{op.name}' in a cuda kernel", op)


# Runtime values -------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class View:
    """A memref in a kernel: per-thread offsets, strides and sizes into shared storage.

    `base` is the storage; where `owner` is set its first axis is per block
    (shared memory) or per thread (local memory) and `owner` gives each
    thread's row. `offsets` and `strides` are per dimension of the rest of
    `base`, `dims` names the base dimension of each view dimension, and
    `sizes` are the view's sizes. Each of them is a scalar or a per-thread array.
    """

    base: np.ndarray
    owner: np.ndarray | None
    offsets: tuple
    strides: tuple
    dims: tuple[int, ...]
    sizes: tuple
    allocation: Allocation
    identity: bool
    uniform: bool = field(init=False)

    @staticmethod
    def of(base: np.ndarray, owner: np.ndarray | None, allocation: Allocation) -> View:
        shape = base.shape if owner is None else base.shape[1:]
        rank = len(shape)
        return View(
            base,
            owner,
            (np.int64(0),) * rank,
            (np.int64(1),) * rank,
            tuple(range(rank)),
            tuple(np.int64(s) for s in shape),
            allocation,
            True,
        )

    def __post_init__(self) -> None:
        self.uniform = self.owner is None and not any(
            isinstance(x, np.ndarray) for x in (*self.offsets, *self.strides, *self.sizes)
        )
        """Whether every thread sees the same memref (a global buffer at uniform offsets)."""


@dataclass(eq=False, slots=True)
class Fragment:
    """A WMMA fragment: the 16x16 float32 tile each warp holds (`data[warp]`)."""

    data: np.ndarray


def _pick(x, sel: np.ndarray | None, extra: int = 0):
    """A per-thread field at the threads `sel`, with `extra` unit axes for broadcasting."""
    if isinstance(x, np.ndarray):
        if sel is not None:
            x = x[sel]
        if extra:
            x = x.reshape(x.shape + (1,) * extra)
    return x


def _uninitialised(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Memory with every bit set: NaN floats, -1 integers, true booleans."""
    if dtype == np.bool_:
        return np.ones(shape, np.bool_)
    raw = np.full((*shape, dtype.itemsize), 0xFF, np.uint8)
    return raw.view(dtype).reshape(shape)


# The threads of one chunk of a launch ---------------------------------------------------

KernelHandler = Callable[["Threads", dict, Operation, list], "Sequence | None"]
Step = tuple[KernelHandler, Operation, tuple[SSAValue, ...], tuple[SSAValue, ...]]


class Threads:
    """The threads of some whole blocks of a launch, their ids and the active mask."""

    def __init__(
        self,
        plans: dict[Block, tuple[list[Step], Operation | None]],
        grid: tuple[int, int, int],
        block: tuple[int, int, int],
        first_block: int,
        blocks: int,
        shared_bytes: int,
    ):
        self.plans = plans
        self.grid, self.block = grid, block
        self.first_block = first_block
        self.per_block = nt = block[0] * block[1] * block[2]
        self.blocks = blocks
        self.count = n = blocks * nt
        t = np.arange(n, dtype=np.int64)
        self.index = t
        self.block_of = t // nt
        linear = t % nt
        bx, by, _ = block
        self.thread_id = [
            _uniform_or(linear % bx),
            _uniform_or((linear // bx) % by),
            _uniform_or(linear // (bx * by)),
        ]
        gx, gy, _ = grid
        b = first_block + self.block_of
        self.block_id = [
            _uniform_or(b % gx),
            _uniform_or((b // gx) % gy),
            _uniform_or(b // (gx * gy)),
        ]
        lane = linear % WARP_SIZE
        self.lane = lane
        self.lane_id = _uniform_or(lane)
        self.warps_per_block = wpb = -(-nt // WARP_SIZE)
        self.warp = self.block_of * wpb + linear // WARP_SIZE
        self.warp_count = blocks * wpb
        w = np.arange(self.warp_count, dtype=np.int64)
        in_block = (w % wpb) * WARP_SIZE
        self.warp_first = (w // wpb) * nt + in_block
        self.warp_len = np.minimum(WARP_SIZE, nt - in_block)
        self.lane_count = self.warp_len[self.warp]
        """The number of lanes of each thread's warp (fewer than 32 in a block's last warp)."""
        self.shared_bytes = shared_bytes
        padded = -(-shared_bytes // 16) * 16
        self.dynamic = np.full((blocks, padded), 0xFF, np.uint8)
        self.mask = np.ones(n, np.bool_)
        self.lanes: np.ndarray | None = None
        """The active threads, or None when all are."""

    # Masks ---------------------------------------------------------------------------

    def set_mask(self, mask: np.ndarray) -> None:
        self.mask = mask
        self.lanes = None if mask.all() else np.flatnonzero(mask)

    def covers(self, cond: np.ndarray) -> bool:
        """Whether `cond` holds in every active thread."""
        return bool(cond.all() if self.lanes is None else cond[self.lanes].all())

    def first_active(self) -> int:
        return 0 if self.lanes is None else int(self.lanes[0])

    def uniform(self, x):
        """`x` as a scalar if every active thread has the same value, else None."""
        if not isinstance(x, np.ndarray):
            return x
        active = x if self.lanes is None else x[self.lanes]
        first = active[0]
        return first if bool((active == first).all()) else None

    def select(self, op: Operation, cond: np.ndarray, a, b):
        """Per thread, `a` where `cond` holds, else `b` (the merge of two paths)."""
        if a is b:
            return a
        if isinstance(a, Fragment):
            taken = np.bincount(self.warp[cond & self.mask], minlength=self.warp_count)
            active = self.active_warp_counts()
            if np.any((taken > 0) & (taken < active)):
                w = int(np.flatnonzero((taken > 0) & (taken < active))[0])
                raise CompileError(
                    f"ref: '{op.name}' merges WMMA fragments that differ between the lanes of "
                    f"{self.describe_warp(w)}",
                    op,
                )
            return Fragment(np.where((taken > 0)[:, None, None], a.data, b.data))
        if isinstance(a, View) or isinstance(b, View):
            raise CompileError(
                f"ref: '{op.name}' picks a different memref in different threads "
                "(not supported in a cuda kernel)",
                op,
            )
        dtype = a.dtype
        return np.where(cond, a, b).astype(dtype, copy=False)

    # Warps ---------------------------------------------------------------------------

    def active_warp_counts(self) -> np.ndarray:
        if self.lanes is None:
            return self.warp_len
        return np.bincount(self.warp[self.lanes], minlength=self.warp_count)

    def check_warps(self, op: Operation) -> np.ndarray | None:
        """The warps taking part in a warp-collective op (None: all); every lane must."""
        if self.lanes is None:
            return None
        counts = self.active_warp_counts()
        partial = (counts > 0) & (counts < self.warp_len)
        if partial.any():
            w = int(np.flatnonzero(partial)[0])
            raise CompileError(
                f"ref: '{op.name}' executed by only {int(counts[w])} of the "
                f"{int(self.warp_len[w])} lanes of {self.describe_warp(w)}: every lane of the "
                "warp must take part",
                op,
            )
        return np.flatnonzero(counts)

    def per_warp(self, op: Operation, x, warps: np.ndarray | None):
        """A value every lane of a warp must agree on, one per warp in `warps`."""
        if not isinstance(x, np.ndarray):
            return x
        firsts = self.warp_first if warps is None else self.warp_first[warps]
        lanes = self.index if self.lanes is None else self.lanes
        leader = x[self.warp_first][self.warp[lanes]]
        own = x[lanes]
        differ = (own != leader) & ~((own != own) & (leader != leader))
        if differ.any():
            t = int(lanes[np.flatnonzero(differ)[0]])
            raise CompileError(
                f"ref: '{op.name}' with values that differ between the lanes of "
                f"{self.describe_warp(int(self.warp[t]))} (a warp-wide operand)",
                op,
            )
        return x[firsts]

    # Messages ------------------------------------------------------------------------

    def block_coords(self, local_block: int) -> tuple[int, int, int]:
        gx, gy, _ = self.grid
        b = self.first_block + local_block
        return b % gx, (b // gx) % gy, b // (gx * gy)

    def describe(self, t: int) -> str:
        bx, by, _ = self.block
        linear = t % self.per_block
        thread = (linear % bx, (linear // bx) % by, linear // (bx * by))
        return f"thread {thread} of block {self.block_coords(t // self.per_block)}"

    def describe_warp(self, w: int) -> str:
        block = self.block_coords(w // self.warps_per_block)
        return f"warp {w % self.warps_per_block} of block {block}"

    # Running regions -----------------------------------------------------------------

    def _plan(self, block: Block) -> tuple[list[Step], Operation | None]:
        plan = plan_block(block, _handler_for, TERMINATORS)
        self.plans[block] = plan  # pyright: ignore[reportArgumentType]
        return plan  # pyright: ignore[reportReturnType]

    def run_block(self, block: Block, env: dict, args: Sequence = ()) -> list:
        for a, v in zip(block.args, args, strict=True):
            env[a] = v
        plan = self.plans.get(block)
        steps, terminator = plan if plan is not None else self._plan(block)
        for handler, op, operands, results in steps:
            out = handler(self, env, op, [env[v] for v in operands])
            if results:
                assert out is not None, op.name
                for r, v in zip(results, out, strict=True):
                    env[r] = v
        if terminator is None:
            return []
        return [env[v] for v in terminator.operands]

    def run_masked(self, block: Block, env: dict, mask: np.ndarray, args: Sequence = ()) -> list:
        saved = self.mask, self.lanes
        self.set_mask(mask)
        try:
            return self.run_block(block, env, args)
        finally:
            self.mask, self.lanes = saved


def _uniform_or(a: np.ndarray):
    """`a`'s only value as a scalar if all its entries are equal."""
    if a.size and bool((a == a[0]).all()):
        return np.int64(a[0])
    return a


def _entry(region: Region, op: Operation) -> Block:
    if len(region.blocks) != 1:
        raise CompileError(
            f"ref: cannot execute '{op.name}' with a multi-block region in a cuda kernel", op
        )
    return region.blocks[0]


# Handlers ------------------------------------------------------------------------------


def _wrap(handler: Handler, name: str) -> KernelHandler:
    """A scalar executor's handler run on per-thread arrays."""
    if name in _DIVISIONS or name == "math.ipowi":
        safe = 0 if name == "math.ipowi" else 1

        def guarded(k: Threads, env, op, vals):
            b = vals[1]
            if k.lanes is not None and isinstance(b, np.ndarray):
                vals = [vals[0], np.where(k.mask, b, b.dtype.type(safe))]
            return handler(None, env, op, vals)

        return guarded

    def run(k: Threads, env, op, vals):
        return handler(None, env, op, vals)

    return run


def _select(k: Threads, env, op, vals):
    c, a, b = vals
    if isinstance(a, View | Fragment):
        if not isinstance(c, np.ndarray):
            return (a if c else b,)
        return (k.select(op, c, a, b),)
    return arith_ops.HANDLERS["arith.select"](None, env, op, vals)


def _thread_id(k: Threads, env, op, vals):
    return (k.thread_id[_AXES[op.dim]],)


def _block_id(k: Threads, env, op, vals):
    return (k.block_id[_AXES[op.dim]],)


def _block_dim(k: Threads, env, op, vals):
    return (np.int64(k.block[_AXES[op.dim]]),)


def _grid_dim(k: Threads, env, op, vals):
    return (np.int64(k.grid[_AXES[op.dim]]),)


def _lane_id(k: Threads, env, op, vals):
    return (k.lane_id,)


def _barrier(k: Threads, env, op, vals):
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


# Control flow


def _if(k: Threads, env, op, vals):
    cond = vals[0]
    then_region, else_region = op.true_region, op.false_region
    if not isinstance(cond, np.ndarray):
        region = then_region if cond else else_region
        return k.run_block(_entry(region, op), env) if region.blocks else []
    if k.covers(cond):
        return k.run_block(_entry(then_region, op), env)
    taken = k.mask & cond
    if not taken.any():
        return k.run_block(_entry(else_region, op), env) if else_region.blocks else []
    then_values = k.run_masked(_entry(then_region, op), env, taken)
    if not else_region.blocks:
        return []
    else_values = k.run_masked(_entry(else_region, op), env, k.mask & ~cond)
    return [k.select(op, cond, a, b) for a, b in zip(then_values, else_values, strict=True)]


def _loop(k: Threads, env, op: Operation, lower, upper, step, inits: list) -> list:
    body = _entry(op.regions[0], op)
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


def _for(k: Threads, env, op, vals):
    return _loop(k, env, op, vals[0], vals[1], vals[2], vals[3:])


def _fold(fn, values):
    result = values[0]
    for v in values[1:]:
        result = fn(result, v)
    return result


def _affine_for(k: Threads, env, op, vals):
    n_lb, n_ub = len(op.lowerBoundOperands), len(op.upperBoundOperands)
    lbs = compile_map(op.lowerBoundMap.data)(vals[:n_lb])
    ubs = compile_map(op.upperBoundMap.data)(vals[n_lb : n_lb + n_ub])
    lower, upper = _fold(np.maximum, lbs), _fold(np.minimum, ubs)
    return _loop(k, env, op, lower, upper, np.int64(op.step.value.data), vals[n_lb + n_ub :])


def _while(k: Threads, env, op, vals):
    before, after = _entry(op.before_region, op), _entry(op.after_region, op)
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


# Memory


def _check_live(op: Operation, view: View) -> None:
    if view.allocation.freed:
        raise CompileError(
            f"ref: '{op.name}' uses {view.allocation.what} after it was deallocated", op
        )


def _access(k: Threads, op: Operation, view: View, idx: Sequence, may_be_uniform: bool = True):
    """The threads an access looks at (None: all, or all agree) and its checked base index."""
    _check_live(op, view)
    uniform = may_be_uniform and view.uniform and not any(isinstance(i, np.ndarray) for i in idx)
    sel = None if uniform else k.lanes
    picked = [_pick(i, sel) for i in idx]
    for dim, (i, size) in enumerate(zip(picked, view.sizes, strict=True)):
        size = _pick(size, sel)
        bad = (i < 0) | (i >= size)
        if np.any(bad):
            if isinstance(bad, np.ndarray):
                pos = int(np.flatnonzero(bad)[0])
                i = np.broadcast_to(i, bad.shape)[pos]
                size = np.broadcast_to(size, bad.shape)[pos]
                t = pos if sel is None else int(sel[pos])
            else:
                t = k.first_active()
            raise CompileError(
                f"ref: out-of-bounds access in '{op.name}': index {int(i)} is outside "
                f"[0, {int(size)}) in dimension {dim} ({k.describe(t)})",
                op,
            )
    return sel, _base_index(view, picked, sel)


def _base_index(view: View, idx: Sequence, sel: np.ndarray | None, extra: int = 0) -> tuple:
    if view.identity:
        index = list(idx)
    else:
        index = [_pick(o, sel, extra) for o in view.offsets]
        for v, d in enumerate(view.dims):
            index[d] = index[d] + idx[v] * _pick(view.strides[d], sel, extra)
    if view.owner is not None:
        index.insert(0, _pick(view.owner, sel, extra))
    return tuple(index)


def _spread(k: Threads, sel: np.ndarray | None, values):
    """Per-thread values computed at the threads `sel`, as an array over all threads."""
    if sel is None or not isinstance(values, np.ndarray):
        return values
    out = np.zeros(k.count, values.dtype)
    out[sel] = values
    return out


def _gather(k: Threads, op: Operation, view: View, idx: Sequence):
    sel, index = _access(k, op, view, idx)
    return _spread(k, sel, view.base[index])


def _scatter(k: Threads, op: Operation, view: View, idx: Sequence, value) -> None:
    sel, index = _access(k, op, view, idx, not isinstance(value, np.ndarray))
    value = _pick(value, sel)
    if isinstance(value, np.ndarray) and not any(isinstance(i, np.ndarray) for i in index):
        value = value[-1]  # every thread stores to one address: the last one's value lands
    view.base[index] = value


def _load(k: Threads, env, op, vals):
    return (_gather(k, op, vals[0], vals[1:]),)


def _store(k: Threads, env, op, vals):
    _scatter(k, op, vals[1], vals[2:], vals[0])
    return ()


def _affine_load(k: Threads, env, op, vals):
    return (_gather(k, op, vals[0], compile_map(op.map.data)(vals[1:])),)


def _affine_store(k: Threads, env, op, vals):
    _scatter(k, op, vals[1], compile_map(op.map.data)(vals[2:]), vals[0])
    return ()


def _atomic_rmw(k: Threads, env, op, vals):
    """One thread after another, in thread order, where several update one address."""
    value, view, *idx = vals
    sel, index = _access(k, op, view, idx, False)
    n = k.count if sel is None else len(sel)
    value = np.broadcast_to(_pick(value, sel), (n,))
    index = tuple(np.broadcast_to(i, (n,)) for i in index)
    keys = np.ravel_multi_index(index, view.base.shape)
    combine = KIND_COMBINE[op.kind_name]
    old = np.zeros(n, view.base.dtype)
    remaining = np.arange(n)
    while remaining.size:
        _, first = np.unique(keys[remaining], return_index=True)
        now = remaining[first]
        at = tuple(i[now] for i in index)
        current = view.base[at]
        old[now] = current
        view.base[at] = finish(combine(current, value[now]), op)
        remaining = np.delete(remaining, first)
    return (_spread(k, sel, old),)


def _static_or_dynamic(static: Sequence[int], dynamic: Sequence) -> list:
    values = iter(dynamic)
    return [next(values) if s == DYNAMIC_INDEX else np.int64(s) for s in static]


def _subview(k: Threads, env, op, vals):
    source: View = vals[0]
    _check_live(op, source)
    n_off, n_size = len(op.offsets), len(op.sizes)
    offsets = _static_or_dynamic(op.static_offsets.get_values(), vals[1 : 1 + n_off])
    static_sizes = op.static_sizes.get_values()
    sizes = _static_or_dynamic(static_sizes, vals[1 + n_off : 1 + n_off + n_size])
    strides = _static_or_dynamic(op.static_strides.get_values(), vals[1 + n_off + n_size :])
    for dim, (o, s, st, n) in enumerate(zip(offsets, sizes, strides, source.sizes, strict=True)):
        bad = (s < 0) | ((s > 0) & ((o < 0) | (st <= 0) | (o + (s - 1) * st >= n)))
        if isinstance(bad, np.ndarray) and k.lanes is not None:
            bad = bad & np.broadcast_to(k.mask, bad.shape)
        if np.any(bad):
            t = int(np.flatnonzero(bad)[0]) if isinstance(bad, np.ndarray) else k.first_active()
            o, s, st, n = (
                int(x[t]) if isinstance(x, np.ndarray) else int(x) for x in (o, s, st, n)
            )
            raise CompileError(
                f"ref: '{op.name}' slice out of bounds in dimension {dim}: offset {o}, size {s}, "
                f"stride {st} in a dimension of size {n} ({k.describe(t)})",
                op,
            )
    base_offsets = list(source.offsets)
    base_strides = list(source.strides)
    for v, d in enumerate(source.dims):
        base_offsets[d] = base_offsets[d] + offsets[v] * source.strides[d]
        base_strides[d] = source.strides[d] * strides[v]
    dropped = set(dropped_dims(static_sizes, op.results[0].type.get_shape()))
    kept = [v for v in range(len(sizes)) if v not in dropped]
    view = View(
        source.base,
        source.owner,
        tuple(base_offsets),
        tuple(base_strides),
        tuple(source.dims[v] for v in kept),
        tuple(sizes[v] for v in kept),
        source.allocation,
        False,
    )
    return (view,)


def _same_view(k: Threads, env, op, vals):
    return (vals[0],)


def _dim(k: Threads, env, op, vals):
    view, index = vals
    i = k.uniform(index)
    if i is None or not 0 <= int(i) < len(view.sizes):
        raise CompileError(
            f"ref: '{op.name}' of dimension {i} of a rank-{len(view.sizes)} memref", op
        )
    return (view.sizes[int(i)],)


def _alloca(k: Threads, env, op, vals):
    sizes = [k.uniform(v) for v in vals]
    if any(s is None for s in sizes):
        raise CompileError(f"ref: '{op.name}' with sizes that differ between threads", op)
    shape = result_shape(op, sizes)
    dtype = value_dtype(op.results[0].type, op)
    base = _uninitialised((k.count, *shape), dtype)
    return (View.of(base, k.index, Allocation(f"the local buffer of '{op.name}'")),)


def _shared_memory(k: Threads, env, op, vals):
    memref_type = op.results[0].type
    shape = tuple(memref_type.get_shape())
    base = _uninitialised((k.blocks, *shape), value_dtype(memref_type, op))
    return (View.of(base, k.block_of, Allocation(f"the shared memory of '{op.name}'")),)


def _dynamic_shared_memory(k: Threads, env, op, vals):
    memref_type = op.results[0].type
    offset = op.offset.value.data
    size = memref_bytes(memref_type)
    if offset + size > k.shared_bytes:
        raise CompileError(
            f"ref: '{op.name}' reaches byte {offset + size} of the dynamic shared memory; "
            f"the launch provides {k.shared_bytes}",
            op,
        )
    shape = tuple(memref_type.get_shape())
    raw = k.dynamic[:, offset : offset + size].view(value_dtype(memref_type, op))
    base = raw.reshape((k.blocks, *shape), copy=False)  # a view: overlapping views alias
    return (View.of(base, k.block_of, Allocation("the dynamic shared memory")),)


# Warps and tensor cores


def _shuffle(k: Threads, env, op, vals):
    value, offset = vals
    k.check_warps(op)
    if not isinstance(value, np.ndarray):
        return (value,)
    mode = op.mode.data.value
    lane = k.lane
    if mode == "xor":
        source = lane ^ offset
    elif mode == "down":
        source = lane + offset
    elif mode == "up":
        source = lane - offset
    else:
        source = np.broadcast_to(np.asarray(offset) & (WARP_SIZE - 1), lane.shape)
    inside = (source >= 0) & (source < k.lane_count)
    threads = np.where(inside, k.index - lane + source, k.index)
    return (value[threads],)


def _dp4a(k: Threads, env, op, vals):
    n_lhs = len(op.lhs_indices)
    lhs, rhs = vals[0], vals[1]
    lhs_idx, rhs_idx = vals[2 : 2 + n_lhs], vals[2 + n_lhs : -1]
    total = np.asarray(vals[-1]).astype(np.int64)
    for t in range(4):
        a = _gather(k, op, lhs, [*lhs_idx[:-1], lhs_idx[-1] + t])
        b = _gather(k, op, rhs, [*rhs_idx[:-1], rhs_idx[-1] + t])
        total = total + np.asarray(a).astype(np.int64) * np.asarray(b).astype(np.int64)
    return (finish(total.astype(np.int32), op),)


def _tile_index(k: Threads, op: Operation, view: View, i, j, warps: np.ndarray | None) -> tuple:
    """The checked base index of the 16x16 tile at [i, j] of each warp in `warps`."""
    _check_live(op, view)
    i, j = k.per_warp(op, i, warps), k.per_warp(op, j, warps)
    firsts = k.warp_first if warps is None else k.warp_first[warps]
    for dim, start in enumerate((i, j)):
        size = _pick(view.sizes[dim], firsts)
        bad = np.broadcast_to((start < 0) | (start + TILE > size), firsts.shape)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            start = np.broadcast_to(start, bad.shape)[pos]
            size = np.broadcast_to(size, bad.shape)[pos]
            w = int(warps[pos]) if warps is not None else pos
            raise CompileError(
                f"ref: out-of-bounds access in '{op.name}': the tile at index {int(start)} "
                f"reaches outside [0, {int(size)}) in dimension {dim} ({k.describe_warp(w)})",
                op,
            )
    rows = np.reshape(i, (-1, 1, 1)) + _TILE_RANGE[None, :, None]
    cols = np.reshape(j, (-1, 1, 1)) + _TILE_RANGE[None, None, :]
    return _base_index(view, [rows, cols], firsts, 2)


def _warps_shape(k: Threads, warps: np.ndarray | None) -> tuple[int, int, int]:
    return (k.warp_count if warps is None else len(warps), TILE, TILE)


def _mma_fill(k: Threads, env, op, vals):
    k.check_warps(op)
    value = k.per_warp(op, vals[0], None)
    data = np.empty(_warps_shape(k, None), np.float32)
    data[...] = np.reshape(value, (-1, 1, 1)) if isinstance(value, np.ndarray) else value
    return (Fragment(data),)


def _mma_load(k: Threads, env, op, vals):
    view, i, j = vals
    warps = k.check_warps(op)
    tile = view.base[_tile_index(k, op, view, i, j, warps)]
    tile = np.broadcast_to(tile, _warps_shape(k, warps)).astype(np.float32)
    fragment = op.results[0].type
    assert isinstance(fragment, FragmentType)
    if fragment.layout.data == "col_major":
        tile = tile.transpose(0, 2, 1)
    if warps is None:
        return (Fragment(np.ascontiguousarray(tile)),)
    data = np.zeros(_warps_shape(k, None), np.float32)
    data[warps] = tile
    return (Fragment(data),)


def _mma_compute(k: Threads, env, op, vals):
    a, b, c = vals
    k.check_warps(op)
    return (Fragment(np.matmul(a.data, b.data) + c.data),)


def _mma_store(k: Threads, env, op, vals):
    fragment, view, i, j = vals
    warps = k.check_warps(op)
    data = fragment.data if warps is None else fragment.data[warps]
    index = _tile_index(k, op, view, i, j, warps)
    view.base[index] = data.astype(view.base.dtype)
    return ()


KERNEL_HANDLERS: dict[str, KernelHandler] = {
    **{name: _wrap(h, name) for name, h in arith_ops.HANDLERS.items()},
    **{name: _wrap(h, name) for name, h in math_ops.HANDLERS.items()},
    **{
        name: _wrap(control_ops.HANDLERS[name], name)
        for name in ("affine.apply", "affine.min", "affine.max")
    },
    "arith.select": _select,
    "scf.if": _if,
    "scf.for": _for,
    "scf.while": _while,
    "affine.for": _affine_for,
    "memref.load": _load,
    "memref.store": _store,
    "affine.load": _affine_load,
    "affine.store": _affine_store,
    "memref.atomic_rmw": _atomic_rmw,
    "memref.subview": _subview,
    "memref.cast": _same_view,
    "memref.memory_space_cast": _same_view,
    "memref.assume_alignment": _same_view,
    "memref.dim": _dim,
    "memref.alloca": _alloca,
    "cuda.thread_id": _thread_id,
    "cuda.block_id": _block_id,
    "cuda.block_dim": _block_dim,
    "cuda.grid_dim": _grid_dim,
    "cuda.lane_id": _lane_id,
    "cuda.barrier": _barrier,
    "cuda.shared_memory": _shared_memory,
    "cuda.dynamic_shared_memory": _dynamic_shared_memory,
    "cuda.shuffle": _shuffle,
    "cuda.dp4a": _dp4a,
    "cuda.mma_fill": _mma_fill,
    "cuda.mma_load": _mma_load,
    "cuda.mma_compute": _mma_compute,
    "cuda.mma_store": _mma_store,
}


def _handler_for(op: Operation) -> KernelHandler:
    handler = KERNEL_HANDLERS.get(op.name)
    if handler is None or any(
        is_shaped(r.type) and not isinstance(r.type, MemRefType) for r in op.results
    ):
        raise unsupported(op)
    return handler


# The launch ----------------------------------------------------------------------------


def _sizes(
    op: Operation, what: str, values: Sequence, limits: Sequence[int]
) -> tuple[int, int, int]:
    x, y, z = values
    sizes = (int(x), int(y), int(z))
    for axis, size, limit in zip("xyz", sizes, limits, strict=True):
        if not 0 < size <= limit:
            raise CompileError(
                f"ref: 'cuda.launch' with {what} size {size} in {axis} (expected 1 to {limit})", op
            )
    return sizes


def _launch(interp, env, op, vals):
    kernel = interp.cache.get(("cuda.kernel", op))
    if kernel is None:
        kernel = op.callee()
        if not isinstance(kernel, KernelOp):
            raise CompileError(f"ref: '@{op.kernel.root_reference.data}' is not a cuda.kernel", op)
        interp.cache[("cuda.kernel", op)] = kernel
    grid = _sizes(op, "grid", vals[0:3], (MAX_GRID_X, MAX_GRID_Y_Z, MAX_GRID_Y_Z))
    block = _sizes(op, "block", vals[3:6], (MAX_THREADS_PER_BLOCK,) * 3)
    per_block = block[0] * block[1] * block[2]
    if per_block > kernel.thread_limit:
        raise CompileError(
            f"ref: 'cuda.launch' of {per_block} threads per block; '@{kernel.sym_name.data}' "
            f"allows at most {kernel.thread_limit}",
            op,
        )
    shared = int(vals[6])
    limit = architecture(kernel.arch_sm).max_shared_bytes - kernel.static_shared_bytes()
    if not 0 <= shared <= limit:
        raise CompileError(
            f"ref: 'cuda.launch' with {shared} bytes of dynamic shared memory "
            f"(at most {limit} on sm_{kernel.arch_sm} besides the static shared memory)",
            op,
        )
    args = []
    for value in vals[7:]:
        if isinstance(value, Buffer):
            value.check_live(op)
            value = View.of(value.array, None, value.allocation)
        args.append(value)
    plans = interp.cache.setdefault("cuda.plans", {})
    body = kernel.body.block
    total = grid[0] * grid[1] * grid[2]
    chunk = max(1, CHUNK_THREADS // per_block)
    for first in range(0, total, chunk):
        threads = Threads(plans, grid, block, first, min(chunk, total - first), shared)
        threads.run_block(body, {}, args)
    return ()


HANDLERS: dict[str, Handler] = {"cuda.launch": _launch}
