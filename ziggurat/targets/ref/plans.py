"""A block's execution plan: its ops' handlers looked up once, the terminator apart."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeAlias, TypeVar

from xdsl.ir import Block, Operation, SSAValue

H = TypeVar("H")

Step: TypeAlias = tuple[H, Operation, tuple[SSAValue, ...], tuple[SSAValue, ...]]
"""(handler, op, operands, results)."""


def plan_block(
    block: Block, handler_for: Callable[[Operation], H], terminators: Collection[str]
) -> tuple[list[Step[H]], Operation | None]:
    """The steps of `block` (every op but a final terminator in `terminators`) and that
    terminator, or None when the block does not end in one."""
    steps: list[Step[H]] = []
    for op in block.ops:
        if op is block.last_op and op.name in terminators:
            return steps, op
        steps.append((handler_for(op), op, tuple(op.operands), tuple(op.results)))
    return steps, None
