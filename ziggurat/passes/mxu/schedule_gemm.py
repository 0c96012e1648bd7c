"""One GEMM as a tiled, double-buffered mxu instruction stream.

`schedule_gemm(spec, config, dataflow=...)` turns C = epilogue(A @ B) (or
C += A @ B) on operands in DRAM into `load`, `loadw`/`matmul` or
`matmul_os`, `activate`, `config` and `store` instructions with dependency
tokens, for the machine `config` describes (docs/mxu.md). The tiling
decisions come from `plan.plan_gemm`, so the compiler can report them.

Weight-stationary loop order ("ws", the default). The outer loops walk
weight tiles (folds): a fold is one `loadw` of a K x N <= R x C tile of B
followed by the rows of A streamed through it. SCALE-Sim's cycle count, which
the no-overlap schedule must reproduce, streams all M rows through every
fold; the partial sums of those M rows must then stay in the accumulator from
the first K fold to the last. So:

    K <= R (one K fold):        for n: loadw B[:, n]; for m: matmul A[m] -> acc
    otherwise:                  for m: for n: for k: loadw B[k, n]; matmul A[m, k] -> acc

With one K fold nothing has to stay in the accumulator between folds, so
every fold streams all M rows, in accumulator-sized chunks that cycle
through accumulator slots while earlier chunks are activated and stored.
With several K folds, M is tiled when the partial sums of all M rows do not
fit the accumulator (M > its rows); up to half of it, two slots let one
output tile's epilogue overlap the next tile's matmuls. Without weight double
buffering that is the only reason to tile M, so the fold count is
ceil(K/R) * ceil(N/C) whenever M fits the accumulator, each fold streams all
M rows, and the array time equals SCALE-Sim's formula (plus one). Beyond the
accumulator SCALE-Sim's count, which assumes every partial sum stays on
chip, has no schedule on this machine: it is then the formula summed over M
tiles. n before k keeps one output tile in the accumulator while its K folds
accumulate, and an A panel the scratchpad holds is reused by every N tile.

Output-stationary loop order ("os"). The cells hold one output tile of at
most R rows (M) by C columns (N) while A flows in from the left and B from the
top, so the loops walk output tiles and each tile is one `matmul_os` over the
whole K (its own accumulator slot, then the same epilogue as ws):

    plan "m, n":   for m: A^T[:, m] on chip; for n: B[:, n] on chip; matmul_os -> acc
    plan "n, m":   for n: B[:, n] on chip; for m: A^T[:, m] on chip; matmul_os -> acc
    plan "m, n, k" (K chunked): for m: for n: for k:
                       A^T[k, m], B[k, n] on chip; matmul_os (accumulating after k = 0)

A^T[:, m] is A's M tile transposed (its row k is column k of the tile):
`load`s with `transpose`, one per block of at most `width` columns of K,
fill one slot.
The outer operand's panel is loaded once and stays while the inner loop runs;
the inner one stays on chip whole ("resident") when it fits, else it streams
through a ring of slots. The array time is then exactly ceil(M/R) *
ceil(N/C) * (R + C + K - 2) cycles, SCALE-Sim's output-stationary count plus
one. K is split into chunks (each costs one more fill and drain) only when
the scratchpad cannot hold whole-K operands with two slots each and the
estimate favours the split over single buffering.

Double buffering. Every buffer is a ring of slots: B chunks, A tiles or
panels, accumulator slots and result rows for `activate`. A load into a slot
waits (execute -> load token) for the last `matmul` (or `matmul_os`) that
read the slot; a `loadw`, `matmul` or `matmul_os` waits (load -> execute) for
the loads that filled its slots; a `store` waits (execute -> store) for the
`activate` or matmul that produced its rows; an `activate` or matmul that
overwrites rows a `store` still reads waits for it (store -> execute).
Tokens are counted, not named, so each direction only ever pairs producers
that finish in program order (loads, stores, matmuls, activates) and the
pairing is computed, not hand-written: an instruction pops a token only when
its newest requirement is not already covered by an earlier pop. Every
pushed token is popped inside the fragment. `activate`s are placed where the
array's own schedule has reached their start time, so in-order issue never
makes the array wait for the epilogue.

Why one module of this size: the stream is built by one `_Builder` whose
methods share the buffer rings, the tile bookkeeping and the token
assignment of both dataflows; split across modules, each half would have to
reach into the other's state.
"""

