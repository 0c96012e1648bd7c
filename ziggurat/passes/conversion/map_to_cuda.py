"""The cuda half of `map-to-device`: a launch's loops onto blocks and threads.

The launch's band runs on the grid (its innermost dimension on `block_x`, then
`block_y`, `block_z`; further outer dimensions loop in every thread), the first
band nested in it on the threads of a block (innermost on `thread_x`), deeper
bands sequentially. A band with no nested band (an untiled elementwise nest)
is split: each of its innermost three dimensions into blocks of `T` iterations
(the pass's `block-sizes`, else a default from the shape with at most 256
threads), with a guard `iv < ub` for the last, partial block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType, IntegerAttr
from xdsl.ir import Block, Operation, Region, SSAValue

from ziggurat.dialects.device import ParallelOp, YieldOp
from ziggurat.dialects.device_attrs import Dim
from ziggurat.hardware.cuda import WARP_SIZE

if TYPE_CHECKING:
    from ziggurat.passes.conversion.map_to_device import MapToDevicePass

MAX_BLOCK_THREADS = 256
"""Threads of a default block: enough warps to hide latency, registers to spare."""


def _hardware(n: int, kind: str) -> list[Dim]:
    """`n` dims, innermost last: the innermost three on `kind`_x/y/z, outer ones sequential."""
    named = [Dim(f"{kind}_{axis}") for axis in "zyx"][-min(n, 3) :] if n else []
    return [Dim.SEQUENTIAL] * (n - len(named)) + named


def map_band_to_cuda(pass_: MapToDevicePass, root: Operation) -> None:
    def sequential(loop: Operation) -> None:
        pass_.replace_band(loop, lambda n, _, __: [Dim.SEQUENTIAL] * n, sequential)

    def nested(loop: Operation) -> None:
        # Only a band right inside the block band can run on the block's threads: one
        # inside a sequential loop (a reduction's) would need every thread to run the loop.
        if isinstance(loop.parent_op(), ParallelOp):
            pass_.replace_band(loop, lambda n, _, __: _hardware(n, "thread"), sequential)
        else:
            sequential(loop)

    top = pass_.replace_band(root, lambda n, _, __: _hardware(n, "block"), nested)
    if not any(
        isinstance(op, ParallelOp) and any(d.startswith("thread") for d in op.dims)
        for op in top.body.walk()
    ):
        _split(top, pass_.block_sizes)


def _constant_extent(lower: SSAValue, upper: SSAValue, step: SSAValue) -> int | None:
    values = []
    for v in (lower, upper, step):
        owner = v.owner
        if not (isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr)):
            return None
        values.append(owner.value.value.data)
    lo, hi, st = values
    return max(0, -(-(hi - lo) // st))


def default_block_sizes(extents: list[int | None]) -> list[int]:
    """Threads per dimension (innermost last): powers of two covering each extent, the
    innermost at most a warp wide when there are several (rows of coalesced accesses),
    at most 256 in all."""
    sizes: list[int] = []
    budget = MAX_BLOCK_THREADS
    for k, extent in enumerate(reversed(extents)):
        cap = budget if len(extents) == 1 or k > 0 else min(budget, WARP_SIZE)
        size = 1
        while size * 2 <= cap and (extent is None or size < extent):
            size *= 2
        sizes.append(size)
        budget //= size
    return sizes[::-1]


def _split(top: ParallelOp, block_sizes: tuple[int, ...]) -> None:
    """Split the block dimensions of `top` into blocks of threads, with a bounds guard."""
    split = [k for k, d in enumerate(top.dims) if d != Dim.SEQUENTIAL]
    extents = [_constant_extent(top.lowerBound[k], top.upperBound[k], top.step[k]) for k in split]
    sizes = list(block_sizes[-len(split) :]) if block_sizes else default_block_sizes(extents)
    sizes = [1] * (len(split) - len(sizes)) + sizes
    block = top.parent_block()
    assert block is not None

    def const(value: int) -> SSAValue:
        op = arith.ConstantOp(IntegerAttr(value, IndexType()))
        block.insert_op_before(op, top)
        return op.result

    index = IndexType()
    outer_steps = list(top.step)
    for k, size in zip(split, sizes, strict=True):
        if size > 1:
            mul = arith.MuliOp(top.step[k], const(size))
            block.insert_op_before(mul, top)
            outer_steps[k] = mul.result
    zero, one = const(0), const(1)
    inner_body = Block(arg_types=[index] * len(split))
    inner = ParallelOp(
        [zero] * len(split),
        [const(s) for s in sizes],
        [one] * len(split),
        _hardware(len(split), "thread"),
        Region(inner_body),
    )
    old_body = top.body.block
    outer_body = Block(arg_types=[index] * len(old_body.args))
    outer = ParallelOp(
        list(top.lowerBound), list(top.upperBound), outer_steps, top.dims, Region(outer_body)
    )
    outer_body.add_ops([inner, YieldOp()])
    ivs: list[SSAValue] = list(outer_body.args)
    guard: SSAValue | None = None
    for t, k in zip(inner_body.args, split, strict=True):
        t.name_hint = f"t{k}"
        scaled = arith.MuliOp(t, top.step[k])
        iv = arith.AddiOp(outer_body.args[k], scaled)
        below = arith.CmpiOp(iv, top.upperBound[k], "slt")
        inner_body.add_ops([scaled, iv, below])
        ivs[k] = iv.result
        if guard is None:
            guard = below.result
        else:
            both = arith.AndIOp(guard, below)
            inner_body.add_op(both)
            guard = both.result
    for old, new_arg, iv in zip(old_body.args, outer_body.args, ivs, strict=True):
        new_arg.name_hint = f"{old.name_hint}_block" if old.name_hint else None
        if iv is new_arg:
            new_arg.name_hint = old.name_hint
        else:
            iv.name_hint = old.name_hint
        old.replace_all_uses_with(iv)
    then = Block()
    assert guard is not None
    for op in list(old_body.ops)[:-1]:
        op.detach()
        then.add_op(op)
    then.add_op(scf.YieldOp())
    inner_body.add_ops([scf.IfOp(guard, [], Region(then)), YieldOp()])
    block.insert_op_before(outer, top)
    top.detach()
    top.erase()
