"""One GEMM as a tiled, double-buffered mxu instruction stream.

`schedule_gemm(spec, config)` turns C = epilogue(A @ B) (or C += A @ B) on
operands in DRAM into `load`, `loadw`, `matmul`, `activate`, `config` and
`store` instructions with dependency tokens, for the machine `config`
describes (docs/mxu.md). `plan_gemm` makes the tiling decisions alone, so the
compiler can report them.

Loop order. The array is weight-stationary, so the outer loops walk weight
tiles (folds): a fold is one `loadw` of a K x N <= R x C tile of B followed by
the rows of A streamed through it. SCALE-Sim's cycle count, which the
no-overlap schedule must reproduce, streams all M rows through every fold;
the partial sums of those M rows must then stay in the accumulator from the
first K fold to the last. So:

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
tiles. With weight double buffering, extra folds cost almost no array time
(each weight load hides behind the previous stream), so a smaller M tile may
win on estimated cycles when it lets an A panel stay on chip.

Data reuse. n before k keeps one output tile in the accumulator while its K
folds accumulate, and the A panel of an M tile (its K/R tiles) is loaded
once and reused by every N tile when the scratchpad holds it ("resident", or
"panels": a panel slot per M tile in flight); otherwise A tiles are
streamed again for each fold ("stream"). B is loaded one column panel (or a
chunk of K tiles of it) per transfer, so one DMA brings several weight tiles;
with several M tiles B stays resident when it fits. Among the arrangements
that fit, the planner takes the one with the least estimated time: the
busiest of array, load DMA and store DMA, plus what single-slot buffers
leave exposed.

Double buffering. Every buffer is a ring of slots: B chunks, A tiles or
panels, accumulator slots and result rows for `activate`. A load into a slot
waits (execute -> load token) for the last `matmul` that read the slot; a
`loadw` or `matmul` waits (load -> execute) for the load that filled it; a
`store` waits (execute -> store) for the `activate` or `matmul` that produced
its rows; an `activate` or `matmul` that overwrites rows a `store` still reads
waits for it (store -> execute). Tokens are counted, not named, so each
direction only ever pairs producers that finish in program order (loads,
stores, matmuls, activates) and the pairing is computed, not hand-written:
an instruction pops a token only when its newest requirement is not already
covered by an earlier pop. Every pushed token is popped inside the fragment.
`activate`s are placed where the array's own schedule has reached their start
time, so in-order issue never makes the array wait for the epilogue.
"""

from __future__ import annotations

import bisect
import gc
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ziggurat.hardware.mxu_config import MxuConfig
from ziggurat.hardware.mxu_isa import (
    Activate,
    Config,
    Deps,
    DType,
    Func,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    Memory,
    Queue,
    Store,
)

MAX_ROWS_FIELD = (1 << 16) - 1
"""Largest `rows` of a load, matmul, activate or store (a 16-bit field)."""
MAX_STRIDE = (1 << 24) - 1
"""Largest DRAM stride (a 24-bit field)."""
MAX_RING = 4
"""Ring slots beyond two let the load DMA run further ahead; more buys nothing."""


class GemmScheduleError(ValueError):
    """A GEMM that the mxu cannot run as asked (bad shape, types, or too little memory)."""


@dataclass(frozen=True)
class GemmSpec:
    """C (m x n) = epilogue(A (m x k) @ B (k x n)) on row-major operands in DRAM."""

    m: int
    k: int
    n: int
    dtype: DType
    """Input element type: i8, bf16 or f32."""
    out_dtype: DType
    """i8 (requantised) or i32 for i8 inputs; bf16 or f32 for float inputs."""
    a_stride: int
    b_stride: int
    c_stride: int
    """Bytes between consecutive rows of A, B and C in DRAM."""
    a_offset: int = 0
    b_offset: int = 0
    c_offset: int = 0
    bias_offset: int = 0
    """Byte offsets inside each operand (the caller adds the operand's address)."""
    bias: bool = False
    """Add a length-n vector of the accumulator type (i32 or f32) before `func`."""
    func: Func = Func.NONE
    scale: int = 1
    shift: int = 0
    """Requantisation of an i8 result: clamp((v * scale + 2^(shift-1)) >> shift)."""
    accumulate: bool = False
    """C = C + A @ B (C is read into the accumulator first)."""

    @property
    def acc_dtype(self) -> DType:
        return DType.F32 if self.dtype.is_float else DType.I32

    @property
    def stores_accumulator(self) -> bool:
        """No bias, no function, 32-bit result: C leaves straight from the accumulator."""
        return self.out_dtype == self.acc_dtype and not self.bias and self.func is Func.NONE