from __future__ import annotations

import bisect
import gc
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ziggurat.hardware.mxu.array import replay
from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    Activate,
    Config,
    Deps,
    DType,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    MatmulOS,
    Memory,
    Queue,
    Store,
)
from ziggurat.passes.mxu.plan import (
    DATAFLOWS,
    GemmPlan,
    GemmScheduleError,
    GemmSpec,
    plan_gemm,
)

# --- scheduling ----------------------------------------------------------------------


@dataclass(eq=False)
class _Op:
    """One instruction being scheduled, with what it must wait for in other queues."""

    ins: Instruction
    operand: str | None = None
    needs: list[_Op] = field(default_factory=list)
    position: int = -1
    """Index in its queue, once the stream is final."""
    flags: dict[str, bool] = field(default_factory=dict)
    queue: Queue | None = field(init=False)

    def __post_init__(self) -> None:
        self.queue = self.ins.QUEUE


@dataclass(eq=False)
class _Tile:
    """One output tile: M-tile `m` by N-tile `n`, in accumulator slot `slot`."""

    index: int
    m: int
    n: int
    rows: int
    cols: int
    acc_row: int
    matmuls: list[_Op] = field(default_factory=list)
    store: _Op | None = None


@dataclass(eq=False)
class _Ring:
    """The slots of one scratchpad buffer: what each holds, and who read it last."""

    base: int
    slot_rows: int
    slots: int
    content: dict[int, tuple[tuple[int, ...], _Op]] = field(default_factory=dict)
    """Slot -> (the chunk it holds, the load that filled it; the last, if several did)."""
    reader: dict[int, _Op] = field(default_factory=dict)
    """Slot -> the last instruction that read it: a load into the slot waits for it."""
    turns: int = 0

    def row(self, slot: int) -> int:
        return self.base + slot * self.slot_rows

    def held(self, slot: int, key: tuple[int, ...]) -> _Op | None:
        """The load that filled `slot` if the slot holds `key`."""
        held = self.content.get(slot)
        return held[1] if held is not None and held[0] == key else None

    def next_slot(self) -> int:
        slot, self.turns = self.turns % self.slots, self.turns + 1
        return slot

    def last_or_next(self, key: tuple[int, ...]) -> int:
        """The slot filled last if it holds `key` (consecutive uses share a load), else the next."""
        if self.turns and self.held((self.turns - 1) % self.slots, key) is not None:
            return (self.turns - 1) % self.slots
        return self.next_slot()


