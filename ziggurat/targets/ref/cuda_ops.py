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

The thread model is in `cuda_threads`, the kernel ops' handlers in
`cuda_kernel_ops` (scalar ops, ids, barriers, control flow),
`cuda_memory_ops` and `cuda_warp_ops` (shuffles, dp4a, WMMA); this module
checks and runs the launch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from xdsl.dialects.builtin import MemRefType
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.cuda import KernelOp, LaunchOp
from ziggurat.hardware.cuda import (
    MAX_GRID_X,
    MAX_GRID_Y_Z,
    MAX_THREADS_PER_BLOCK,
    architecture,
)
from ziggurat.targets.ref import (
    arith_ops,
    control_ops,
    cuda_kernel_ops,
    cuda_memory_ops,
    cuda_warp_ops,
    math_ops,
)
from ziggurat.targets.ref.cuda_kernel_ops import scalar_handler
from ziggurat.targets.ref.cuda_threads import (
    KernelHandler,
    KernelHandlers,
    Threads,
    View,
    unsupported,
)
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Values
from ziggurat.targets.ref.types import is_shaped
from ziggurat.targets.ref.values import Buffer

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

CHUNK_THREADS = 1 << 16
"""Threads interpreted together: a launch runs in chunks of blocks of about this many."""

HANDLERS: OpHandlers[Interpreter] = OpHandlers()

KERNEL_HANDLERS: KernelHandlers = OpHandlers()
"""Every op a kernel may hold; `arith.select` has its own, for memrefs and fragments."""
KERNEL_HANDLERS.update(arith_ops.HANDLERS.without("arith.select").wrapped(scalar_handler))
KERNEL_HANDLERS.update(math_ops.HANDLERS.wrapped(scalar_handler))
KERNEL_HANDLERS.update(
    control_ops.HANDLERS.subset("affine.apply", "affine.min", "affine.max").wrapped(scalar_handler)
)
KERNEL_HANDLERS.update(cuda_kernel_ops.HANDLERS)
KERNEL_HANDLERS.update(cuda_memory_ops.HANDLERS)
KERNEL_HANDLERS.update(cuda_warp_ops.HANDLERS)


def kernel_handler_for(op: Operation) -> KernelHandler:
    handler = KERNEL_HANDLERS.get(op)
    if handler is None or any(
        is_shaped(r.type) and not isinstance(r.type, MemRefType) for r in op.results
    ):
        raise unsupported(op)
    return handler


# The launch ----------------------------------------------------------------------------


def _sizes(op: Operation, what: str, values: Values, limits: Sequence[int]) -> tuple[int, int, int]:
    x, y, z = values
    sizes = (int(x), int(y), int(z))
    for axis, size, limit in zip("xyz", sizes, limits, strict=True):
        if not 0 < size <= limit:
            raise CompileError(
                f"ref: 'cuda.launch' with {what} size {size} in {axis} (expected 1 to {limit})", op
            )
    return sizes


@HANDLERS.on(LaunchOp)
def _launch(interp: Interpreter, env: Env, op: LaunchOp, vals: Values) -> Results:
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
        threads = Threads(
            interp, kernel_handler_for, plans, grid, block, first, min(chunk, total - first), shared
        )
        threads.run_block(body, {}, args)
    return ()
