"""The timed schedule checked against program order: no race between queues.

The three queues run concurrently and the hardware does not order their
accesses, so every pair of instructions from different queues that touch the
same rows (or DRAM bytes) must run in program order, the later one starting
no earlier than the earlier one ends. A program that relies on luck is
rejected, with the tokens it is missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import Instruction, Load, Memory, Queue, Store
from ziggurat.targets.mxu.functional import MEMORY_NAMES, SimulationError
from ziggurat.targets.mxu.rows import Access, RowClock, row_extents


def describe(index: int, program: Sequence[Instruction]) -> str:
    return f"instruction {index} ({program[index].MNEMONIC})"


def instruction_error(program: Sequence[Instruction], index: int, reason: str) -> SimulationError:
    return SimulationError(reason, index, program[index].MNEMONIC)


def check_rows(
    program: Sequence[Instruction],
    schedule: Sequence[tuple[int, int]],
    config: MxuConfig,
    touched: list[list[Access]],
) -> None:
    """Every cross-queue pair touching the same rows runs in program order."""
    sizes = row_extents(touched)
    clocks = {(q, m): RowClock(sizes[m]) for q in Queue for m in Memory}
    for index, ins in enumerate(program):
        queue = ins.QUEUE
        if queue is None:
            continue
        start, end = schedule[index]
        for access in touched[index]:
            for other in Queue:
                if other is queue:
                    continue
                clock = clocks[other, access.memory]
                if clock.latest <= start:
                    continue
                conflicts = [(clock.write_end, True)]
                if access.write:
                    conflicts.append((clock.read_end, False))
                for ends, by_write in conflicts:
                    late = np.flatnonzero(ends[access.low : access.high] > start)
                    if late.size:
                        rows = (access.low + int(late[0]), access.low + int(late[-1]))
                        raise _hazard(program, schedule, touched, index, access, rows, by_write)
        for access in touched[index]:
            clocks[queue, access.memory].record(access, end)


def _hazard(
    program: Sequence[Instruction],
    schedule: Sequence[tuple[int, int]],
    touched: list[list[Access]],
    index: int,
    access: Access,
    rows: tuple[int, int],
    by_write: bool,
) -> SimulationError:
    """The error for `access` of instruction `index` racing with an earlier instruction."""
    start = schedule[index][0]
    first, last = rows
    culprit = next(
        j
        for j in range(index - 1, -1, -1)
        if program[j].QUEUE not in (None, program[index].QUEUE)
        and schedule[j][1] > start
        and any(
            a.memory is access.memory and a.write is by_write and a.low <= first < a.high
            for a in touched[j]
        )
    )
    span = f"row {first}" if first == last else f"rows {first}..{last}"
    verb = "writes" if access.write else "reads"
    doing = "writing" if by_write else "reading"
    return instruction_error(
        program,
        index,
        f"{verb} {MEMORY_NAMES[access.memory]} {span} before "
        f"{describe(culprit, program)} has finished {doing} "
        f"{'it' if first == last else 'them'}; a dependency token must order them",
    )


def _intervals(ins: Load | Store) -> tuple[np.ndarray, np.ndarray]:
    """The DRAM byte intervals [start, end) a transfer touches, sorted."""
    row_bytes = ins.cols * ins.dtype.bytes
    starts = ins.dram_addr + np.arange(ins.rows, dtype=np.int64) * ins.stride
    return starts, starts + row_bytes


def _dram_overlap(a: Load | Store, b: Load | Store) -> tuple[int, int] | None:
    """The first byte range both transfers touch, or None."""
    a_starts, a_ends = _intervals(a)
    b_starts, b_ends = _intervals(b)
    if a_ends[-1] <= b_starts[0] or b_ends[-1] <= a_starts[0]:
        return None
    # For each interval of b, the first interval of a that ends after it starts.
    j = np.searchsorted(a_ends, b_starts, side="right")
    inside = j < len(a_starts)
    hit = np.zeros(len(b_starts), dtype=bool)
    hit[inside] = a_starts[j[inside]] < b_ends[inside]
    found = np.flatnonzero(hit)
    if found.size == 0:
        return None
    i = int(found[0])
    k = int(j[i])
    return max(int(a_starts[k]), int(b_starts[i])), min(int(a_ends[k]), int(b_ends[i])) - 1


def check_dram(program: Sequence[Instruction], schedule: Sequence[tuple[int, int]]) -> None:
    """A load must not read DRAM bytes an earlier store is still writing, and vice versa.

    Loads (and stores) start in program order, so a transfer that has ended
    before one of them starts has ended before all the later ones too and
    leaves the pending list.
    """
    pending: dict[type, list[int]] = {Load: [], Store: []}
    for index, ins in enumerate(program):
        if not isinstance(ins, Load | Store):
            continue
        start, _ = schedule[index]
        other = Store if isinstance(ins, Load) else Load
        pending[other] = [j for j in pending[other] if schedule[j][1] > start]
        for j in pending[other]:
            overlap = _dram_overlap(program[j], ins)  # type: ignore[arg-type]
            if overlap is None:
                continue
            verb, doing = ("reads", "writing") if isinstance(ins, Load) else ("writes", "reading")
            raise instruction_error(
                program,
                index,
                f"{verb} DRAM bytes {overlap[0]:#x}..{overlap[1]:#x} before "
                f"{describe(j, program)} has finished {doing} them; "
                "a dependency token or a fence must order them",
            )
        pending[type(ins)].append(index)


__all__ = ["check_dram", "check_rows", "describe", "instruction_error"]
