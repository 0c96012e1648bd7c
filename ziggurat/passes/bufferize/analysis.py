"""Alias and liveness analysis for `ziggurat-bufferize`.

Bufferization may write an op's result into the buffer of one of its operands
("in place") only if nothing still needs the data that buffer holds. Two
questions decide it, answered here on the tensor program before it changes:

- which tensor values share a buffer (`AliasSets`): a view (extract_slice,
  reshape, cast) shares its source's buffer, and so does the result of an op
  written in place;
- whether any of them is used after a given op (`ProgramOrder.used_after`), in
  program order within a block, where a use inside a nested region counts at
  the op that encloses it, and where every use inside a loop may come "after"
  a write in an earlier iteration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xdsl.dialects import affine, scf
from xdsl.dialects.func import FuncOp
from xdsl.ir import Block, BlockArgument, Operation, SSAValue, Use

NOT_LOOPS: frozenset[str] = frozenset(
    {
        "scf.if",
        "scf.index_switch",
        "scf.execute_region",
        "affine.if",
        "func.func",
        "builtin.module",
        "memref.alloca_scope",
    }
)
"""Region ops whose regions run at most once each time the op runs.

Any other op with regions is treated as a loop (its body may run again after
a write), which is always the safe assumption.
"""


def is_loop(op: Operation) -> bool:
    """Whether `op`'s regions may run several times (see `NOT_LOOPS`)."""
    if isinstance(op, scf.ForOp | scf.WhileOp | scf.ParallelOp | affine.ForOp):
        return True
    return bool(op.regions) and op.name not in NOT_LOOPS


def defined_inside(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is a fresh value at each run of `op`'s regions."""
    if isinstance(value, BlockArgument):
        parent = value.block.parent_op()
        return parent is not None and (parent is op or op.is_ancestor(parent))
    owner = value.owner
    return isinstance(owner, Operation) and owner is not op and op.is_ancestor(owner)


@dataclass
class BufferClass:
    """Tensor values whose data lives in (overlapping parts of) one buffer."""

    writable: bool
    members: list[SSAValue] = field(default_factory=list)


class AliasSets:
    """Which tensor values share a buffer, built as bufferization decides."""

    def __init__(self) -> None:
        self._class: dict[SSAValue, BufferClass] = {}

    def new(self, value: SSAValue, writable: bool) -> BufferClass:
        """`value` gets a buffer of its own."""
        cls = BufferClass(writable, [value])
        self._class[value] = cls
        return cls

    def join(self, value: SSAValue, other: SSAValue) -> None:
        """`value` shares the buffer of `other`."""
        cls = self._class[other]
        cls.members.append(value)
        self._class[value] = cls

    def of(self, value: SSAValue) -> BufferClass:
        return self._class[value]

    def same(self, a: SSAValue, b: SSAValue) -> bool:
        return a in self._class and b in self._class and self._class[a] is self._class[b]


class ProgramOrder:
    """Positions of the ops of one function, taken before bufferization edits it.

    Bufferization inserts new ops but never moves the original ones, so the
    relative order of the original ops stays valid throughout.
    """

    def __init__(self, func: FuncOp) -> None:
        self._index: dict[Operation, int] = {}
        for block in func.walk_blocks():
            for i, op in enumerate(block.ops):
                self._index[op] = i

    def _chain(self, op: Operation) -> list[tuple[Block, Operation]]:
        """(block, ancestor-in-that-block) pairs from `op` outwards."""
        chain: list[tuple[Block, Operation]] = []
        current: Operation | None = op
        while current is not None and (block := current.parent_block()) is not None:
            chain.append((block, current))
            current = block.parent_op()
        return chain

    def may_run_after(self, use: Operation, write: Operation) -> bool:
        """Whether `use` may execute after `write` has executed.

        A use by `write` itself or by an op enclosing it comes before (operands
        are read before the regions run); a use nested inside `write` comes
        after.
        """
        if use is write or use.is_ancestor(write):
            return False
        if write.is_ancestor(use):
            return True
        use_chain = dict(self._chain(use))
        for block, write_at in self._chain(write):
            use_at = use_chain.get(block)
            if use_at is None:
                continue
            if use_at is write_at:
                # Different regions of one op: both run only if it loops.
                return is_loop(use_at)
            return self._index[use_at] > self._index[write_at]
        return False

    def enclosing_loops(self, op: Operation) -> Iterable[Operation]:
        parent = op.parent_op()
        while parent is not None and not isinstance(parent, FuncOp):
            if is_loop(parent):
                yield parent
            parent = parent.parent_op()

    def write_conflicts(
        self,
        write: Operation,
        members: Iterable[SSAValue],
        exempt: Callable[[Use], bool] = lambda _: False,
    ) -> bool:
        """Whether overwriting the buffer of `members` at `write` loses data still needed.

        It does if a member is used after `write` (a use for which `exempt`
        holds does not count), or if `write` is in a loop and a member comes
        from outside that loop (the next iteration would see the new data).
        """
        members = [m for m in members if m.uses]
        for loop in self.enclosing_loops(write):
            if any(not defined_inside(m, loop) for m in members):
                return True
        for member in members:
            for use in member.uses:
                if not exempt(use) and self.may_run_after(use.operation, write):
                    return True
        return False
