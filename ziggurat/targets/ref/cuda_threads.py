"""The SIMT execution model of the `ref` target's cuda kernels.

All threads of some whole blocks run in lock-step: every SSA value of a
kernel is a numpy scalar (uniform) or an array with one entry per thread.
Threads are laid out block by block, each block's threads by linear id
`tx + bx * (ty + by * tz)`; a warp is 32 consecutive linear ids of a block.
Divergence is a mask of active threads; values of inactive threads are
don't-care. A memref is a `View` (per-thread offsets into shared storage), a
WMMA fragment one 16x16 float32 tile per warp (`Fragment`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from xdsl.ir import Block, Operation, Region

from ziggurat.diagnostics import CompileError
from ziggurat.hardware.cuda import WARP_SIZE
from ziggurat.targets.ref.handlers import Env, Handler, OpHandlers, Value, Values
from ziggurat.targets.ref.plans import Step, plan_block
from ziggurat.targets.ref.values import Allocation

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

TERMINATORS = frozenset({"scf.yield", "scf.condition", "affine.yield", "cuda.return"})

KernelHandlers: TypeAlias = "OpHandlers[Threads]"
"""The handlers of the ops a kernel may hold, run on all threads at once."""


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


def pick(x: Value, sel: np.ndarray | None, extra: int = 0) -> Value:
    """A per-thread field at the threads `sel`, with `extra` unit axes for broadcasting."""
    if isinstance(x, np.ndarray):
        if sel is not None:
            x = x[sel]
        if extra:
            x = x.reshape(x.shape + (1,) * extra)
    return x


def uninitialised(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Memory with every bit set: NaN floats, -1 integers, true booleans."""
    if dtype == np.bool_:
        return np.ones(shape, np.bool_)
    raw = np.full((*shape, dtype.itemsize), 0xFF, np.uint8)
    return raw.view(dtype).reshape(shape)


# The threads of one chunk of a launch ---------------------------------------------------

KernelHandler: TypeAlias = "Handler[Threads, Operation]"
"""A kernel op's handler as the threads hold it, once its op is known to be of its class."""


class Threads:
    """The threads of some whole blocks of a launch, their ids and the active mask."""

    def __init__(
        self,
        interp: Interpreter,
        handler_for: Callable[[Operation], KernelHandler],
        plans: dict[Block, tuple[list[Step[KernelHandler]], Operation | None]],
        grid: tuple[int, int, int],
        block: tuple[int, int, int],
        first_block: int,
        blocks: int,
        shared_bytes: int,
    ):
        self.interp = interp
        """The interpreter running the launch (what the reused scalar handlers are given)."""
        self.handler_for = handler_for
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
            uniform_or(linear % bx),
            uniform_or((linear // bx) % by),
            uniform_or(linear // (bx * by)),
        ]
        gx, gy, _ = grid
        b = first_block + self.block_of
        self.block_id = [
            uniform_or(b % gx),
            uniform_or((b // gx) % gy),
            uniform_or(b // (gx * gy)),
        ]
        lane = linear % WARP_SIZE
        self.lane = lane
        self.lane_id = uniform_or(lane)
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

    def uniform(self, x: Value) -> Value:
        """`x` as a scalar if every active thread has the same value, else None."""
        if not isinstance(x, np.ndarray):
            return x
        active = x if self.lanes is None else x[self.lanes]
        first = active[0]
        return first if bool((active == first).all()) else None

    def select(self, op: Operation, cond: np.ndarray, a: Value, b: Value) -> Value:
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

    def per_warp(self, op: Operation, x: Value, warps: np.ndarray | None) -> Value:
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

    def _plan(self, block: Block) -> tuple[list[Step[KernelHandler]], Operation | None]:
        plan = plan_block(block, self.handler_for, TERMINATORS)
        self.plans[block] = plan
        return plan

    def run_block(self, block: Block, env: Env, args: Values = ()) -> list[Value]:
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

    def run_masked(
        self, block: Block, env: Env, mask: np.ndarray, args: Values = ()
    ) -> list[Value]:
        saved = self.mask, self.lanes
        self.set_mask(mask)
        try:
            return self.run_block(block, env, args)
        finally:
            self.mask, self.lanes = saved


def uniform_or(a: np.ndarray) -> np.ndarray | np.int64:
    """`a`'s only value as a scalar if all its entries are equal."""
    if a.size and bool((a == a[0]).all()):
        return np.int64(a[0])
    return a


def entry(region: Region, op: Operation) -> Block:
    if len(region.blocks) != 1:
        raise CompileError(
            f"ref: cannot execute '{op.name}' with a multi-block region in a cuda kernel", op
        )
    return region.blocks[0]


def check_live(op: Operation, view: View) -> None:
    if view.allocation.freed:
        raise CompileError(
            f"ref: '{op.name}' uses {view.allocation.what} after it was deallocated", op
        )
