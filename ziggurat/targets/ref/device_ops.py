"""`device` and `cpu` ops, evaluated with numpy.

Parallel loops (`device.parallel`, `cpu.parallel_for`, `cpu.simd`) run their
iterations one at a time, in lexicographic order: one of the orders a
parallel loop may take, so a program whose result depends on the order is
wrong on every target, not only here. A `device.barrier` between parallel
loops is then a no-op; one inside a parallel loop's body cannot be honoured
one iteration at a time, and is refused.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import cpu, device
from ziggurat.dialects.cpu_kernel import CallOp
from ziggurat.dialects.cpu_pack import PackOp
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Values
from ziggurat.targets.ref.memory_ops import alloc
from ziggurat.targets.ref.values import Buffer

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: OpHandlers[Interpreter] = OpHandlers()

PARALLEL_LOOPS = frozenset({"device.parallel", "cpu.parallel_for", "cpu.simd"})


@HANDLERS.on(device.ParallelOp, cpu.ParallelForOp, cpu.SimdOp)
def _run_loop(
    interp: Interpreter,
    env: Env,
    op: device.ParallelOp | cpu.ParallelForOp | cpu.SimdOp,
    vals: Values,
) -> Results:
    n = len(op.regions[0].block.args)
    lowers, uppers, steps = vals[:n], vals[n : 2 * n], vals[2 * n : 3 * n]
    spaces = []
    for lower, upper, step in zip(lowers, uppers, steps, strict=True):
        if int(step) <= 0:
            raise CompileError(f"ref: '{op.name}' with a non-positive step ({int(step)})", op)
        spaces.append(range(int(lower), int(upper), int(step)))
    body = op.regions[0].block
    for point in itertools.product(*spaces):
        for iv, i in zip(body.args, point, strict=True):
            env[iv] = np.int64(i)
        interp.run_block(body, env)
    return ()


@HANDLERS.on(device.LaunchOp)
def _launch(interp: Interpreter, env: Env, op: device.LaunchOp, vals: Values) -> Results:
    kind = op.target.kind.data
    handler = interp.launch_handlers.get(kind)
    if handler is not None:
        buffers: dict = {}
        for inner in op.walk():
            for operand in inner.operands:
                value = env.get(operand)
                if isinstance(value, Buffer):
                    value.check_live(inner)
                    buffers[operand] = value.array
        handler(op, buffers)
        return ()
    if kind == "mxu":
        for inner in op.regions[0].block.ops:
            if inner.name.startswith("mxu.") and inner.name != "mxu.gemm":
                raise CompileError(
                    f"ref: cannot execute the mxu instruction '{inner.name}': instruction streams "
                    "run on the simulator (ziggurat-run --target mxu; --check the program "
                    "before mxu-schedule)",
                    inner,
                )
    interp.run_region(op.regions[0], env)
    return ()


@HANDLERS.on(device.BarrierOp)
def _barrier(interp: Interpreter, env: Env, op: device.BarrierOp, vals: Values) -> Results:
    parent = op.parent_op()
    while parent is not None and parent.name != "device.launch":
        if parent.name in PARALLEL_LOOPS:
            raise CompileError(
                "ref: cannot execute 'device.barrier' inside a parallel loop "
                "(the ref executor runs its iterations one at a time)",
                op,
            )
        parent = parent.parent_op()
    return ()


@HANDLERS.on(device.CopyOp)
def _copy(interp: Interpreter, env: Env, op: device.CopyOp, vals: Values) -> Results:
    source, destination = vals
    for buffer in (source, destination):
        buffer.check_live(op)
    if source.array.shape != destination.array.shape:
        raise CompileError(
            f"ref: '{op.name}' between shapes {source.array.shape} and {destination.array.shape}",
            op,
        )
    destination.array[...] = source.array
    return ()


@HANDLERS.on(PackOp)
def _pack(interp: Interpreter, env: Env, op: PackOp, vals: Values) -> Results:
    source: Buffer = vals[0]
    destination: Buffer = vals[1]
    source.check_live(op)
    destination.check_live(op)
    array = source.array
    dims_pos, tiles, perm = op.dims_pos, op.tiles, op.perm
    tile_of = dict(zip(dims_pos, tiles, strict=True))
    padded_shape = [
        -(-size // tile_of[d]) * tile_of[d] if d in tile_of else size
        for d, size in enumerate(array.shape)
    ]
    if list(padded_shape) != list(array.shape):
        padded = np.full(padded_shape, vals[2], dtype=array.dtype)
        padded[tuple(slice(0, s) for s in array.shape)] = array
        array = padded
    split_shape: list[int] = []
    outer_axis: dict[int, int] = {}
    tile_axis: dict[int, int] = {}
    for d, size in enumerate(array.shape):
        outer_axis[d] = len(split_shape)
        if d in tile_of:
            split_shape += [size // tile_of[d], tile_of[d]]
            tile_axis[d] = outer_axis[d] + 1
        else:
            split_shape.append(size)
    order = [outer_axis[d] for d in perm] + [tile_axis[d] for d in dims_pos]
    destination.array[...] = array.reshape(split_shape).transpose(order)
    return ()


@HANDLERS.on(CallOp)
def _call(interp: Interpreter, env: Env, op: CallOp, vals: Values) -> Results:
    kernel = op.kernel()
    if kernel.is_declaration:
        raise CompileError(
            f"ref: cannot call '@{kernel.sym_name.data}': it is only declared "
            "(its code is linked in by the C target)",
            op,
        )
    interp.run_region(kernel.body, {}, vals)
    return ()


HANDLERS.add(device.AllocOp, alloc)

TERMINATORS = frozenset({"device.yield", "cpu.yield", "cpu.return"})
