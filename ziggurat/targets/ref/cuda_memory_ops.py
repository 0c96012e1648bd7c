"""Memory ops of the `ref` target's cuda threads, on `View`s.

Global buffers are the host's `Buffer`s, shared by all threads; shared
memory has one copy per block and `memref.alloca` one per thread. A subview
may differ per thread (a block's tile). Uninitialised shared and local memory
has every bit set: NaN floats, -1 integers, true `i1`s. Accesses are checked
in the active threads only; where several threads store to one address the
last thread's value lands, and atomics update in thread order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import affine, memref
from xdsl.dialects.builtin import DYNAMIC_INDEX
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.cuda import DynamicSharedMemoryOp, SharedMemoryOp, memref_bytes
from ziggurat.dialects.memref import AtomicRMWOp
from ziggurat.targets.ref.affine_eval import compile_map
from ziggurat.targets.ref.arith_ops import KIND_COMBINE, finish
from ziggurat.targets.ref.cuda_threads import (
    KernelHandlers,
    Threads,
    View,
    check_live,
    pick,
    uninitialised,
)
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Value, Values
from ziggurat.targets.ref.memory_ops import dropped_dims, result_shape
from ziggurat.targets.ref.types import value_dtype
from ziggurat.targets.ref.values import Allocation

HANDLERS: KernelHandlers = OpHandlers()


def access(
    k: Threads, op: Operation, view: View, idx: Sequence[Value], may_be_uniform: bool = True
) -> tuple[np.ndarray | None, tuple]:
    """The threads an access looks at (None: all, or all agree) and its checked base index."""
    check_live(op, view)
    uniform = may_be_uniform and view.uniform and not any(isinstance(i, np.ndarray) for i in idx)
    sel = None if uniform else k.lanes
    picked = [pick(i, sel) for i in idx]
    for dim, (i, size) in enumerate(zip(picked, view.sizes, strict=True)):
        size = pick(size, sel)
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
    return sel, base_index(view, picked, sel)


def base_index(view: View, idx: Sequence[Value], sel: np.ndarray | None, extra: int = 0) -> tuple:
    if view.identity:
        index = list(idx)
    else:
        index = [pick(o, sel, extra) for o in view.offsets]
        for v, d in enumerate(view.dims):
            index[d] = index[d] + idx[v] * pick(view.strides[d], sel, extra)
    if view.owner is not None:
        index.insert(0, pick(view.owner, sel, extra))
    return tuple(index)


def spread(k: Threads, sel: np.ndarray | None, values: Value) -> Value:
    """Per-thread values computed at the threads `sel`, as an array over all threads."""
    if sel is None or not isinstance(values, np.ndarray):
        return values
    out = np.zeros(k.count, values.dtype)
    out[sel] = values
    return out


def gather(k: Threads, op: Operation, view: View, idx: Sequence[Value]) -> Value:
    sel, index = access(k, op, view, idx)
    return spread(k, sel, view.base[index])


def scatter(k: Threads, op: Operation, view: View, idx: Sequence[Value], value: Value) -> None:
    sel, index = access(k, op, view, idx, not isinstance(value, np.ndarray))
    value = pick(value, sel)
    if isinstance(value, np.ndarray) and not any(isinstance(i, np.ndarray) for i in index):
        value = value[-1]  # every thread stores to one address: the last one's value lands
    view.base[index] = value


@HANDLERS.on(memref.LoadOp)
def _load(k: Threads, env: Env, op: memref.LoadOp, vals: Values) -> Results:
    return (gather(k, op, vals[0], vals[1:]),)


@HANDLERS.on(memref.StoreOp)
def _store(k: Threads, env: Env, op: memref.StoreOp, vals: Values) -> Results:
    scatter(k, op, vals[1], vals[2:], vals[0])
    return ()


@HANDLERS.on(affine.LoadOp)
def _affine_load(k: Threads, env: Env, op: affine.LoadOp, vals: Values) -> Results:
    return (gather(k, op, vals[0], compile_map(op.map.data)(vals[1:])),)


@HANDLERS.on(affine.StoreOp)
def _affine_store(k: Threads, env: Env, op: affine.StoreOp, vals: Values) -> Results:
    scatter(k, op, vals[1], compile_map(op.map.data)(vals[2:]), vals[0])
    return ()


@HANDLERS.on(AtomicRMWOp)
def _atomic_rmw(k: Threads, env: Env, op: AtomicRMWOp, vals: Values) -> Results:
    """One thread after another, in thread order, where several update one address."""
    value, view, *idx = vals
    sel, index = access(k, op, view, idx, False)
    n = k.count if sel is None else len(sel)
    value = np.broadcast_to(pick(value, sel), (n,))
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
    return (spread(k, sel, old),)


def _static_or_dynamic(static: Sequence[int], dynamic: Sequence[Value]) -> list[Value]:
    values = iter(dynamic)
    return [next(values) if s == DYNAMIC_INDEX else np.int64(s) for s in static]


@HANDLERS.on(memref.SubviewOp)
def _subview(k: Threads, env: Env, op: memref.SubviewOp, vals: Values) -> Results:
    source: View = vals[0]
    check_live(op, source)
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
    dropped = set(dropped_dims(static_sizes, op.result.type.get_shape()))
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


@HANDLERS.on(memref.CastOp, memref.MemorySpaceCastOp, memref.AssumeAlignmentOp)
def _same_view(
    k: Threads,
    env: Env,
    op: memref.CastOp | memref.MemorySpaceCastOp | memref.AssumeAlignmentOp,
    vals: Values,
) -> Results:
    return (vals[0],)


@HANDLERS.on(memref.DimOp)
def _dim(k: Threads, env: Env, op: memref.DimOp, vals: Values) -> Results:
    view, index = vals
    i = k.uniform(index)
    if i is None or not 0 <= int(i) < len(view.sizes):
        raise CompileError(
            f"ref: '{op.name}' of dimension {i} of a rank-{len(view.sizes)} memref", op
        )
    return (view.sizes[int(i)],)


@HANDLERS.on(memref.AllocaOp)
def _alloca(k: Threads, env: Env, op: memref.AllocaOp, vals: Values) -> Results:
    sizes = [k.uniform(v) for v in vals]
    if any(s is None for s in sizes):
        raise CompileError(f"ref: '{op.name}' with sizes that differ between threads", op)
    shape = result_shape(op, sizes)
    dtype = value_dtype(op.results[0].type, op)
    base = uninitialised((k.count, *shape), dtype)
    return (View.of(base, k.index, Allocation(f"the local buffer of '{op.name}'")),)


@HANDLERS.on(SharedMemoryOp)
def _shared_memory(k: Threads, env: Env, op: SharedMemoryOp, vals: Values) -> Results:
    memref_type = op.memref.type
    shape = tuple(memref_type.get_shape())
    base = uninitialised((k.blocks, *shape), value_dtype(memref_type, op))
    return (View.of(base, k.block_of, Allocation(f"the shared memory of '{op.name}'")),)


@HANDLERS.on(DynamicSharedMemoryOp)
def _dynamic_shared_memory(
    k: Threads, env: Env, op: DynamicSharedMemoryOp, vals: Values
) -> Results:
    memref_type = op.memref.type
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
