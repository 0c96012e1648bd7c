"""Warp-collective ops of the `ref` target's cuda threads: shuffles, `dp4a`
and the WMMA (tensor core) fragment ops.

Every lane of a warp must take part in a warp-collective op, and WMMA tile
indices must agree within a warp; otherwise the op is reported. A shuffle
whose source lane lies outside the warp (or past the lanes of a block's
last, partial warp) reads the thread's own value; `idx` reads lane n mod 32.
A fragment is one 16x16 float32 tile per warp.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.cuda import (
    Dp4aOp,
    FragmentType,
    MmaComputeOp,
    MmaFillOp,
    MmaLoadOp,
    MmaStoreOp,
    ShuffleOp,
)
from ziggurat.hardware.cuda import WARP_SIZE
from ziggurat.targets.ref.arith_ops import finish
from ziggurat.targets.ref.cuda_memory_ops import base_index, gather
from ziggurat.targets.ref.cuda_threads import (
    Fragment,
    KernelHandlers,
    Threads,
    View,
    check_live,
    pick,
)
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Value, Values

HANDLERS: KernelHandlers = OpHandlers()

TILE = 16
"""The side of a WMMA tile (m16n16k16)."""

_TILE_RANGE = np.arange(TILE)


@HANDLERS.on(ShuffleOp)
def _shuffle(k: Threads, env: Env, op: ShuffleOp, vals: Values) -> Results:
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


@HANDLERS.on(Dp4aOp)
def _dp4a(k: Threads, env: Env, op: Dp4aOp, vals: Values) -> Results:
    n_lhs = len(op.lhs_indices)
    lhs, rhs = vals[0], vals[1]
    lhs_idx, rhs_idx = vals[2 : 2 + n_lhs], vals[2 + n_lhs : -1]
    total = np.asarray(vals[-1]).astype(np.int64)
    for t in range(4):
        a = gather(k, op, lhs, [*lhs_idx[:-1], lhs_idx[-1] + t])
        b = gather(k, op, rhs, [*rhs_idx[:-1], rhs_idx[-1] + t])
        total = total + np.asarray(a).astype(np.int64) * np.asarray(b).astype(np.int64)
    return (finish(total.astype(np.int32), op),)


def _tile_index(
    k: Threads, op: Operation, view: View, i: Value, j: Value, warps: np.ndarray | None
) -> tuple:
    """The checked base index of the 16x16 tile at [i, j] of each warp in `warps`."""
    check_live(op, view)
    i, j = k.per_warp(op, i, warps), k.per_warp(op, j, warps)
    firsts = k.warp_first if warps is None else k.warp_first[warps]
    for dim, start in enumerate((i, j)):
        size = pick(view.sizes[dim], firsts)
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
    return base_index(view, [rows, cols], firsts, 2)


def _warps_shape(k: Threads, warps: np.ndarray | None) -> tuple[int, int, int]:
    return (k.warp_count if warps is None else len(warps), TILE, TILE)


@HANDLERS.on(MmaFillOp)
def _mma_fill(k: Threads, env: Env, op: MmaFillOp, vals: Values) -> Results:
    k.check_warps(op)
    value = k.per_warp(op, vals[0], None)
    data = np.empty(_warps_shape(k, None), np.float32)
    data[...] = np.reshape(value, (-1, 1, 1)) if isinstance(value, np.ndarray) else value
    return (Fragment(data),)


@HANDLERS.on(MmaLoadOp)
def _mma_load(k: Threads, env: Env, op: MmaLoadOp, vals: Values) -> Results:
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


@HANDLERS.on(MmaComputeOp)
def _mma_compute(k: Threads, env: Env, op: MmaComputeOp, vals: Values) -> Results:
    a, b, c = vals
    k.check_warps(op)
    return (Fragment(np.matmul(a.data, b.data) + c.data),)


@HANDLERS.on(MmaStoreOp)
def _mma_store(k: Threads, env: Env, op: MmaStoreOp, vals: Values) -> Results:
    fragment, view, i, j = vals
    warps = k.check_warps(op)
    data = fragment.data if warps is None else fragment.data[warps]
    index = _tile_index(k, op, view, i, j, warps)
    view.base[index] = data.astype(view.base.dtype)
    return ()
