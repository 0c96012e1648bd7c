"""Freeing the buffers a bufferized function allocated.

Runs on the memref program. A buffer is freed right after the last op, in the
block of its allocation, that uses it or any view of it (a use inside a
nested region counts at the op enclosing it). A buffer that is returned,
yielded, or already freed by the program is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from xdsl.dialects import func, memref, scf
from xdsl.ir import Block, Operation, SSAValue
from xdsl.traits import IsTerminator

from ziggurat.dialects.memory_effects import views_of

ESCAPES = (func.ReturnOp, scf.YieldOp, memref.DeallocOp)


def insert_deallocs(buffers: Iterable[SSAValue]) -> None:
    positions: dict[Block, dict[Operation, int]] = {}
    for buffer in buffers:
        alloc = buffer.owner
        assert isinstance(alloc, Operation)
        block = alloc.parent_block()
        assert block is not None
        users = [use.operation for v in views_of(buffer) for use in v.uses]
        if any(isinstance(user, ESCAPES) for user in users):
            continue
        if block not in positions:
            positions[block] = {op: i for i, op in enumerate(block.ops)}
        position = positions[block]
        last = alloc
        for user in users:
            while user is not None and user.parent_block() is not block:
                user = user.parent_op()
            if user is not None and position[user] > position[last]:
                last = user
        if last.has_trait(IsTerminator):
            continue
        block.insert_op_after(memref.DeallocOp.get(buffer), last)
