"""When each mxu instruction runs: the schedule of docs/mxu.md, "Timing model".

The three queues issue in program order and wait on each other only through
dependency tokens and fences, so the schedule is computed with a worklist over
the three queue heads: a head is placed as soon as every token it pops has a
placed producer and every fence before it has passed. When no head can move
the program deadlocks, and the simulator says which `pop` waits forever.

The schedule is then checked against the program-order semantics
(functional.py): every pair of instructions from different queues that touch
the same rows (or DRAM bytes) must run in program order, the later one starting
no earlier than the earlier one ends. The hardware does not order them, so a
program that relies on luck is rejected with the tokens it is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ziggurat.hardware.mxu_config import MxuConfig
from ziggurat.hardware.mxu_isa import (
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
from ziggurat.targets.mxu.functional import MEMORY_NAMES, SimulationError

UNITS = ("load", "weights", "array", "activation", "store")
"""The units `busy` counts, in pipeline order."""
STALL_CAUSES = ("token", "unit", "scoreboard", "fence")
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


def duration(ins: Instruction, config: MxuConfig) -> int:
    """Cycles from start to end, from the table in docs/mxu.md."""
    if isinstance(ins, Load | Store):
        moved = ins.rows * ins.cols * ins.dtype.bytes
        return config.dma_latency + -(-moved // config.dma_bytes_per_cycle)
    if isinstance(ins, LoadWeights):
        return config.weight_cycles
    if isinstance(ins, Matmul):
        return ins.rows + config.rows + config.cols - 2
    if isinstance(ins, MatmulOS):
        return ins.depth + config.rows + config.cols - 2
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


def _describe(index: int, program: Sequence[Instruction]) -> str:
    return f"instruction {index} ({program[index].MNEMONIC})"


def _fail(program: Sequence[Instruction], index: int, reason: str) -> SimulationError:
    return SimulationError(reason, index, program[index].MNEMONIC)


class ArrayUnit:
    """When `loadw`, `matmul` and `matmul_os` may start: the weight path, buffers and array.

    Shared by the full schedule and by `array_cycles`, which replays these
    instructions alone, so both use one statement of the rules. A `matmul_os`
    holds the whole array (its sums live in the cells until they drain): it
    waits for every earlier product to end and the next one waits for its end.
    It leaves the weight path and buffers alone, so a `loadw` may overlap it.
    """

    def __init__(self, config: MxuConfig) -> None:
        self.config = config
        self.buffers = 2 if config.double_buffer_weights else 1
        self.weight_path_free = 0
        self.buffer_free = [0] * self.buffers
        """Per buffer: the end of the last matmul that used it."""
        self.loads = 0
        self.current = 0
        """The buffer holding the most recently loaded tile."""
        self.tile_ready = 0
        self.array_accepts = 0
        self.array_idle = 0
        """The latest end of a `matmul` or `matmul_os`: when the cells are empty."""

    def loadw_ready(self) -> int:
        """The loadw writes the next buffer in turn, once its last matmul ended."""
        return max(self.weight_path_free, self.buffer_free[self.loads % self.buffers])

    def place_loadw(self, end: int) -> None:
        self.current = self.loads % self.buffers
        self.loads += 1
        self.weight_path_free = end
        self.tile_ready = end

    def matmul_ready(self) -> int:
        return max(self.array_accepts, self.tile_ready)

    def place_matmul(self, start: int, rows: int, end: int) -> None:
        self.array_accepts = start + rows
        self.buffer_free[self.current] = max(self.buffer_free[self.current], end)
        self.array_idle = max(self.array_idle, end)

    def matmul_os_ready(self) -> int:
        return max(self.array_accepts, self.array_idle)

    def place_matmul_os(self, end: int) -> None:
        self.array_accepts = end
        self.array_idle = max(self.array_idle, end)


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
        """Scoreboard per (queue, memory, matmul-only); see `_scoreboard`."""

    # --- tokens ------------------------------------------------------------------

    def check_token_counts(self) -> None:
        """A pop with no matching push anywhere in the program can never start."""
        for index, pops in enumerate(self.pops):
            for direction, k in pops:
                if k >= len(self.pushers[direction]):
                    source, sink = _DIRECTION_ENDS[direction]
                    pushed = len(self.pushers[direction])
                    raise _fail(
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

    def _clock(self, queue: Queue, memory: Memory, matmul_only: bool) -> RowClock:
        key = (queue, memory, matmul_only)
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
            others_only = matmul and access.memory is Memory.ACC
            clock = self._clock(queue, access.memory, others_only)
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
        if isinstance(ins, LoadWeights):
            return self.array.loadw_ready()
        if isinstance(ins, Matmul):
            return self.array.matmul_ready()
        if isinstance(ins, MatmulOS):
            return self.array.matmul_os_ready()
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
        if isinstance(ins, LoadWeights):
            self.array.place_loadw(end)
        elif isinstance(ins, Matmul):
            self.array.place_matmul(start, ins.rows, end)
        elif isinstance(ins, MatmulOS):
            self.array.place_matmul_os(end)
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
        reason = f"waits for a token from {_describe(producer, self.program)}, which "
        if producer > fence > index:
            reason += (
                f"comes after the {self.program[fence].MNEMONIC} at instruction {fence} "
                "and so cannot start before this one ends (deadlock)"
            )
        else:
            reason += "can never start: the queues wait for each other (deadlock)"
        raise _fail(self.program, index, reason)


# --- checking the schedule against program order ---------------------------------------


def _check_rows(
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
    return _fail(
        program,
        index,
        f"{verb} {MEMORY_NAMES[access.memory]} {span} before "
        f"{_describe(culprit, program)} has finished {doing} "
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


def _check_dram(program: Sequence[Instruction], schedule: Sequence[tuple[int, int]]) -> None:
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
            raise _fail(
                program,
                index,
                f"{verb} DRAM bytes {overlap[0]:#x}..{overlap[1]:#x} before "
                f"{_describe(j, program)} has finished {doing} them; "
                "a dependency token or a fence must order them",
            )
        pending[type(ins)].append(index)


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


def array_cycles(program: Sequence[Instruction], config: MxuConfig) -> int:
    """The `loadw`, `matmul` and `matmul_os` instructions replayed alone, first start to last end.

    Only the rules between them remain (in-order issue, the weight path, the
    weight buffers, the array): no token, fence, DMA or activation waits, so
    the figure is the GEMM's own time and comparable with the closed forms.
    """
    unit = ArrayUnit(config)
    issue = 0
    first: int | None = None
    last_end = 0
    for ins in program:
        if isinstance(ins, LoadWeights):
            start = max(issue, unit.loadw_ready())
            end = start + config.weight_cycles
            unit.place_loadw(end)
        elif isinstance(ins, Matmul):
            start = max(issue, unit.matmul_ready())
            end = start + duration(ins, config)
            unit.place_matmul(start, ins.rows, end)
        elif isinstance(ins, MatmulOS):
            start = max(issue, unit.matmul_os_ready())
            end = start + duration(ins, config)
            unit.place_matmul_os(end)
        else:
            continue
        if first is None:
            first = start
        last_end = max(last_end, end)
        issue = start
    return 0 if first is None else last_end - first


def schedule_program(program: Sequence[Instruction], config: MxuConfig) -> Timing:
    """Schedule a validated program; SimulationError on a deadlock or a missing token."""
    touched = [accesses(ins) for ins in program]
    scheduler = _Scheduler(program, config, touched)
    scheduler.check_token_counts()
    scheduler.run()
    schedule = list(zip(scheduler.start, scheduler.end, strict=True))
    _check_rows(program, schedule, config, touched)
    _check_dram(program, schedule)
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
