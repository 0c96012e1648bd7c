"""Which on-chip rows each mxu instruction reads and writes, and a clock per row.

The timing model's scoreboard and its check against program order
(hazards.py) both reason about physical rows: a bf16 scratchpad row of
elements takes two memory rows, an accumulator row always one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ziggurat.hardware.mxu.isa import (
    Activate,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    MatmulOS,
    Memory,
    Store,
)


@dataclass(frozen=True)
class Access:
    """A range of physical memory rows an instruction reads or writes."""

    memory: Memory
    low: int
    high: int
    """One past the last row."""
    write: bool


def accesses(ins: Instruction) -> list[Access]:
    """The memory rows `ins` reads and writes (physical rows: a bf16 row is two)."""

    def span(memory: Memory, row: int, rows: int, element_bytes: int) -> tuple[int, int]:
        return row, row + rows * (element_bytes if memory is Memory.SPAD else 1)

    if isinstance(ins, Load):
        low, high = span(ins.memory, ins.row, ins.rows_written, ins.dtype.bytes)
        return [Access(ins.memory, low, high, True)]
    if isinstance(ins, Store):
        low, high = span(ins.memory, ins.row, ins.rows, ins.dtype.bytes)
        return [Access(ins.memory, low, high, False)]
    if isinstance(ins, LoadWeights):
        low, high = span(Memory.SPAD, ins.row, ins.rows, ins.dtype.bytes)
        return [Access(Memory.SPAD, low, high, False)]
    if isinstance(ins, Matmul):
        low, high = span(Memory.SPAD, ins.row, ins.rows, ins.dtype.bytes)
        out = [
            Access(Memory.SPAD, low, high, False),
            Access(Memory.ACC, ins.acc_row, ins.acc_row + ins.rows, True),
        ]
        if ins.accumulate:
            out.append(Access(Memory.ACC, ins.acc_row, ins.acc_row + ins.rows, False))
        return out
    if isinstance(ins, MatmulOS):
        a_low, a_high = span(Memory.SPAD, ins.a_row, ins.depth, ins.dtype.bytes)
        b_low, b_high = span(Memory.SPAD, ins.b_row, ins.depth, ins.dtype.bytes)
        out = [
            Access(Memory.SPAD, a_low, a_high, False),
            Access(Memory.SPAD, b_low, b_high, False),
            Access(Memory.ACC, ins.acc_row, ins.acc_row + ins.rows, True),
        ]
        if ins.accumulate:
            out.append(Access(Memory.ACC, ins.acc_row, ins.acc_row + ins.rows, False))
        return out
    if isinstance(ins, Activate):
        low, high = span(Memory.SPAD, ins.row, ins.rows, ins.dtype.bytes)
        out = [
            Access(Memory.ACC, ins.acc_row, ins.acc_row + ins.rows, False),
            Access(Memory.SPAD, low, high, True),
        ]
        if ins.has_bias:
            out.append(Access(Memory.SPAD, ins.bias_row, ins.bias_row + 4, False))
        return out
    return []


def row_extents(touched: Sequence[Sequence[Access]]) -> dict[Memory, int]:
    """Per memory, one past the highest row the program touches: the rows worth a clock."""
    extents = dict.fromkeys(Memory, 0)
    for accesses_ in touched:
        for access in accesses_:
            extents[access.memory] = max(extents[access.memory], access.high)
    return extents


class RowClock:
    """Per physical row of one memory: the latest end of a read and of a write."""

    def __init__(self, rows: int) -> None:
        self.read_end = np.zeros(rows, dtype=np.int64)
        self.write_end = np.zeros(rows, dtype=np.int64)
        self.latest = 0
        """The latest end recorded anywhere: rows cannot be busy after it."""

    def record(self, access: Access, end: int) -> None:
        ends = self.write_end if access.write else self.read_end
        window = ends[access.low : access.high]
        np.maximum(window, end, out=window)
        self.latest = max(self.latest, end)

    def busy_until(self, access: Access) -> int:
        """When every earlier conflicting access to these rows has ended."""
        if self.latest == 0 or access.low == access.high:
            return 0
        latest = int(self.write_end[access.low : access.high].max())
        if access.write:
            latest = max(latest, int(self.read_end[access.low : access.high].max()))
        return latest


__all__ = ["Access", "RowClock", "accesses", "row_extents"]
