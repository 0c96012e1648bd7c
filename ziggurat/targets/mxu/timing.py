"""When each mxu instruction runs: the schedule of docs/mxu.md, "Timing model".

The three queues issue in program order and wait on each other only through
dependency tokens and fences, so the schedule is computed with a worklist over
the three queue heads: a head is placed as soon as every token it pops has a
placed producer and every fence before it has passed. When no head can move
the program deadlocks, and the simulator says which `pop` waits forever.

The weight path and the array follow `ziggurat.hardware.mxu.array`, the rules
the compiler's GEMM scheduler also uses. The schedule is then checked against
the program-order semantics (functional.py) by hazards.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ziggurat.hardware.mxu.array import ArrayInstruction, ArrayUnit, array_cycles, array_duration
from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    Activate,
    Config,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    MatmulOS,
    Memory,
    Queue,
    Store,
)
from ziggurat.targets.mxu.hazards import check_dram, check_rows, describe, instruction_error
from ziggurat.targets.mxu.rows import Access, RowClock, accesses, row_extents

UNITS: tuple[str, ...] = ("load", "weights", "array", "activation", "store")
"""The units `busy` counts, in pipeline order."""
STALL_CAUSES: tuple[str, ...] = ("token", "unit", "scoreboard", "fence")
"""Why an instruction waited after its queue could issue it."""

QUEUE_NAMES = {Queue.LOAD: "load", Queue.EXECUTE: "execute", Queue.STORE: "store"}

# Token directions, each counted separately.
LOAD_TO_EXECUTE, EXECUTE_TO_LOAD, EXECUTE_TO_STORE, STORE_TO_EXECUTE = range(4)
_DIRECTION_ENDS = {
    LOAD_TO_EXECUTE: (Queue.LOAD, Queue.EXECUTE),
    EXECUTE_TO_LOAD: (Queue.EXECUTE, Queue.LOAD),
    EXECUTE_TO_STORE: (Queue.EXECUTE, Queue.STORE),
    STORE_TO_EXECUTE: (Queue.STORE, Queue.EXECUTE),
}
_POPS = {  # (queue, flag) -> direction the token comes from
    (Queue.LOAD, "pop_next"): EXECUTE_TO_LOAD,
    (Queue.EXECUTE, "pop_prev"): LOAD_TO_EXECUTE,
    (Queue.EXECUTE, "pop_next"): STORE_TO_EXECUTE,
    (Queue.STORE, "pop_prev"): EXECUTE_TO_STORE,
}
_PUSHES = {
    (Queue.LOAD, "push_next"): LOAD_TO_EXECUTE,
    (Queue.EXECUTE, "push_prev"): EXECUTE_TO_LOAD,
    (Queue.EXECUTE, "push_next"): EXECUTE_TO_STORE,
    (Queue.STORE, "push_prev"): STORE_TO_EXECUTE,
}


def duration(ins: Instruction, config: MxuConfig) -> int:
    """Cycles from start to end, from the table in docs/mxu.md."""
    if isinstance(ins, Load | Store):
        moved = ins.rows * ins.cols * ins.dtype.bytes
        return config.dma_latency + -(-moved // config.dma_bytes_per_cycle)
    if isinstance(ins, ArrayInstruction):
        return array_duration(ins, config)
    if isinstance(ins, Activate):
        return config.activation_latency + ins.rows
    if isinstance(ins, Config):
        return 1
    return 0


def unit_of(ins: Instruction) -> str | None:
    """The unit an instruction occupies (None for fence and halt)."""
    if isinstance(ins, Load):
        return "load"
    if isinstance(ins, Store):
        return "store"
    if isinstance(ins, LoadWeights):
        return "weights"
    if isinstance(ins, Matmul | MatmulOS):
        return "array"
    if isinstance(ins, Activate | Config):
        return "activation"
    return None


@dataclass
class Timing:
    """The schedule and the counters derived from it."""

    schedule: list[tuple[int, int]]
    cycles: int
    array_cycles: int
    busy: dict[str, int] = field(default_factory=dict)
    stalls: dict[str, int] = field(default_factory=dict)


class _Scheduler:
    """Places instructions one queue head at a time (see the module docstring)."""

    def __init__(
        self, program: Sequence[Instruction], config: MxuConfig, touched: list[list[Access]]
    ) -> None:
        self.program = program
        self.config = config
        self.touched = touched
        self.durations = [duration(ins, config) for ins in program]
        n = len(program)
        self.start = [0] * n
        self.end = [0] * n
        self.placed = [False] * n
        self.queues: dict[Queue, list[int]] = {q: [] for q in Queue}
        self.fences: list[int] = []
        self.pops: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.pushers: list[list[int]] = [[] for _ in _DIRECTION_ENDS]
        popped = [0] * len(_DIRECTION_ENDS)
        for index, ins in enumerate(program):
            queue = ins.QUEUE
            if queue is None:
                self.fences.append(index)
                continue
            self.queues[queue].append(index)
            deps = ins.deps  # type: ignore[attr-defined]
            for (q, flag), direction in _POPS.items():
                if q is queue and getattr(deps, flag):
                    self.pops[index].append((direction, popped[direction]))
                    popped[direction] += 1
            for (q, flag), direction in _PUSHES.items():
                if q is queue and getattr(deps, flag):
                    self.pushers[direction].append(index)
        self.stalls = dict.fromkeys(STALL_CAUSES, 0)
        self.array = ArrayUnit(config)
        self.unit_free = dict.fromkeys(UNITS, 0)
        self.queue_start = dict.fromkeys(Queue, 0)
        self.fence_time = 0
        self.latest_end = 0
        self.extents = row_extents(touched)
        self.clocks: dict[tuple[Queue, Memory, bool], RowClock] = {}
        """Scoreboard per (queue, memory, excluding matmuls); see `_scoreboard`."""

    # --- tokens ------------------------------------------------------------------

    def check_token_counts(self) -> None:
        """A pop with no matching push anywhere in the program can never start."""
        for index, pops in enumerate(self.pops):
            for direction, k in pops:
                if k >= len(self.pushers[direction]):
                    source, sink = _DIRECTION_ENDS[direction]
                    pushed = len(self.pushers[direction])
                    raise instruction_error(
                        self.program,
                        index,
                        f"pops token {k + 1} from the {QUEUE_NAMES[source]} queue, but the "
                        f"{QUEUE_NAMES[source]} queue pushes only {pushed} to the "
                        f"{QUEUE_NAMES[sink]} queue: it would wait forever (deadlock)",
                    )

    def _token_producer(self, index: int) -> tuple[int, int | None]:
        """(the time every popped token is there, a producer not placed yet or None)."""
        ready = 0
        for direction, k in self.pops[index]:
            producer = self.pushers[direction][k]
            if not self.placed[producer]:
                return 0, producer
            ready = max(ready, self.end[producer])
        return ready, None

    # --- scoreboard --------------------------------------------------------------

    def _clock(self, queue: Queue, memory: Memory, excluding_matmuls: bool) -> RowClock:
        key = (queue, memory, excluding_matmuls)
        clock = self.clocks.get(key)
        if clock is None:
            clock = self.clocks[key] = RowClock(self.extents[memory])
        return clock

    def _scoreboard(self, index: int, ins: Instruction, queue: Queue) -> int:
        """When the earlier instructions of the queue touching the same rows have ended.

        Accumulator accesses are kept twice, once for every instruction and once
        for every instruction but matmuls, which a matmul consults instead: the
        array writes accumulator rows in stream order, so matmuls do not wait
        for each other.
        """
        ready = 0
        matmul = isinstance(ins, Matmul)
        for access in self.touched[index]:
            excluding_matmuls = matmul and access.memory is Memory.ACC
            clock = self._clock(queue, access.memory, excluding_matmuls)
            ready = max(ready, clock.busy_until(access))
        return ready

    def _record(self, index: int, ins: Instruction, queue: Queue, end: int) -> None:
        matmul = isinstance(ins, Matmul)
        for access in self.touched[index]:
            self._clock(queue, access.memory, False).record(access, end)
            if access.memory is Memory.ACC and not matmul:
                self._clock(queue, access.memory, True).record(access, end)

    # --- placing -----------------------------------------------------------------

    def _unit_ready(self, ins: Instruction) -> int:
        if isinstance(ins, ArrayInstruction):
            return self.array.ready(ins)
        unit = unit_of(ins)
        return self.unit_free[unit] if unit is not None else 0

    def _place(self, index: int, token_ready: int) -> None:
        ins = self.program[index]
        queue = ins.QUEUE
        assert queue is not None
        issue = self.queue_start[queue]
        # Listed in the order that names the cause when several release together.
        waits = (
            ("fence", self.fence_time),
            ("token", token_ready),
            ("unit", self._unit_ready(ins)),
            ("scoreboard", self._scoreboard(index, ins, queue)),
        )
        start = max(issue, *(t for _, t in waits))
        if start > issue:
            cause = next(name for name, t in waits if t == start)
            self.stalls[cause] += start - issue
        end = start + self.durations[index]
        self.start[index], self.end[index] = start, end
        self.placed[index] = True
        self.queue_start[queue] = start
        self.latest_end = max(self.latest_end, end)
        self._record(index, ins, queue, end)
        if isinstance(ins, ArrayInstruction):
            self.array.place(ins, start)
        else:
            unit = unit_of(ins)
            if unit is not None:
                self.unit_free[unit] = end

    def run(self) -> None:
        heads = dict.fromkeys(Queue, 0)
        fence_at = 0  # position in self.fences of the first fence not passed
        while True:
            fence = self.fences[fence_at] if fence_at < len(self.fences) else len(self.program)
            moved = False
            blocked: list[tuple[int, int]] = []  # (popping instruction, unplaced producer)
            for queue, members in self.queues.items():
                while heads[queue] < len(members):
                    index = members[heads[queue]]
                    if index > fence:
                        break
                    token_ready, producer = self._token_producer(index)
                    if producer is not None:
                        blocked.append((index, producer))
                        break
                    self._place(index, token_ready)
                    heads[queue] += 1
                    moved = True
            if all(
                heads[q] == len(members) or members[heads[q]] > fence
                for q, members in self.queues.items()
            ):
                if fence_at == len(self.fences):
                    return
                # Every instruction before the fence has been placed.
                self.fence_time = max(self.fence_time, self.latest_end)
                self.start[fence] = self.end[fence] = self.fence_time
                self.placed[fence] = True
                fence_at += 1
                moved = True
            if not moved:
                self._deadlock(min(blocked), fence)

    def _deadlock(self, stuck: tuple[int, int], fence: int) -> None:
        index, producer = stuck
        reason = f"waits for a token from {describe(producer, self.program)}, which "
        if producer > fence > index:
            reason += (
                f"comes after the {self.program[fence].MNEMONIC} at instruction {fence} "
                "and so cannot start before this one ends (deadlock)"
            )
        else:
            reason += "can never start: the queues wait for each other (deadlock)"
        raise instruction_error(self.program, index, reason)


# --- statistics -----------------------------------------------------------------------


def _union_length(starts: np.ndarray, ends: np.ndarray) -> int:
    """Cycles covered by at least one of the intervals [start, end), sorted by start."""
    if len(starts) == 0:
        return 0
    covered_to = np.maximum.accumulate(ends)
    gaps = np.maximum(starts[1:] - covered_to[:-1], 0).sum()
    return int(covered_to[-1] - starts[0] - gaps)


def _busy(program: Sequence[Instruction], schedule: Sequence[tuple[int, int]]) -> dict[str, int]:
    spans: dict[str, list[tuple[int, int]]] = {unit: [] for unit in UNITS}
    for ins, span in zip(program, schedule, strict=True):
        unit = unit_of(ins)
        if unit is not None:
            spans[unit].append(span)
    busy = {}
    for unit, pairs in spans.items():
        array = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        busy[unit] = _union_length(array[:, 0], array[:, 1])
    return busy


def schedule_program(program: Sequence[Instruction], config: MxuConfig) -> Timing:
    """Schedule a validated program; SimulationError on a deadlock or a missing token."""
    touched = [accesses(ins) for ins in program]
    scheduler = _Scheduler(program, config, touched)
    scheduler.check_token_counts()
    scheduler.run()
    schedule = list(zip(scheduler.start, scheduler.end, strict=True))
    check_rows(program, schedule, config, touched)
    check_dram(program, schedule)
    return Timing(
        schedule=schedule,
        cycles=max((end for _, end in schedule), default=0),
        array_cycles=array_cycles(program, config),
        busy=_busy(program, schedule),
        stalls=scheduler.stalls,
    )


__all__ = [
    "STALL_CAUSES",
    "UNITS",
    "Access",
    "ArrayUnit",
    "Timing",
    "accesses",
    "array_cycles",
    "duration",
    "schedule_program",
    "unit_of",
]