@dataclass(frozen=True)
class GemmPlan:
    """The tiling and buffering of one GEMM (what the instruction stream does)."""

    m_tile: int
    """Rows of A per matmul and per output tile (an accumulator slot's rows)."""
    m_tiles: int
    k_tiles: int
    n_tiles: int
    folds: int
    """`loadw`s: k_tiles * n_tiles, times m_tiles when K > R and M is tiled."""
    loop_order: str
    """"n, m" (one K fold) or "m, n, k"."""
    acc_slots: int
    """Output tiles the accumulator holds at once (2 or more: epilogue overlaps compute)."""
    out_slots: int
    """Scratchpad result tiles for `activate` (0 when C is stored from the accumulator)."""
    a_buffer: str
    """"resident" (all of A loaded once), "panels" (one K panel per M tile, loaded once)
    or "stream" (A tiles loaded again for every fold)."""
    a_slots: int
    """A tiles the scratchpad holds."""
    b_buffer: str
    """"resident" (B loaded once for all M tiles) or "stream" (a ring of B chunks)."""
    b_chunk: int
    """K tiles of one B column panel moved by one load."""
    b_slots: int
    """B chunks the scratchpad holds."""
    double_buffered: bool
    """Loads, compute and stores of successive tiles can overlap (every ring has 2+ slots)."""
    scratchpad_rows: int
    """Scratchpad rows the schedule uses (bias, results, A, B)."""
    accumulator_rows: int


# --- planning ------------------------------------------------------------------------


def _check_spec(spec: GemmSpec) -> None:
    for name in ("m", "k", "n"):
        value = getattr(spec, name)
        if not isinstance(value, int) or value < 1:
            raise GemmScheduleError(f"'{name}' must be a positive integer, not {value!r}")
    if spec.dtype not in (DType.I8, DType.BF16, DType.F32):
        raise GemmScheduleError(f"the array multiplies i8, bf16 or f32, not {spec.dtype.mnemonic}")
    allowed = (DType.BF16, DType.F32) if spec.dtype.is_float else (DType.I8, DType.I32)
    if spec.out_dtype not in allowed:
        raise GemmScheduleError(
            f"a {spec.dtype.mnemonic} GEMM produces "
            f"{' or '.join(d.mnemonic for d in allowed)}, not {spec.out_dtype.mnemonic}"
        )
    if spec.accumulate and not spec.stores_accumulator:
        raise GemmScheduleError(
            "accumulating into C needs a 32-bit result with no bias and no activation function"
        )
    for name, stride, row in (
        ("a_stride", spec.a_stride, spec.k * spec.dtype.bytes),
        ("b_stride", spec.b_stride, spec.n * spec.dtype.bytes),
        ("c_stride", spec.c_stride, spec.n * spec.out_dtype.bytes),
    ):
        if not row <= stride <= MAX_STRIDE:
            raise GemmScheduleError(
                f"'{name}' = {stride} must hold a row ({row} bytes) and fit in 24 bits"
            )
    for name in ("a_offset", "b_offset", "c_offset", "bias_offset"):
        if getattr(spec, name) < 0:
            raise GemmScheduleError(f"'{name}' must not be negative")
    if not -(1 << 31) <= spec.scale < 1 << 31 or not 0 <= spec.shift <= 63:
        raise GemmScheduleError("'scale' must fit in 32 bits and 'shift' be in 0..63")


def _balanced(total: int, limit: int) -> int:
    """The tile size that splits `total` into the fewest tiles of at most `limit`, evenly."""
    return math.ceil(total / math.ceil(total / max(1, limit)))


@dataclass(frozen=True)
class _Choice:
    a_buffer: str
    a_slots: int
    b_buffer: str
    b_chunk: int
    b_slots: int
    out_slots: int
    rows: int
    cost: float
    """Estimated cycles: the busiest unit, plus what single buffering leaves exposed."""
    buffered: bool


