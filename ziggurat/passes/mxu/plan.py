"""The tiling and buffering decisions for one GEMM on the mxu (the plan).

`plan_gemm(spec, config, dataflow=...)` decides how `mxu_schedule` will run
C = epilogue(A @ B) on the machine `config` describes: the tile sizes, the
loop order, which operands stay on chip and how many slots each buffer gets.
It is separate from building the instruction stream so that the compiler can
report the decisions (the `mxu.plans` attribute, the mxu-asm header) and tests
can reason about them.

Both dataflows choose the same way: enumerate the arrangements of the
scratchpad that fit, estimate each one's time as the busiest of the array, the
load DMA and the store DMA (they overlap when every buffer has two slots),
add what single-slot buffers leave exposed, and keep the cheapest.

Weight-stationary ("ws"). The M tile starts as large as the accumulator
allows: all of M when its partial sums fit (at most half of it with one K
tile, so that two slots alternate); smaller M tiles then compete on estimated
cycles, since with weight double buffering extra folds cost little array
time and can keep an A panel on chip. A is "resident" (loaded once), in
"panels" (one K panel per M tile in flight, loaded once) or "stream" (loaded
again for every fold); B is "resident" when several M tiles reuse it and it
fits, else a ring of column-panel chunks of `b_chunk` K tiles ("stream").

Output-stationary ("os"). An output tile is at most R x C (the cells hold
it), so the M tile is min(M, R) rows, balanced, and N tiles are C columns.
Each `matmul_os` costs its depth plus a fill and drain of R + C - 2, so the
planner tries K chunk counts from one upwards (one: the whole K per
`matmul_os`, what SCALE-Sim's output-stationary count assumes) and stops at
the first count at which some arrangement fits with every buffer doubled;
fewer chunks that fit only single-buffered compete on the estimate. With one
chunk, the outer loop holds one operand's panel while the inner loop walks
the other: "m, n" keeps an A-transposed panel ("panels") and streams or
keeps all of B, "n, m" the reverse. The estimate decides, and DMA latency
weighs on it: A panels come through the transposer in blocks of at most
`width` columns, each a transfer of its own. With several chunks the order
is "m, n, k" and both operands stream.

Why one module of this size: both dataflows' planners enumerate
arrangements the same way and are compared by the same estimate; keeping
them side by side keeps that estimate one and the same for both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ziggurat.dialects.mxu import DATAFLOWS
from ziggurat.hardware.mxu.config import ACC_ELEMENT_BYTES, MxuConfig
from ziggurat.hardware.mxu.cost import (
    dma_cycles,
    os_array_cycles,
    overlapped,
    transposed_blocks,
    weight_overhead,
    ws_array_cycles,
)
from ziggurat.hardware.mxu.isa import DType, Func
from ziggurat.hardware.mxu.limits import (
    MAX_ROWS_FIELD,
    MAX_SCALE,
    MAX_SHIFT,
    MAX_STRIDE,
    MIN_SCALE,
)

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
    """The tiling and buffering of one GEMM (what the instruction stream does).

    The fields mean the same in both dataflows where they can; where the
    output-stationary plan differs, the field says how.
    """

    m_tile: int
    """Rows of A per matmul and per output tile (an accumulator slot's rows; <= R for os)."""
    m_tiles: int
    k_tiles: int
    """ws: K tiles of R rows (weight tiles). os: K chunks, one `matmul_os` each per
    output tile, of ceil(K / k_tiles) rows (the last one may be shorter)."""
    n_tiles: int
    folds: int
    """ws: `loadw`s: k_tiles * n_tiles, times m_tiles when K > R and M is tiled.
    os: `matmul_os`s: m_tiles * n_tiles * k_tiles."""
    loop_order: str
    """ws: "n, m" (one K fold) or "m, n, k". os: "m, n" or "n, m" (the outer
    operand's panel stays on chip while the inner loop runs), or "m, n, k"."""
    acc_slots: int
    """Output tiles the accumulator holds at once (2 or more: epilogue overlaps compute)."""
    out_slots: int
    """Scratchpad result tiles for `activate` (0 when C is stored from the accumulator)."""
    a_buffer: str
    """"resident" (all of A loaded once), "panels" (one K panel per M tile, loaded once)
    or "stream" (A tiles loaded again for every fold; os: for every output tile)."""
    a_slots: int
    """A tiles the scratchpad holds (os: A-transposed chunks of the K chunk's rows)."""
    b_buffer: str
    """"resident" (B loaded once for all M tiles), "panels" (os, order "n, m": one
    column panel per N tile, loaded once) or "stream" (a ring of B chunks)."""
    b_chunk: int
    """K tiles of one B column panel moved by one load (os: 1, one K chunk)."""
    b_slots: int
    """B chunks the scratchpad holds."""
    double_buffered: bool
    """Loads, compute and stores of successive tiles can overlap (every ring has 2+ slots)."""
    scratchpad_rows: int
    """Scratchpad rows the schedule uses (bias, results, A, B)."""
    accumulator_rows: int
    dataflow: str = "ws"
    """"ws" (`loadw` + `matmul`) or "os" (`matmul_os`)."""


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
    if not MIN_SCALE <= spec.scale <= MAX_SCALE or not 0 <= spec.shift <= MAX_SHIFT:
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
    loop_order: str = ""
    """os only: the loop order."""
    k_steps: int = 1
    """os only: K chunks, one `matmul_os` each per output tile."""


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
    tiles = m_tiles * nf
    bias_rows = 4 * nf if spec.bias else 0
    out_tile = 0 if spec.stores_accumulator else mt * ob
    a_tile, b_tile = mt * eb, r * eb
    a_bytes, b_bytes = spec.m * spec.k * eb, spec.k * spec.n * eb

    # The array: each fold streams its rows; weight loads hide behind long streams.
    fold_rows = mt if m_outer else spec.m
    folds = kf * nf * (m_tiles if m_outer else 1)
    array = ws_array_cycles(config, folds, fold_rows)
    tile_compute = array / tiles
    store_tile = dma_cycles(config, 1, mt * c * ob)
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
        a_cycles = dma_cycles(config, a_loads, a_passes * a_bytes)
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
                b_cycles = dma_cycles(config, b_loads, b_passes * b_bytes)
                b_single = b_buffer == "stream" and b_slots == 1 and b_loads > 1
                for out_slots in out_options:
                    rows = (
                        bias_rows + out_slots * out_tile + a_slots * a_tile + b_slots * kc * b_tile
                    )
                    if rows > config.scratchpad_rows:
                        continue
                    out_single = out_slots == 1 and tiles > 1 and out_tile > 0
                    cost = overlapped(array, a_cycles + b_cycles, stores) + exposed_epilogue
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


def _deepen(
    config: MxuConfig, choice: _Choice, a_slot_rows: int, b_slot_rows: int, double_buffer: bool
) -> tuple[int, int, int]:
    """(A slots, B slots, spare rows): spare rows deepen the streamed rings to MAX_RING,
    so the load DMA can run further ahead."""
    spare = config.scratchpad_rows - choice.rows
    a_slots, b_slots = choice.a_slots, choice.b_slots
    if double_buffer and choice.b_buffer == "stream" and b_slots >= 2:
        extra = min(MAX_RING - b_slots, spare // b_slot_rows)
        b_slots, spare = b_slots + extra, spare - extra * b_slot_rows
    if double_buffer and choice.a_buffer == "stream" and a_slots >= 2:
        extra = min(MAX_RING - a_slots, spare // a_slot_rows)
        a_slots, spare = a_slots + extra, spare - extra * a_slot_rows
    return a_slots, b_slots, spare


def _plan_ws(spec: GemmSpec, config: MxuConfig, double_buffer: bool) -> GemmPlan:
    """The weight-stationary plan: the M tile, the accumulator slots, the buffers.

    The M tile starts as large as the accumulator allows (see the module
    docstring); smaller ones compete on estimated cycles, because with weight
    double buffering the extra folds cost little array time and can keep an A
    panel on chip. Without it every extra fold costs a whole weight load and
    drain, so with several K folds the first M tile that fits is kept.
    """
    r = config.rows
    kf, nf = math.ceil(spec.k / r), math.ceil(spec.n / config.cols)
    first = mt = _first_m_tile(spec, config)
    # Below this many rows a fold cannot hide the next weight load: no point going lower.
    hides = weight_overhead(config)
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
    b_slot_rows, a_slot_rows = choice.b_chunk * r * spec.dtype.bytes, mt * spec.dtype.bytes
    a_slots, b_slots, spare = _deepen(config, choice, a_slot_rows, b_slot_rows, double_buffer)
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


# --- output-stationary -------------------------------------------------------------------


def _k_steps(k: int) -> list[int]:
    """The K chunk counts worth trying: the fewest chunks for each distinct chunk depth."""
    steps, s = [], 1
    while s <= k:
        depth = math.ceil(k / s)
        if depth <= MAX_ROWS_FIELD:
            steps.append(s)
        if depth == 1:
            break
        s = math.ceil(k / (depth - 1))
    return steps


@dataclass(frozen=True)
class _Operand:
    """One way to buffer an operand of an output-stationary GEMM."""

    buffer: str
    slots: int
    passes: int
    """Times the whole operand crosses the DMA."""
    loads: int
    """Chunks loaded, all passes together."""

    @property
    def single(self) -> bool:
        """One slot refilled: its loads cannot overlap the matmuls that read it."""
        return self.buffer != "resident" and self.slots == 1 and self.loads > 1


def _os_operands(
    outer: int, inner: int, steps: int, ring: tuple[int, ...]
) -> tuple[list[_Operand], list[_Operand]]:
    """Options for the operand the outer loop holds and the one the inner loop walks.

    `outer` and `inner` count the tiles of each (M tiles for A, N tiles for B).
    """
    if steps > 1:  # "m, n, k": both stream, a chunk per matmul_os
        held = [_Operand("stream", s, inner, outer * inner * steps) for s in ring]
        walked = [_Operand("stream", s, outer, outer * inner * steps) for s in ring]
        return held, walked
    held = [_Operand("panels", min(s, outer), 1, outer) for s in ring]
    walked = []
    if outer > 1 and inner > 1:
        walked.append(_Operand("resident", inner, 1, inner))
    passes = outer if inner > 1 else 1
    walked += [_Operand("stream", min(s, inner), passes, passes * inner) for s in ring]
    return held, walked


def _os_choices(spec: GemmSpec, config: MxuConfig, mt: int, double_buffer: bool) -> list[_Choice]:
    """Every output-stationary arrangement that fits, with its estimated cycles.

    K chunks are tried from one (the whole K per `matmul_os`) upwards and the
    search stops at the first count that fits with every buffer doubled: more
    chunks only add fills and drains and DMA transfers.
    """
    m_tiles, nf = math.ceil(spec.m / mt), math.ceil(spec.n / config.cols)
    tiles = m_tiles * nf
    eb, ob = spec.dtype.bytes, spec.out_dtype.bytes
    bias_rows = 4 * nf if spec.bias else 0
    out_tile = 0 if spec.stores_accumulator else mt * ob
    out_options = [2, 1] if tiles > 1 and out_tile and double_buffer else [1 if out_tile else 0]
    ring = (2, 1) if double_buffer else (1,)
    stores = dma_cycles(config, tiles, spec.m * spec.n * ob)
    c_loads = 0.0
    if spec.accumulate:
        c_loads = dma_cycles(config, tiles, spec.m * spec.n * ACC_ELEMENT_BYTES)
    exposed_epilogue = 0.0
    if _acc_slots(spec, config, mt, double_buffer) == 1 and tiles > 1:
        exposed_epilogue = stores + (tiles * mt if out_tile else 0)

    result: list[_Choice] = []
    for steps in _k_steps(spec.k):
        depth = math.ceil(spec.k / steps)
        chunk_rows = depth * eb
        array = os_array_cycles(config, tiles, spec.k, steps)
        # A-transposed comes in blocks of at most `width` columns, one DMA transfer each.
        a_pass = dma_cycles(
            config, m_tiles * steps * transposed_blocks(config, depth), spec.m * spec.k * eb
        )
        b_pass = dma_cycles(config, nf * steps, spec.k * spec.n * eb)
        a_held, b_walked = _os_operands(m_tiles, nf, steps, ring)
        b_held, a_walked = _os_operands(nf, m_tiles, steps, ring)
        orders = [("m, n", a_held, b_walked), ("n, m", a_walked, b_held)]
        if steps > 1:
            orders = [("m, n, k", a_held, b_walked)]
        buffered_fit = False
        for order, a_options, b_options in orders:
            for a, b in ((a, b) for a in a_options for b in b_options):
                loads = a.passes * a_pass + b.passes * b_pass + c_loads
                exposed = exposed_epilogue
                exposed += (a.passes * a_pass if a.single else 0) + (
                    b.passes * b_pass if b.single else 0
                )
                for out_slots in out_options:
                    rows = bias_rows + out_slots * out_tile + (a.slots + b.slots) * chunk_rows
                    if rows > config.scratchpad_rows:
                        continue
                    out_single = out_slots == 1 and tiles > 1 and out_tile > 0
                    cost = overlapped(array, loads, stores) + exposed
                    if out_single:
                        cost += max(0.0, stores - array)
                    buffered = not (a.single or b.single or out_single)
                    buffered_fit |= buffered
                    result.append(
                        _Choice(
                            a.buffer,
                            a.slots,
                            b.buffer,
                            1,
                            b.slots,
                            out_slots,
                            rows,
                            cost,
                            buffered,
                            order,
                            steps,
                        )
                    )
        if buffered_fit or (result and not double_buffer):
            break
    return result


def _plan_os(spec: GemmSpec, config: MxuConfig, double_buffer: bool) -> GemmPlan:
    """The output-stationary plan: R x C output tiles, K chunks, the buffers."""
    mt = _balanced(spec.m, config.rows)
    options = _os_choices(spec, config, mt, double_buffer)
    if not options:
        raise GemmScheduleError(
            f"the scratchpad ({config.scratchpad_rows} rows) cannot hold one row of A "
            f"transposed and of B, a result tile and the bias of a {spec.dtype.mnemonic} "
            f"GEMM {spec.m}x{spec.k}x{spec.n}"
        )
    choice = min(options, key=lambda o: o.cost)
    m_tiles, nf = math.ceil(spec.m / mt), math.ceil(spec.n / config.cols)
    tiles = m_tiles * nf
    chunk_rows = math.ceil(spec.k / choice.k_steps) * spec.dtype.bytes
    a_slots, b_slots, spare = _deepen(config, choice, chunk_rows, chunk_rows, double_buffer)
    acc_slots = _acc_slots(spec, config, mt, double_buffer)
    return GemmPlan(
        m_tile=mt,
        m_tiles=m_tiles,
        k_tiles=choice.k_steps,
        n_tiles=nf,
        folds=tiles * choice.k_steps,
        loop_order=choice.loop_order,
        acc_slots=acc_slots,
        out_slots=choice.out_slots,
        a_buffer=choice.a_buffer,
        a_slots=a_slots,
        b_buffer=choice.b_buffer,
        b_chunk=1,
        b_slots=b_slots,
        double_buffered=double_buffer and choice.buffered and (acc_slots >= 2 or tiles == 1),
        scratchpad_rows=config.scratchpad_rows - spare,
        accumulator_rows=acc_slots * mt,
        dataflow="os",
    )


def plan_gemm(
    spec: GemmSpec, config: MxuConfig, *, double_buffer: bool = True, dataflow: str = "ws"
) -> GemmPlan:
    """Choose the tiles, the loop order, the accumulator slots and the buffers for `spec`.

    `dataflow` is "ws" (weight-stationary) or "os" (output-stationary); see the
    module docstring for how each is planned. `double_buffer=False` gives the
    single-buffered schedule (one slot per ring, one accumulator and one
    result tile), the baseline double buffering beats.
    """
    if dataflow not in DATAFLOWS:
        raise GemmScheduleError(f"unknown dataflow '{dataflow}' (expected ws or os)")
    _check_spec(spec)
    if dataflow == "os":
        return _plan_os(spec, config, double_buffer)
    return _plan_ws(spec, config, double_buffer)


__all__ = [
    "DATAFLOWS",
    "MAX_RING",
    "MAX_ROWS_FIELD",
    "MAX_STRIDE",
    "GemmPlan",
    "GemmScheduleError",
    "GemmSpec",
    "plan_gemm",
]