class _Builder:
    """Builds the stream of one GEMM for a plan (see the module docstring)."""

    def __init__(self, spec: GemmSpec, config: MxuConfig, plan: GemmPlan) -> None:
        self.spec, self.config, self.plan = spec, config, plan
        r, c = config.rows, config.cols
        self.eb, self.ob = spec.dtype.bytes, spec.out_dtype.bytes
        self.bias_base = 0
        self.out_base = self.bias_base + (4 * plan.n_tiles if spec.bias else 0)
        self.out_slot_rows = 0 if spec.stores_accumulator else plan.m_tile * self.ob
        self.depth = math.ceil(spec.k / plan.k_tiles)
        """os: the K rows of one `matmul_os` (the last chunk may be shorter)."""
        if plan.dataflow == "os":
            a_slot_rows = b_slot_rows = self.depth * self.eb
        else:
            a_slot_rows, b_slot_rows = plan.m_tile * self.eb, plan.b_chunk * r * self.eb
        a_base = self.out_base + plan.out_slots * self.out_slot_rows
        self.a = _Ring(a_base, a_slot_rows, plan.a_slots)
        self.b = _Ring(a_base + plan.a_slots * a_slot_rows, b_slot_rows, plan.b_slots)
        self.stream: list[_Op] = []
        self.tiles: list[_Tile] = []
        self.tile_at: dict[tuple[int, int], _Tile] = {}
        self.bias_loads: list[_Op] = []
        self.r, self.c = r, c

    # --- operand geometry ---

    def m_rows(self, m: int) -> int:
        return min(self.plan.m_tile, self.spec.m - m * self.plan.m_tile)

    def k_rows(self, k: int) -> int:
        return min(self.r, self.spec.k - k * self.r)

    def n_cols(self, n: int) -> int:
        return min(self.c, self.spec.n - n * self.c)

    def emit(
        self, ins: Instruction, operand: str | None = None, needs: Iterable[_Op | None] = ()
    ) -> _Op:
        """Append `ins`; `needs` may hold None for a slot nothing has read yet."""
        op = _Op(ins, operand, [x for x in needs if x is not None])
        self.stream.append(op)
        return op

    # --- loads ---

    def a_tile(self, m: int, k: int) -> tuple[int, _Op]:
        """The slot of A tile (m, k), loaded into it unless it already holds it."""
        plan, ring = self.plan, self.a
        if plan.a_buffer == "resident":
            slot = m * plan.k_tiles + k
        elif plan.a_buffer == "panels":
            slot = (m % (plan.a_slots // plan.k_tiles)) * plan.k_tiles + k
        else:
            slot = ring.next_slot()
        held = ring.held(slot, (m, k))
        if plan.a_buffer != "stream" and held is not None:
            return slot, held
        spec = self.spec
        load = self.emit(
            Load(
                memory=Memory.SPAD,
                row=ring.row(slot),
                dram_addr=spec.a_offset + m * plan.m_tile * spec.a_stride + k * self.r * self.eb,
                stride=spec.a_stride,
                rows=self.m_rows(m),
                cols=self.k_rows(k),
                dtype=spec.dtype,
            ),
            "a",
            [ring.reader.get(slot)],
        )
        ring.content[slot] = ((m, k), load)
        return slot, load

    def b_chunk(self, m: int, n: int, k: int) -> tuple[int, _Op]:
        """The slot of the B chunk holding K tile k of column panel n, loaded if needed."""
        plan, ring = self.plan, self.b
        chunk = k // plan.b_chunk
        if plan.b_buffer == "resident":
            key: tuple[int, ...] = (0, n, chunk)
            slot = n * math.ceil(plan.k_tiles / plan.b_chunk) + chunk
        else:
            key = (m, n, chunk)
            slot = ring.last_or_next(key)
        held = ring.held(slot, key)
        if held is not None:
            return slot, held
        k0 = chunk * plan.b_chunk * self.r
        load = self.emit(
            self.b_load(ring.row(slot), k0, plan.b_chunk * self.r, n), "b", [ring.reader.get(slot)]
        )
        ring.content[slot] = (key, load)
        return slot, load

    def b_load(self, row: int, k0: int, rows: int, n: int) -> Load:
        """Rows k0, k0 + 1, ... (at most `rows`) of B's column panel n into `row`."""
        spec = self.spec
        return Load(
            memory=Memory.SPAD,
            row=row,
            dram_addr=spec.b_offset + k0 * spec.b_stride + n * self.c * self.eb,
            stride=spec.b_stride,
            rows=min(rows, spec.k - k0),
            cols=self.n_cols(n),
            dtype=spec.dtype,
        )

    def os_chunk(self, operand: str, index: int, k: int) -> tuple[int, _Op]:
        """The slot of K chunk k of A's M tile or B's N tile `index`, loaded if needed.

        A arrives transposed (row j of the slot holds column k0 + j of the M
        tile), through the transposer in blocks of at most `width` columns.
        """
        plan, spec = self.plan, self.spec
        ring, buffer = (self.a, plan.a_buffer) if operand == "a" else (self.b, plan.b_buffer)
        key = (index, k)
        slot = index * plan.k_tiles + k if buffer == "resident" else ring.last_or_next(key)
        held = ring.held(slot, key)
        if held is not None:
            return slot, held
        k0, row = k * self.depth, ring.row(slot)
        depth = min(self.depth, spec.k - k0)
        waits: list[_Op | None] = [ring.reader.get(slot)]
        load: _Op | None = None
        if operand == "b":
            load = self.emit(self.b_load(row, k0, depth, index), "b", waits)
        else:
            width = self.config.width
            for j in range(0, depth, width):
                load = self.emit(
                    Load(
                        memory=Memory.SPAD,
                        row=row + j * self.eb,
                        dram_addr=spec.a_offset
                        + index * plan.m_tile * spec.a_stride
                        + (k0 + j) * self.eb,
                        stride=spec.a_stride,
                        rows=self.m_rows(index),
                        cols=min(width, depth - j),
                        dtype=spec.dtype,
                        transpose=True,
                    ),
                    "a",
                    waits,
                )
                waits = []  # the loads into one slot run in order on the load queue
        assert load is not None  # depth >= 1, so at least one load
        ring.content[slot] = (key, load)
        return slot, load

    def load_bias(self) -> None:
        spec, nf = self.spec, self.plan.n_tiles
        acc = spec.acc_dtype
        full = nf if spec.n % self.c == 0 else nf - 1
        row_bytes = self.c * acc.bytes
        if full:
            self.bias_loads.append(
                self.emit(
                    Load(
                        memory=Memory.SPAD,
                        row=self.bias_base,
                        dram_addr=spec.bias_offset,
                        stride=row_bytes,
                        rows=full,
                        cols=self.c,
                        dtype=acc,
                    ),
                    "bias",
                )
            )
        if full < nf:
            self.bias_loads.append(
                self.emit(
                    Load(
                        memory=Memory.SPAD,
                        row=self.bias_base + 4 * full,
                        dram_addr=spec.bias_offset + full * row_bytes,
                        stride=row_bytes,
                        rows=1,
                        cols=self.n_cols(full),
                        dtype=acc,
                    ),
                    "bias",
                )
            )

    # --- the folds ---

    def folds(self) -> list[tuple[int, int, list[int]]]:
        plan = self.plan
        if plan.k_tiles == 1:
            return [(0, n, list(range(plan.m_tiles))) for n in range(plan.n_tiles)]
        return [
            (k, n, [m])
            for m in range(plan.m_tiles)
            for n in range(plan.n_tiles)
            for k in range(plan.k_tiles)
        ]

    def new_tile(self, m: int, n: int) -> _Tile:
        index = len(self.tiles)
        tile = _Tile(
            index,
            m,
            n,
            self.m_rows(m),
            self.n_cols(n),
            (index % self.plan.acc_slots) * self.plan.m_tile,
        )
        self.tiles.append(tile)
        self.tile_at[(m, n)] = tile
        return tile

    def accumulator_input(self, tile: _Tile) -> _Op:
        """C(tile) into its accumulator slot, once the store that read the slot is done.

        Load and store are not neighbouring queues: the load waits for an execute
        instruction that itself waited for the store (store -> execute -> load).
        """
        spec, slots = self.spec, self.plan.acc_slots
        needs: list[_Op] = []
        if tile.index >= slots:
            previous = self.tiles[tile.index - slots]
            assert previous.store is not None
            if slots == 1:
                # No other tile runs in between: a one-cycle `config` relays the token.
                relay = self.emit(
                    Config(scale=spec.scale, shift=spec.shift), None, [previous.store]
                )
            else:
                before = self.tiles[tile.index - 1]
                relay = before.matmuls[0] if slots >= 3 else before.matmuls[-1]
                relay.needs.append(previous.store)
            needs.append(relay)
        return self.emit(
            Load(
                memory=Memory.ACC,
                row=tile.acc_row,
                dram_addr=spec.c_offset
                + tile.m * self.plan.m_tile * spec.c_stride
                + tile.n * self.c * self.ob,
                stride=spec.c_stride,
                rows=tile.rows,
                cols=tile.cols,
                dtype=spec.acc_dtype,
            ),
            "c",
            needs,
        )

    def store(self, tile: _Tile, source: _Op, memory: Memory, row: int) -> _Op:
        spec = self.spec
        tile.store = _Op(
            Store(
                memory=memory,
                row=row,
                dram_addr=spec.c_offset
                + tile.m * self.plan.m_tile * spec.c_stride
                + tile.n * self.c * self.ob,
                stride=spec.c_stride,
                rows=tile.rows,
                cols=tile.cols,
                dtype=spec.out_dtype,
            ),
            "c",
            [source],
        )
        return tile.store

    def tile_inputs(self, tile: _Tile) -> list[_Op]:
        """What the first matmul of a new output tile waits for besides its operands.

        C in its accumulator slot (accumulating), or, when C leaves straight from
        the accumulator, the store of the tile that used the slot before.
        """
        spec, slots = self.spec, self.plan.acc_slots
        needs: list[_Op] = []
        if spec.accumulate:
            needs.append(self.accumulator_input(tile))
        if spec.stores_accumulator and tile.index >= slots:
            needs.append(self.tiles[tile.index - slots].store)  # type: ignore[arg-type]
        return needs

    def build_folds(self) -> None:
        """The weight-stationary loops: `loadw` a weight tile, stream A tiles through it."""
        spec, plan = self.spec, self.plan
        for index, (k, n, ms) in enumerate(self.folds()):
            b_slot, b_load = self.b_chunk(ms[0], n, k)
            self.emit(
                LoadWeights(
                    row=self.b.row(b_slot) + (k % plan.b_chunk) * self.r * self.eb,
                    rows=self.k_rows(k),
                    cols=self.n_cols(n),
                    dtype=spec.dtype,
                ),
                None,
                [b_load],
            )
            first_matmul: _Op | None = None
            for m in ms:
                a_slot, a_load = self.a_tile(m, k)
                if index == 0 and m == ms[0] and spec.bias:
                    self.load_bias()
                tile = self.tile_at.get((m, n)) if k else None
                needs = [a_load]
                if tile is None:
                    tile = self.new_tile(m, n)
                    needs += self.tile_inputs(tile)
                matmul = self.emit(
                    Matmul(
                        row=self.a.row(a_slot),
                        rows=tile.rows,
                        acc_row=tile.acc_row,
                        dtype=spec.dtype,
                        accumulate=k > 0 or spec.accumulate,
                    ),
                    None,
                    needs,
                )
                tile.matmuls.append(matmul)
                self.a.reader[a_slot] = matmul
                first_matmul = first_matmul or matmul
                if k == plan.k_tiles - 1 and spec.stores_accumulator:
                    self.stream.append(self.store(tile, matmul, Memory.ACC, tile.acc_row))
            self.b.reader[b_slot] = first_matmul  # type: ignore[assignment]

    def build_output_stationary(self) -> None:
        """The output-stationary loops: per output tile, `matmul_os` over each K chunk."""
        spec, plan = self.spec, self.plan
        ms, ns = range(plan.m_tiles), range(plan.n_tiles)
        if plan.loop_order == "n, m":
            order = [(m, n) for n in ns for m in ms]
        else:
            order = [(m, n) for m in ms for n in ns]
        for m, n in order:
            tile = self.new_tile(m, n)
            for k in range(plan.k_tiles):
                a_slot, a_load = self.os_chunk("a", m, k)
                b_slot, b_load = self.os_chunk("b", n, k)
                if tile.index == 0 and k == 0 and spec.bias:
                    self.load_bias()
                needs = [a_load, b_load] + (self.tile_inputs(tile) if k == 0 else [])
                matmul = self.emit(
                    MatmulOS(
                        a_row=self.a.row(a_slot),
                        b_row=self.b.row(b_slot),
                        depth=min(self.depth, spec.k - k * self.depth),
                        rows=tile.rows,
                        cols=tile.cols,
                        acc_row=tile.acc_row,
                        dtype=spec.dtype,
                        accumulate=k > 0 or spec.accumulate,
                    ),
                    None,
                    needs,
                )
                tile.matmuls.append(matmul)
                self.a.reader[a_slot] = self.b.reader[b_slot] = matmul
            if spec.stores_accumulator:
                self.stream.append(self.store(tile, tile.matmuls[-1], Memory.ACC, tile.acc_row))

    # --- the epilogue through the activation unit ---

    def array_times(self) -> dict[int, tuple[int, int]]:
        """Start and end of every loadw, matmul and matmul_os in the array's own schedule."""
        stream = self.stream
        return {
            id(stream[index]): (start, end)
            for index, start, end in replay((op.ins for op in stream), self.config)
        }

    def place_epilogue(self) -> None:
        """Insert each tile's `activate` and `store` where the array has reached its start."""
        spec, plan, config = self.spec, self.plan, self.config
        times = self.array_times()
        position = {id(op): i for i, op in enumerate(self.stream)}
        array_ops = [i for i, op in enumerate(self.stream) if id(op) in times]
        starts = [times[id(self.stream[i])][0] for i in array_ops]
        # Tiles finish in index order, and their activates start no earlier than the
        # previous one ends, so each insertion point lies at or after the last one.
        inserts: dict[int, list[_Op]] = {}
        unit_free = 0
        j = 0
        for tile in self.tiles:
            last = tile.matmuls[-1]
            start = max(times[id(last)][1], unit_free)
            unit_free = start + config.activation_latency + tile.rows
            limit = len(self.stream)
            if tile.index + plan.acc_slots < len(self.tiles):
                limit = position[id(self.tiles[tile.index + plan.acc_slots].matmuls[0])]
            j = max(j, bisect.bisect_right(array_ops, position[id(last)]))
            while j < len(array_ops) and starts[j] < start and array_ops[j] < limit:
                j += 1
            at = min(array_ops[j] if j < len(array_ops) else len(self.stream), limit)
            out_row = self.out_base + (tile.index % plan.out_slots) * self.out_slot_rows
            needs = list(self.bias_loads)
            if tile.index >= plan.out_slots:
                needs.append(self.tiles[tile.index - plan.out_slots].store)  # type: ignore[arg-type]
            activate = _Op(
                Activate(
                    acc_row=tile.acc_row,
                    rows=tile.rows,
                    row=out_row,
                    cols=tile.cols,
                    dtype=spec.out_dtype,
                    func=spec.func,
                    has_bias=spec.bias,
                    bias_row=self.bias_base + 4 * tile.n if spec.bias else 0,
                ),
                None,
                needs,
            )
            inserts.setdefault(at, []).extend(
                [activate, self.store(tile, activate, Memory.SPAD, out_row)]
            )
        stream: list[_Op] = []
        for i, op in enumerate(self.stream):
            stream += inserts.get(i, [])
            stream.append(op)
        stream += inserts.get(len(self.stream), [])
        self.stream = stream

    # --- tokens ---

    def assign_tokens(self) -> None:
        members: dict[Queue, list[_Op]] = {queue: [] for queue in Queue}
        for op in self.stream:
            assert op.queue is not None
            op.position = len(members[op.queue])
            members[op.queue].append(op)
        # (producer queue, consumer queue, consumer's pop flag, producer's push flag)
        directions = (
            (Queue.LOAD, Queue.EXECUTE, "pop_prev", "push_next"),
            (Queue.EXECUTE, Queue.LOAD, "pop_next", "push_prev"),
            (Queue.EXECUTE, Queue.STORE, "pop_prev", "push_next"),
            (Queue.STORE, Queue.EXECUTE, "pop_next", "push_prev"),
        )
        for producer, consumer, pop, push in directions:
            covered = -1
            for op in members[consumer]:
                newest: _Op | None = None
                for x in op.needs:
                    if x.queue is producer and (newest is None or x.position > newest.position):
                        newest = x
                if newest is None or newest.position <= covered:
                    continue
                op.flags[pop] = True
                newest.flags[push] = True
                covered = newest.position

    def build(self) -> list[tuple[Instruction, str | None]]:
        if self.spec.out_dtype is DType.I8:
            self.emit(Config(scale=self.spec.scale, shift=self.spec.shift))
        if self.plan.dataflow == "os":
            self.build_output_stationary()
        else:
            self.build_folds()
        if not self.spec.stores_accumulator:
            self.place_epilogue()
        self.assign_tokens()
        return [
            (replace(op.ins, deps=Deps(**op.flags)) if op.flags else op.ins, op.operand)  # type: ignore[call-arg]
            for op in self.stream
        ]


def schedule_gemm(
    spec: GemmSpec, config: MxuConfig, *, double_buffer: bool = True, dataflow: str = "ws"
) -> tuple[GemmPlan, list[tuple[Instruction, str | None]]]:
    """The plan and the instruction stream of one GEMM, without `halt`.

    `dataflow` is "ws" (`loadw` + `matmul`) or "os" (`matmul_os`, A loaded
    transposed). Each `load` and `store` is paired with the operand it
    addresses ("a", "b", "c" or "bias"), its `dram_addr` being a byte offset
    inside that operand; other instructions pair with None. Every token the
    fragment pushes it also pops, so fragments can be joined with `fence`s.
    """
    plan = plan_gemm(spec, config, double_buffer=double_buffer, dataflow=dataflow)
    # A large GEMM allocates millions of small acyclic objects: the cycle collector's
    # passes over them would double the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return plan, _Builder(spec, config, plan).build()
    finally:
        if collecting:
            gc.enable()


__all__ = [
    "DATAFLOWS",
    "GemmPlan",
    "GemmScheduleError",
    "GemmSpec",
    "plan_gemm",
    "schedule_gemm",
]