def _acc_slots(spec: GemmSpec, config: MxuConfig, mt: int, double_buffer: bool) -> int:
    tiles = math.ceil(spec.m / mt) * math.ceil(spec.n / config.cols)
    most = (3 if spec.accumulate else 2) if double_buffer else 1
    return max(1, min(most, config.accumulator_rows // mt, tiles))


def _choices(spec: GemmSpec, config: MxuConfig, mt: int, double_buffer: bool) -> list[_Choice]:
    """Every scratchpad arrangement for M tiles of `mt` rows that fits, with its cost.

    The cost is a rough cycle estimate, good enough to rank arrangements: the
    array, the load DMA and the store DMA each take their total busy time and
    overlap perfectly, except where a buffer has a single slot, whose transfers
    then add to the total.
    """
    r, c = config.rows, config.cols
    kf, nf = math.ceil(spec.k / r), math.ceil(spec.n / c)
    m_tiles = math.ceil(spec.m / mt)
    m_outer = kf > 1
    eb, ob = spec.dtype.bytes, spec.out_dtype.bytes
    latency, bandwidth = config.dma_latency, config.dma_bytes_per_cycle
    tiles = m_tiles * nf
    bias_rows = 4 * nf if spec.bias else 0
    out_tile = 0 if spec.stores_accumulator else mt * ob
    a_tile, b_tile = mt * eb, r * eb
    a_bytes, b_bytes = spec.m * spec.k * eb, spec.k * spec.n * eb

    # The array: each fold streams its rows; weight loads hide behind long streams.
    fold_rows = mt if m_outer else spec.m
    folds = kf * nf * (m_tiles if m_outer else 1)
    overhead = config.weight_cycles + r + c - 2
    if config.double_buffer_weights:
        array = folds * max(fold_rows, (fold_rows + overhead) / 2)
    else:
        array = folds * (fold_rows + overhead)
    tile_compute = array / tiles
    store_tile = latency + mt * c * ob / bandwidth
    stores = tiles * store_tile
    exposed_epilogue = 0.0
    if _acc_slots(spec, config, mt, double_buffer) == 1 and tiles > 1:
        exposed_epilogue = tiles * (store_tile + (0 if out_tile == 0 else mt))

    a_options: list[tuple[str, int, int, int]] = [("resident", m_tiles * kf, 1, m_tiles * kf)]
    if m_outer and m_tiles > 1:
        a_options += [("panels", 2 * kf, 1, m_tiles * kf), ("panels", kf, 1, m_tiles * kf)]
    uses = m_tiles * kf * nf
    a_options += [("stream", 2, nf, uses), ("stream", 1, nf, uses)]
    ring = 2 if double_buffer else 1
    if not double_buffer:
        a_options = [o for o in a_options if o[0] == "resident" or o[1] == 1]

    chunks = sorted({math.ceil(kf / d) for d in range(1, kf + 1)}, reverse=True)
    chunks = [kc for kc in chunks if kc * r <= MAX_ROWS_FIELD] or [1]
    out_options = [2, 1] if tiles > 1 and out_tile and double_buffer else [1 if out_tile else 0]

    result: list[_Choice] = []
    for a_buffer, a_slots, a_passes, a_loads in a_options:
        a_cycles = a_loads * latency + a_passes * a_bytes / bandwidth
        a_single = a_buffer == "stream" and a_slots == 1 and a_loads > 1
        for kc in chunks:
            per_pass = nf * math.ceil(kf / kc)
            b_options: list[tuple[str, int, int]] = []
            if m_outer and m_tiles > 1:
                b_options.append(("resident", per_pass, 1))
            passes = m_tiles if m_outer else 1
            b_options += [("stream", slots, passes) for slots in range(ring, 0, -1)]
            for b_buffer, b_slots, b_passes in b_options:
                b_loads = per_pass * b_passes
                b_cycles = b_loads * latency + b_passes * b_bytes / bandwidth
                b_single = b_buffer == "stream" and b_slots == 1 and b_loads > 1
                for out_slots in out_options:
                    rows = (
                        bias_rows + out_slots * out_tile + a_slots * a_tile + b_slots * kc * b_tile
                    )
                    if rows > config.scratchpad_rows:
                        continue
                    out_single = out_slots == 1 and tiles > 1 and out_tile > 0
                    cost = max(array, a_cycles + b_cycles, stores) + exposed_epilogue
                    cost += (a_cycles if a_single else 0) + (b_cycles if b_single else 0)
                    if out_single:
                        cost += tiles * max(0.0, store_tile - tile_compute)
                    result.append(
                        _Choice(
                            a_buffer,
                            a_slots,
                            b_buffer,
                            kc,
                            b_slots,
                            out_slots,
                            rows,
                            cost,
                            not (a_single or b_single or out_single),
                        )
                    )
    return result


def _first_m_tile(spec: GemmSpec, config: MxuConfig) -> int:
    """The M tile the accumulator allows (see the module docstring)."""
    acc = config.accumulator_rows
    kf = math.ceil(spec.k / config.rows)
    fits = spec.m <= acc // 2 or (kf > 1 and spec.m <= acc)
    mt = spec.m if fits else _balanced(spec.m, acc // 2)
    return _balanced(spec.m, min(mt, MAX_ROWS_FIELD))


def plan_gemm(spec: GemmSpec, config: MxuConfig, *, double_buffer: bool = True) -> GemmPlan:
    """Choose the M tile, the accumulator slots and the scratchpad buffers for `spec`.

    The M tile starts as large as the accumulator allows (see the module
    docstring); smaller ones compete on estimated cycles, because with weight
    double buffering the extra folds cost little array time and can keep an A
    panel on chip. Without it every extra fold costs a whole weight load and
    drain, so with several K folds the first M tile that fits is kept.
    `double_buffer=False` gives the single-buffered schedule (one slot per
    ring, one accumulator and one result tile), the baseline double buffering beats.
    """
    _check_spec(spec)
    r = config.rows
    kf, nf = math.ceil(spec.k / r), math.ceil(spec.n / config.cols)
    first = mt = _first_m_tile(spec, config)
    # Below this many rows a fold cannot hide the next weight load: no point going lower.
    hides = config.weight_cycles + r + config.cols - 2
    chosen: tuple[int, _Choice] | None = None
    while True:
        options = _choices(spec, config, mt, double_buffer)
        if options:
            best = min(options, key=lambda o: o.cost)
            if chosen is None or best.cost < chosen[1].cost:
                chosen = (mt, best)
            if kf > 1 and mt == first and not config.double_buffer_weights:
                break  # every extra fold would cost a whole weight load and drain
        if mt == 1 or (chosen is not None and mt // 2 < hides):
            break
        mt = _balanced(spec.m, mt // 2)
    if chosen is None:
        raise GemmScheduleError(
            f"the scratchpad ({config.scratchpad_rows} rows) cannot hold one {r}-row weight "
            f"tile, one input row and the bias of a {spec.dtype.mnemonic} GEMM "
            f"{spec.m}x{spec.k}x{spec.n}"
        )
    mt, choice = chosen
    m_tiles = math.ceil(spec.m / mt)
    tiles = m_tiles * nf
    # Spare rows deepen the streamed rings, so the load DMA can run further ahead.
    spare = config.scratchpad_rows - choice.rows
    b_slots, a_slots = choice.b_slots, choice.a_slots
    b_slot_rows, a_slot_rows = choice.b_chunk * r * spec.dtype.bytes, mt * spec.dtype.bytes
    if double_buffer and choice.b_buffer == "stream" and b_slots >= 2:
        extra = min(MAX_RING - b_slots, spare // b_slot_rows)
        b_slots, spare = b_slots + extra, spare - extra * b_slot_rows
    if double_buffer and choice.a_buffer == "stream" and a_slots >= 2:
        extra = min(MAX_RING - a_slots, spare // a_slot_rows)
        a_slots, spare = a_slots + extra, spare - extra * a_slot_rows
    acc_slots = _acc_slots(spec, config, mt, double_buffer)
    folds = kf * nf * (m_tiles if kf > 1 else 1)
    return GemmPlan(
        m_tile=mt,
        m_tiles=m_tiles,
        k_tiles=kf,
        n_tiles=nf,
        folds=folds,
        loop_order="m, n, k" if kf > 1 else "n, m",
        acc_slots=acc_slots,
        out_slots=choice.out_slots,
        a_buffer=choice.a_buffer,
        a_slots=a_slots,
        b_buffer=choice.b_buffer,
        b_chunk=choice.b_chunk,
        b_slots=b_slots,
        double_buffered=double_buffer and choice.buffered and (acc_slots >= 2 or tiles == 1),
        scratchpad_rows=config.scratchpad_rows - spare,
        accumulator_rows=acc_slots * mt,
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


class _Builder:
    """Builds the stream of one GEMM for a plan (see the module docstring)."""

    def __init__(self, spec: GemmSpec, config: MxuConfig, plan: GemmPlan) -> None:
        self.spec, self.config, self.plan = spec, config, plan
        r, c = config.rows, config.cols
        self.eb, self.ob = spec.dtype.bytes, spec.out_dtype.bytes
        self.bias_base = 0
        self.out_base = self.bias_base + (4 * plan.n_tiles if spec.bias else 0)
        self.out_slot_rows = 0 if spec.stores_accumulator else plan.m_tile * self.ob
        self.a_base = self.out_base + plan.out_slots * self.out_slot_rows
        self.a_slot_rows = plan.m_tile * self.eb
        self.b_base = self.a_base + plan.a_slots * self.a_slot_rows
        self.b_slot_rows = plan.b_chunk * r * self.eb
        self.stream: list[_Op] = []
        self.tiles: list[_Tile] = []
        self.tile_at: dict[tuple[int, int], _Tile] = {}
        self.a_content: dict[int, tuple[tuple[int, int], _Op]] = {}
        """A slot -> (the A tile it holds, the load that filled it)."""
        self.a_reader: dict[int, _Op] = {}
        self.a_next = 0
        self.b_content: dict[int, tuple[tuple[int, int, int], _Op]] = {}
        self.b_reader: dict[int, _Op] = {}
        self.b_next = 0
        self.bias_loads: list[_Op] = []
        self.r, self.c = r, c

    # --- operand geometry ---

    def m_rows(self, m: int) -> int:
        return min(self.plan.m_tile, self.spec.m - m * self.plan.m_tile)

    def k_rows(self, k: int) -> int:
        return min(self.r, self.spec.k - k * self.r)

    def n_cols(self, n: int) -> int:
        return min(self.c, self.spec.n - n * self.c)

    def emit(self, ins: Instruction, operand: str | None = None, needs: Iterable[_Op] = ()) -> _Op:
        op = _Op(ins, operand, [x for x in needs if x is not None])
        self.stream.append(op)
        return op

    # --- loads ---

    def a_tile(self, m: int, k: int) -> tuple[int, _Op]:
        """The scratchpad row of A tile (m, k), loading it if the slot does not hold it."""
        plan = self.plan
        if plan.a_buffer == "resident":
            slot = m * plan.k_tiles + k
        elif plan.a_buffer == "panels":
            slot = (m % (plan.a_slots // plan.k_tiles)) * plan.k_tiles + k
        else:
            slot, self.a_next = self.a_next % plan.a_slots, self.a_next + 1
        held = self.a_content.get(slot)
        if plan.a_buffer != "stream" and held is not None and held[0] == (m, k):
            return self.a_base + slot * self.a_slot_rows, held[1]
        spec = self.spec
        row = self.a_base + slot * self.a_slot_rows
        load = self.emit(
            Load(
                memory=Memory.SPAD,
                row=row,
                dram_addr=spec.a_offset + m * plan.m_tile * spec.a_stride + k * self.r * self.eb,
                stride=spec.a_stride,
                rows=self.m_rows(m),
                cols=self.k_rows(k),
                dtype=spec.dtype,
            ),
            "a",
            [self.a_reader.get(slot)],
        )
        self.a_content[slot] = ((m, k), load)
        return row, load

    def b_chunk(self, m: int, n: int, k: int) -> tuple[int, _Op]:
        """The row of the B chunk holding K tile k of column panel n, loaded if needed."""
        plan, spec = self.plan, self.spec
        chunk = k // plan.b_chunk
        if plan.b_buffer == "resident":
            key = (0, n, chunk)
            slot = n * math.ceil(plan.k_tiles / plan.b_chunk) + chunk
        else:
            key = (m, n, chunk)
            last = self.b_content.get((self.b_next - 1) % plan.b_slots)
            if last is not None and last[0] == key:
                slot = (self.b_next - 1) % plan.b_slots
            else:
                slot, self.b_next = self.b_next % plan.b_slots, self.b_next + 1
        row = self.b_base + slot * self.b_slot_rows
        held = self.b_content.get(slot)
        if held is not None and held[0] == key:
            return row, held[1]
        k0 = chunk * plan.b_chunk * self.r
        load = self.emit(
            Load(
                memory=Memory.SPAD,
                row=row,
                dram_addr=spec.b_offset + k0 * spec.b_stride + n * self.c * self.eb,
                stride=spec.b_stride,
                rows=min(plan.b_chunk * self.r, spec.k - k0),
                cols=self.n_cols(n),
                dtype=spec.dtype,
            ),
            "b",
            [self.b_reader.get(slot)],
        )
        self.b_content[slot] = (key, load)
        return row, load

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

    def build_folds(self) -> None:
        spec, plan = self.spec, self.plan
        if spec.out_dtype is DType.I8:
            self.emit(Config(scale=spec.scale, shift=spec.shift))
        for index, (k, n, ms) in enumerate(self.folds()):
            b_row, b_load = self.b_chunk(ms[0], n, k)
            b_slot = (b_row - self.b_base) // self.b_slot_rows
            self.emit(
                LoadWeights(
                    row=b_row + (k % plan.b_chunk) * self.r * self.eb,
                    rows=self.k_rows(k),
                    cols=self.n_cols(n),
                    dtype=spec.dtype,
                ),
                None,
                [b_load],
            )
            first_matmul: _Op | None = None
            for m in ms:
                a_row, a_load = self.a_tile(m, k)
                if index == 0 and m == ms[0] and spec.bias:
                    self.load_bias()
                tile = self.tile_at.get((m, n)) if k else None
                needs = [a_load]
                if tile is None:
                    tile = self.new_tile(m, n)
                    if spec.accumulate:
                        needs.append(self.accumulator_input(tile))
                    if spec.stores_accumulator and tile.index >= plan.acc_slots:
                        previous = self.tiles[tile.index - plan.acc_slots].store
                        needs.append(previous)  # type: ignore[arg-type]
                matmul = self.emit(
                    Matmul(
                        row=a_row,
                        rows=tile.rows,
                        acc_row=tile.acc_row,
                        dtype=spec.dtype,
                        accumulate=k > 0 or spec.accumulate,
                    ),
                    None,
                    needs,
                )
                tile.matmuls.append(matmul)
                a_slot = (a_row - self.a_base) // self.a_slot_rows
                self.a_reader[a_slot] = matmul
                first_matmul = first_matmul or matmul
                if k == plan.k_tiles - 1 and spec.stores_accumulator:
                    self.stream.append(self.store(tile, matmul, Memory.ACC, tile.acc_row))
            self.b_reader[b_slot] = first_matmul  # type: ignore[assignment]

    # --- the epilogue through the activation unit ---

    def array_times(self) -> dict[int, tuple[int, int]]:
        """Start and end of every loadw/matmul in the array's own schedule (docs/mxu.md)."""
        config = self.config
        drain = config.rows + config.cols - 2
        times: dict[int, tuple[int, int]] = {}
        issue = weight_free = array_next = ready = all_done = 0
        buffer_free = [0, 0]
        loads = buffer = 0
        for op in self.stream:
            ins = op.ins
            if isinstance(ins, LoadWeights):
                if config.double_buffer_weights:
                    buffer = loads % 2
                    start = max(issue, weight_free, buffer_free[buffer])
                else:
                    start = max(issue, weight_free, all_done)
                loads += 1
                end = weight_free = ready = start + config.weight_cycles
            elif isinstance(ins, Matmul):
                start = max(issue, array_next, ready)
                end = start + ins.rows + drain
                array_next = start + ins.rows
                buffer_free[buffer] = max(buffer_free[buffer], end)
                all_done = max(all_done, end)
            else:
                continue
            issue = start
            times[id(op)] = (start, end)
        return times

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
        self.build_folds()
        if not self.spec.stores_accumulator:
            self.place_epilogue()
        self.assign_tokens()
        return [
            (replace(op.ins, deps=Deps(**op.flags)) if op.flags else op.ins, op.operand)  # type: ignore[call-arg]
            for op in self.stream
        ]


def schedule_gemm(
    spec: GemmSpec, config: MxuConfig, *, double_buffer: bool = True
) -> tuple[GemmPlan, list[tuple[Instruction, str | None]]]:
    """The plan and the instruction stream of one GEMM, without `halt`.

    Each `load` and `store` is paired with the operand it addresses ("a", "b",
    "c" or "bias"), its `dram_addr` being a byte offset inside that operand;
    other instructions pair with None. Every token the fragment pushes it also
    pops, so fragments can be joined with `fence`s.
    """
    plan = plan_gemm(spec, config, double_buffer=double_buffer)
    # A large GEMM allocates millions of small acyclic objects: the cycle collector's
    # passes over them would double the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return plan, _Builder(spec, config, plan).build()
    finally:
        if collecting:
            gc.enable()


__all__ = ["GemmPlan", "GemmScheduleError", "GemmSpec", "plan_gemm", "schedule_gemm"]
