"""The GEMM schedule for the mxu, run on the simulator: results, cycle counts, tiling.

Every stream is laid into a DRAM image with its operands, checked instruction
by instruction against the config, run by `simulate`, and compared with numpy:
bit for bit for int8, within rounding for bf16 and f32, in both dataflows.
Cycle counts are compared with SCALE-Sim's weight-stationary and
output-stationary formulas and the compute bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    Activate,
    Deps,
    DType,
    Fence,
    Func,
    Halt,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    MatmulOS,
    Queue,
    Store,
)
from ziggurat.passes.mxu.schedule_gemm import (
    DATAFLOWS,
    GemmPlan,
    GemmScheduleError,
    GemmSpec,
    plan_gemm,
    schedule_gemm,
)
from ziggurat.targets.mxu.simulator import SimResult, simulate

NUMPY_TYPES = {
    DType.I8: np.dtype(np.int8),
    DType.I32: np.dtype("<i4"),
    DType.F32: np.dtype("<f4"),
    DType.BF16: np.dtype(ml_dtypes.bfloat16),
}


@dataclass
class Run:
    plan: GemmPlan
    program: list[Instruction]
    result: SimResult
    c: np.ndarray


def layout(spec: GemmSpec, operands: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, int]]:
    """A DRAM image holding the operands at 64-byte aligned bases, rows `*_stride` apart."""
    shapes = {
        "a": (spec.m, spec.a_stride, spec.a_offset),
        "b": (spec.k, spec.b_stride, spec.b_offset),
        "c": (spec.m, spec.c_stride, spec.c_offset),
        "bias": (1, spec.n * 4, spec.bias_offset),
    }
    bases, end = {}, 0
    for name, (rows, stride, offset) in shapes.items():
        bases[name] = end
        end += -(-(offset + rows * stride) // 64) * 64
    dram = np.zeros(end, dtype=np.uint8)
    for name, array in operands.items():
        rows, stride, offset = shapes[name]
        raw = np.ascontiguousarray(array).view(np.uint8).reshape(rows, -1)
        start = bases[name] + offset
        view = dram[start : start + rows * stride].reshape(rows, stride)
        view[:, : raw.shape[1]] = raw
    return dram, bases


def run(
    spec: GemmSpec,
    config: MxuConfig,
    operands: dict[str, np.ndarray],
    *,
    double_buffer: bool = True,
    dataflow: str = "ws",
) -> Run:
    """Schedule `spec`, check every instruction, simulate it and read C back."""
    plan, stream = schedule_gemm(spec, config, double_buffer=double_buffer, dataflow=dataflow)
    assert plan.dataflow == dataflow
    dram, bases = layout(spec, operands)
    program: list[Instruction] = []
    for instruction, operand in stream:
        instruction.check(config)
        assert (operand is not None) == isinstance(instruction, Load | Store)
        if operand is not None:
            instruction = replace(instruction, dram_addr=instruction.dram_addr + bases[operand])  # type: ignore[call-arg]
        program.append(instruction)
    program.append(Halt())
    result = simulate(program, config, dram)
    start = bases["c"] + spec.c_offset
    rows = dram[start : start + spec.m * spec.c_stride].reshape(spec.m, spec.c_stride)
    width = spec.n * spec.out_dtype.bytes
    c = rows[:, :width].copy().view(NUMPY_TYPES[spec.out_dtype])
    return Run(plan, program, result, c)


def formula(m: int, k: int, n: int, config: MxuConfig) -> int:
    """SCALE-Sim's weight-stationary count plus one (docs/mxu.md, "Timing model")."""
    r, c = config.rows, config.cols
    return math.ceil(k / r) * math.ceil(n / c) * (2 * r + m + c - 2)


def compute_bound(m: int, k: int, n: int, config: MxuConfig) -> int:
    return math.ceil(k / config.rows) * math.ceil(n / config.cols) * m


def os_formula(m: int, k: int, n: int, config: MxuConfig) -> int:
    """SCALE-Sim's output-stationary count plus one: one matmul_os per R x C output tile."""
    r, c = config.rows, config.cols
    return math.ceil(m / r) * math.ceil(n / c) * (r + c + k - 2)


def int8_reference(spec: GemmSpec, ops: dict[str, np.ndarray]) -> np.ndarray:
    """What the machine computes, in int64 with the 32-bit wrap made explicit."""
    v = ops["a"].astype(np.int64) @ ops["b"].astype(np.int64)
    if spec.accumulate:
        v = v + ops["c"]
    if spec.bias:
        v = v + ops["bias"]
    v = v.astype(np.int32).astype(np.int64)  # the 32-bit accumulator wraps
    if spec.func is Func.RELU:
        v = np.maximum(v, 0)
    if spec.out_dtype is DType.I8:
        v = v * spec.scale + ((1 << (spec.shift - 1)) if spec.shift else 0)
        v = np.clip(v >> spec.shift, -128, 127)
    return v


def float_reference(spec: GemmSpec, ops: dict[str, np.ndarray]) -> np.ndarray:
    v = ops["a"].astype(np.float64) @ ops["b"].astype(np.float64)
    if spec.accumulate:
        v = v + ops["c"]
    if spec.bias:
        v = v + ops["bias"]
    if spec.func is Func.RELU:
        v = np.maximum(v, 0)
    return v


def operands(spec: GemmSpec, seed: int, big: bool = False) -> dict[str, np.ndarray]:
    """Random A, B (and bias, initial C); `big` int8 values make the i32 sums wrap."""
    rng = np.random.default_rng(seed)
    if spec.dtype is DType.I8:
        ops = {
            "a": rng.integers(-128, 128, (spec.m, spec.k)).astype(np.int8),
            "b": rng.integers(-128, 128, (spec.k, spec.n)).astype(np.int8),
            "bias": rng.integers(-(1 << 20), 1 << 20, spec.n).astype(np.int32),
            "c": rng.integers(
                -(1 << 31) if big else -5000, (1 << 31) if big else 5000, (spec.m, spec.n)
            ).astype(np.int32),
        }
    else:
        t = NUMPY_TYPES[spec.dtype]
        ops = {
            "a": rng.standard_normal((spec.m, spec.k)).astype(t),
            "b": rng.standard_normal((spec.k, spec.n)).astype(t),
            "bias": rng.standard_normal(spec.n).astype(np.float32),
            "c": rng.standard_normal((spec.m, spec.n)).astype(np.float32),
        }
    if not spec.bias:
        del ops["bias"]
    if not spec.accumulate:
        del ops["c"]
    return ops


def dense(m: int, k: int, n: int, dtype: DType, out: DType, **kw: object) -> GemmSpec:
    return GemmSpec(m, k, n, dtype, out, k * dtype.bytes, n * dtype.bytes, n * out.bytes, **kw)  # type: ignore[arg-type]


# --- strategies ----------------------------------------------------------------------

SIDES = st.sampled_from([2, 4, 8, 16])


@st.composite
def small_configs(draw: st.DrawFn, double_buffer_weights: bool | None = None) -> MxuConfig:
    """Small arrays with small memories, so that M, K and N tiling all happen."""
    r, c = draw(SIDES), draw(SIDES)
    width = max(r, c)
    minimum = -(-4 * width * width // 1024)  # the config's lower bounds on both memories
    return MxuConfig(
        rows=r,
        cols=c,
        scratchpad_kib=draw(st.integers(max(minimum, 1), 8)),
        accumulator_kib=draw(st.integers(max(minimum, 1), 2)),
        dram_mib=16,
        dma_bytes_per_cycle=draw(st.sampled_from([4, 16, 64])),
        dma_latency=draw(st.sampled_from([0, 8, 64])),
        double_buffer_weights=(
            draw(st.booleans()) if double_buffer_weights is None else double_buffer_weights
        ),
    )


SHAPES = st.tuples(st.integers(1, 90), st.integers(1, 70), st.integers(1, 50))
SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def schedulable(spec: GemmSpec, config: MxuConfig, dataflow: str = "ws") -> None:
    """Skip the draws whose scratchpad cannot hold even one tile (tested separately)."""
    try:
        plan_gemm(spec, config, dataflow=dataflow)
    except GemmScheduleError:
        assume(False)


# --- results -------------------------------------------------------------------------


@pytest.mark.parametrize("dataflow", DATAFLOWS)
@SLOW
@given(
    shape=SHAPES,
    config=small_configs(),
    epilogue=st.sampled_from(["requant", "i32", "i32-bias", "accumulate"]),
    seed=st.integers(0, 2**16),
    double_buffer=st.booleans(),
)
def test_int8_results_are_bit_exact(
    dataflow: str,
    shape: tuple[int, int, int],
    config: MxuConfig,
    epilogue: str,
    seed: int,
    double_buffer: bool,
) -> None:
    m, k, n = shape
    if epilogue == "requant":
        spec = dense(
            m,
            k,
            n,
            DType.I8,
            DType.I8,
            bias=True,
            func=Func.RELU,
            scale=(seed % 7) + 1,
            shift=seed % 12,
        )
    elif epilogue == "i32":
        spec = dense(m, k, n, DType.I8, DType.I32)
    elif epilogue == "i32-bias":
        spec = dense(m, k, n, DType.I8, DType.I32, bias=True, func=Func.RELU)
    else:
        spec = dense(m, k, n, DType.I8, DType.I32, accumulate=True)
    schedulable(spec, config, dataflow)
    ops = operands(spec, seed, big=epilogue == "accumulate")
    got = run(spec, config, ops, double_buffer=double_buffer, dataflow=dataflow)
    np.testing.assert_array_equal(got.c.astype(np.int64), int8_reference(spec, ops))


@pytest.mark.parametrize("dataflow", DATAFLOWS)
@SLOW
@given(
    shape=SHAPES,
    config=small_configs(),
    types=st.sampled_from(
        [
            (DType.F32, DType.F32),
            (DType.BF16, DType.BF16),
            (DType.BF16, DType.F32),
            (DType.F32, DType.BF16),
        ]
    ),
    epilogue=st.sampled_from(["none", "bias-relu", "accumulate"]),
    seed=st.integers(0, 2**16),
)
def test_float_results_are_within_rounding(
    dataflow: str,
    shape: tuple[int, int, int],
    config: MxuConfig,
    types: tuple[DType, DType],
    epilogue: str,
    seed: int,
) -> None:
    m, k, n = shape
    dtype, out = types
    if epilogue == "accumulate" and out is DType.BF16:
        out = DType.F32
    spec = dense(
        m,
        k,
        n,
        dtype,
        out,
        bias=epilogue == "bias-relu",
        func=Func.RELU if epilogue == "bias-relu" else Func.NONE,
        accumulate=epilogue == "accumulate",
    )
    schedulable(spec, config, dataflow)
    ops = operands(spec, seed)
    got = run(spec, config, ops, dataflow=dataflow).c.astype(np.float64)
    want = float_reference(spec, ops)
    # f32 sums of k products: a few ulps of the magnitudes summed; bf16 output: 2^-8.
    magnitude = np.abs(ops["a"].astype(np.float64)) @ np.abs(ops["b"].astype(np.float64))
    magnitude += np.abs(ops.get("bias", 0)) + np.abs(ops.get("c", 0)) + 1e-3
    tolerance = magnitude * (2.0**-8 if out is DType.BF16 else 1e-6 * k)
    assert np.all(np.abs(got - want) <= tolerance)


@pytest.mark.parametrize("dataflow", DATAFLOWS)
def test_strided_operands_at_offsets(dataflow: str) -> None:
    """Rows wider than the matrix and operands that start inside their buffers."""
    config = MxuConfig(rows=8, cols=8, scratchpad_kib=4, accumulator_kib=1)
    spec = GemmSpec(
        m=21,
        k=19,
        n=13,
        dtype=DType.I8,
        out_dtype=DType.I8,
        a_stride=40,
        b_stride=17,
        c_stride=29,
        a_offset=7,
        b_offset=3,
        c_offset=5,
        bias_offset=12,
        bias=True,
        func=Func.RELU,
        scale=3,
        shift=4,
    )
    ops = operands(spec, 3)
    got = run(spec, config, ops, dataflow=dataflow)
    np.testing.assert_array_equal(got.c.astype(np.int64), int8_reference(spec, ops))


def test_padding_between_c_rows_is_untouched() -> None:
    config = MxuConfig(rows=4, cols=4, scratchpad_kib=1, accumulator_kib=1)
    spec = GemmSpec(
        m=9, k=6, n=5, dtype=DType.I8, out_dtype=DType.I32, a_stride=6, b_stride=5, c_stride=32
    )
    ops = operands(spec, 0)
    _, stream = schedule_gemm(spec, config)
    dram, bases = layout(spec, ops)
    dram[bases["c"] : bases["c"] + 9 * 32] = 0xAB
    program = [
        replace(i, dram_addr=i.dram_addr + bases[o]) if o else i  # type: ignore[call-arg]
        for i, o in stream
    ]
    simulate([*program, Halt()], config, dram)
    rows = dram[bases["c"] : bases["c"] + 9 * 32].reshape(9, 32)
    assert np.all(rows[:, 20:] == 0xAB)
    np.testing.assert_array_equal(rows[:, :20].copy().view("<i4"), int8_reference(spec, ops))


# --- cycles --------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 300), st.integers(1, 300), st.integers(1, 300)),
    preset=st.sampled_from(["edge", "edge-8x32"]),
)
def test_no_overlap_array_cycles_equal_the_formula(
    shape: tuple[int, int, int], preset: str
) -> None:
    """The key property: without weight overlap the GEMM takes SCALE-Sim's count + 1."""
    m, k, n = shape
    config = MxuConfig(double_buffer_weights=False)
    if preset == "edge-8x32":
        config = config.with_options(rows=8, cols=32)
    spec = dense(m, k, n, DType.I8, DType.I32)
    got = run(spec, config, operands(spec, 0))
    assert got.plan.folds == math.ceil(k / config.rows) * math.ceil(n / config.cols)
    assert got.result.report.array_cycles == formula(m, k, n, config)


@SLOW
@given(shape=SHAPES, config=small_configs(double_buffer_weights=False))
def test_no_overlap_array_cycles_count_every_fold(
    shape: tuple[int, int, int], config: MxuConfig
) -> None:
    """Each fold costs 2R + C - 2 plus its rows; the formula whenever M fits the accumulator."""
    m, k, n = shape
    spec = dense(m, k, n, DType.I8, DType.I32)
    schedulable(spec, config)
    got = run(spec, config, operands(spec, 1))
    r, c = config.rows, config.cols
    k_tiles, n_tiles = math.ceil(k / r), math.ceil(n / c)
    expected = got.plan.folds * (2 * r + c - 2) + k_tiles * n_tiles * m
    assert got.result.report.array_cycles == expected
    if got.plan.m_tiles == 1 or k_tiles == 1:
        assert got.result.report.array_cycles == formula(m, k, n, config)
    if m <= config.accumulator_rows and got.plan.m_tile == m:
        assert got.plan.folds == k_tiles * n_tiles


@SLOW
@given(shape=SHAPES, config=small_configs(double_buffer_weights=True))
def test_double_buffered_array_cycles_lie_between_the_bounds(
    shape: tuple[int, int, int], config: MxuConfig
) -> None:
    m, k, n = shape
    spec = dense(m, k, n, DType.I8, DType.I32)
    schedulable(spec, config)
    got = run(spec, config, operands(spec, 2))
    cycles = got.result.report.array_cycles
    assert cycles >= compute_bound(m, k, n, config)
    r, c = config.rows, config.cols
    no_overlap = got.plan.folds * (2 * r + c - 2) + math.ceil(k / r) * math.ceil(n / c) * m
    assert cycles <= no_overlap
    if got.plan.folds == math.ceil(k / r) * math.ceil(n / c):
        assert cycles <= formula(m, k, n, config)


@pytest.mark.parametrize(
    ("m", "k", "n"), [(256, 256, 256), (64, 147, 64), (1000, 64, 64), (300, 40, 100)]
)
def test_edge_double_buffered_array_cycles_near_the_compute_bound(m: int, k: int, n: int) -> None:
    config = MxuConfig()
    spec = dense(m, k, n, DType.I8, DType.I32)
    got = run(spec, config, operands(spec, 0))
    bound = compute_bound(m, k, n, config)
    # Weight loads hide behind streams of at least 2R + C - 2 rows: one fill and drain remain.
    assert bound <= got.result.report.array_cycles <= bound + 2 * config.rows + config.cols


def test_double_buffering_beats_single_buffering_when_dma_heavy() -> None:
    """Weights dominate (64 rows stream through each tile): overlap the DMA with compute."""
    config = MxuConfig()
    spec = dense(64, 512, 256, DType.I8, DType.I8, bias=True, func=Func.RELU, shift=8)
    ops = operands(spec, 5)
    double = run(spec, config, ops)
    single = run(spec, config, ops, double_buffer=False)
    assert double.plan.double_buffered and not single.plan.double_buffered
    np.testing.assert_array_equal(double.c, single.c)
    assert double.result.report.cycles < 0.8 * single.result.report.cycles
    # And against the same stream with no overlap at all (a fence after every instruction).
    fenced = [x for ins in double.program[:-1] for x in (ins, Fence())] + [Halt()]
    dram, _ = layout(spec, ops)
    serial = simulate(fenced, config, dram).report.cycles
    assert double.result.report.cycles < 0.6 * serial


def test_total_cycles_with_weight_overlap_are_lower() -> None:
    spec = dense(128, 200, 96, DType.I8, DType.I32)
    ops = operands(spec, 6)
    overlap = run(spec, MxuConfig(), ops).result.report
    serial = run(spec, MxuConfig(double_buffer_weights=False), ops).result.report
    assert overlap.cycles < serial.cycles
    assert overlap.array_cycles < serial.array_cycles


# --- output-stationary cycles and buffering ---------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 300), st.integers(1, 300), st.integers(1, 300)),
    sides=st.sampled_from([(16, 16), (8, 32), (32, 8)]),
)
def test_os_array_cycles_equal_the_formula(
    shape: tuple[int, int, int], sides: tuple[int, int]
) -> None:
    """One matmul_os per R x C output tile over the whole K: SCALE-Sim's OS count + 1."""
    m, k, n = shape
    config = MxuConfig().with_options(rows=sides[0], cols=sides[1])
    spec = dense(m, k, n, DType.I8, DType.I32)
    got = run(spec, config, operands(spec, 0), dataflow="os")
    products = [i for i in got.program if isinstance(i, MatmulOS)]
    assert len(products) == math.ceil(m / sides[0]) * math.ceil(n / sides[1])
    assert all(i.depth == k for i in products)
    assert not any(isinstance(i, LoadWeights | Matmul) for i in got.program)
    assert got.result.report.array_cycles == os_formula(m, k, n, config)


@SLOW
@given(shape=SHAPES, config=small_configs())
def test_os_array_cycles_count_every_chunk(shape: tuple[int, int, int], config: MxuConfig) -> None:
    """Each matmul_os costs its depth plus R + C - 2; the formula whenever K fits one."""
    m, k, n = shape
    spec = dense(m, k, n, DType.I8, DType.I32)
    schedulable(spec, config, "os")
    got = run(spec, config, operands(spec, 1), dataflow="os")
    r, c = config.rows, config.cols
    tiles = math.ceil(m / r) * math.ceil(n / c)
    assert got.plan.folds == tiles * got.plan.k_tiles
    cycles = got.result.report.array_cycles
    assert cycles == tiles * k + got.plan.folds * (r + c - 2)
    if got.plan.k_tiles == 1:
        assert cycles == os_formula(m, k, n, config)


def test_os_splits_k_only_when_the_scratchpad_is_short() -> None:
    spec = dense(20, 300, 12, DType.I8, DType.I8, bias=True, func=Func.RELU, scale=3, shift=9)
    ops = operands(spec, 7)
    roomy = MxuConfig(rows=8, cols=8, scratchpad_kib=16, accumulator_kib=1)
    short = roomy.with_options(scratchpad_kib=1)  # 128 rows: not two 300-row operands
    whole = run(spec, roomy, ops, dataflow="os")
    split = run(spec, short, ops, dataflow="os")
    for got in (whole, split):
        np.testing.assert_array_equal(got.c.astype(np.int64), int8_reference(spec, ops))
    assert whole.plan.k_tiles == 1
    assert whole.result.report.array_cycles == os_formula(20, 300, 12, roomy)
    assert split.plan.k_tiles > 1 and split.plan.loop_order == "m, n, k"
    assert split.plan.scratchpad_rows <= short.scratchpad_rows
    tiles = math.ceil(20 / 8) * math.ceil(12 / 8)
    extra = tiles * (split.plan.k_tiles - 1) * (8 + 8 - 2)  # a fill and drain per extra chunk
    assert split.result.report.array_cycles == os_formula(20, 300, 12, short) + extra


def test_os_reads_each_operand_once_when_it_fits() -> None:
    config = MxuConfig()
    spec = dense(256, 256, 256, DType.I8, DType.I32)
    got = run(spec, config, operands(spec, 0), dataflow="os")
    assert got.result.report.dram_read_bytes == 2 * 256 * 256
    assert got.result.report.dram_written_bytes == 256 * 256 * 4
    # A reaches the scratchpad through the transposer, a 16 x 16 block per transfer.
    transposed = [i for i in got.program if isinstance(i, Load) and i.transpose]
    assert len(transposed) == 16 * 16
    assert all(i.rows == 16 and i.cols == 16 for i in transposed)


def test_os_double_buffering_overlaps_dma_with_compute() -> None:
    config = MxuConfig()
    spec = dense(256, 256, 64, DType.I8, DType.I8, bias=True, func=Func.RELU, shift=8)
    ops = operands(spec, 5)
    double = run(spec, config, ops, dataflow="os")
    single = run(spec, config, ops, double_buffer=False, dataflow="os")
    assert double.plan.double_buffered and not single.plan.double_buffered
    np.testing.assert_array_equal(double.c, single.c)
    np.testing.assert_array_equal(double.c.astype(np.int64), int8_reference(spec, ops))
    assert double.result.report.cycles < 0.8 * single.result.report.cycles
    fenced = [x for ins in double.program[:-1] for x in (ins, Fence())] + [Halt()]
    dram, _ = layout(spec, ops)
    assert double.result.report.cycles < 0.6 * simulate(fenced, config, dram).report.cycles


def test_os_epilogue_overlaps_the_next_tile() -> None:
    """An output tile's activate runs while the array computes a later tile."""
    spec = dense(64, 64, 64, DType.I8, DType.I8, bias=True, func=Func.RELU, shift=6)
    got = run(spec, MxuConfig(), operands(spec, 0), dataflow="os")
    schedule = got.result.report.schedule
    products = [schedule[i] for i, x in enumerate(got.program) if isinstance(x, MatmulOS)]
    activates = [schedule[i] for i, x in enumerate(got.program) if isinstance(x, Activate)]
    assert len(products) == len(activates) == 16
    overlapping = [a for a in activates if any(s < a[1] and a[0] < e for s, e in products)]
    assert len(overlapping) >= len(activates) // 2


# --- tokens, traffic, tiling ---------------------------------------------------------


def token_balance(program: list[Instruction]) -> dict[str, int]:
    """Pushes minus pops per direction (load->execute, execute->load, ...)."""
    balance = {"l2e": 0, "e2l": 0, "e2s": 0, "s2e": 0}
    for ins in program:
        deps: Deps | None = getattr(ins, "deps", None)
        if deps is None:
            continue
        queue = ins.QUEUE
        if queue is Queue.LOAD:
            balance["l2e"] += deps.push_next
            balance["e2l"] -= deps.pop_next
        elif queue is Queue.EXECUTE:
            balance["l2e"] -= deps.pop_prev
            balance["e2l"] += deps.push_prev
            balance["e2s"] += deps.push_next
            balance["s2e"] -= deps.pop_next
        elif queue is Queue.STORE:
            balance["e2s"] -= deps.pop_prev
            balance["s2e"] += deps.push_prev
    return balance


@pytest.mark.parametrize("dataflow", DATAFLOWS)
@pytest.mark.parametrize("accumulate", [False, True])
def test_fragments_are_self_contained_and_compose(accumulate: bool, dataflow: str) -> None:
    """Two GEMMs joined by a fence: each pops every token it pushes, and both are right."""
    config = MxuConfig(rows=4, cols=8, scratchpad_kib=1, accumulator_kib=1)
    first = dense(40, 30, 20, DType.I8, DType.I32, accumulate=accumulate)
    second = replace(
        dense(50, 9, 17, DType.I8, DType.I8, bias=True, shift=3), a_offset=0, b_offset=0
    )
    ops1, ops2 = operands(first, 1), operands(second, 2)
    d1, b1 = layout(first, ops1)
    d2, b2 = layout(second, ops2)
    dram = np.concatenate([d1, d2])
    program: list[Instruction] = []
    for spec, bases, shift in ((first, b1, 0), (second, b2, d1.size)):
        _, stream = schedule_gemm(spec, config, dataflow=dataflow)
        fragment = [
            replace(i, dram_addr=i.dram_addr + bases[o] + shift) if o else i  # type: ignore[call-arg]
            for i, o in stream
        ]
        assert all(v == 0 for v in token_balance(fragment).values())
        program += [*([Fence()] if program else []), *fragment]
    simulate([*program, Halt()], config, dram)
    c1 = dram[b1["c"] : b1["c"] + 40 * 20 * 4].view("<i4").reshape(40, 20)
    start = d1.size + b2["c"]
    c2 = dram[start : start + 50 * 17].view(np.int8).reshape(50, 17)
    np.testing.assert_array_equal(c1, int8_reference(first, ops1))
    np.testing.assert_array_equal(c2.astype(np.int64), int8_reference(second, ops2))


def test_operands_are_read_once_when_they_fit() -> None:
    config = MxuConfig()
    spec = dense(256, 256, 256, DType.I8, DType.I32)
    got = run(spec, config, operands(spec, 0))
    assert got.plan.a_buffer == "resident"
    assert got.result.report.dram_read_bytes == 2 * 256 * 256
    assert got.result.report.dram_written_bytes == 256 * 256 * 4
    # One load per A tile (16) and per B column panel (16), not per weight tile (256).
    assert sum(isinstance(i, Load) for i in got.program) == 32


def test_tiling_follows_the_scratchpad_size() -> None:
    """Shrinking the scratchpad shrinks what stays on chip; the results stay exact."""
    spec = dense(200, 300, 100, DType.I8, DType.I8, bias=True, func=Func.RELU, shift=10)
    ops = operands(spec, 4)
    plans = []
    for kib in (256, 64, 16, 4):
        config = MxuConfig(scratchpad_kib=kib)
        got = run(spec, config, ops)
        assert got.plan.scratchpad_rows <= config.scratchpad_rows
        np.testing.assert_array_equal(got.c.astype(np.int64), int8_reference(spec, ops))
        plans.append(got.plan)
    # All of A and whole B column panels on chip; then smaller B chunks; then A streamed;
    # then smaller M tiles.
    assert plans[0].a_buffer == "resident" and plans[0].b_chunk == plans[0].k_tiles
    assert plans[1].b_chunk < plans[0].b_chunk
    assert plans[2].a_buffer == "stream"
    assert plans[3].m_tile < plans[0].m_tile
    footprints = [p.scratchpad_rows for p in plans]
    assert footprints == sorted(footprints, reverse=True) and len(set(footprints)) == len(plans)


def test_m_is_tiled_to_the_accumulator() -> None:
    config = MxuConfig(accumulator_kib=4)  # 64 accumulator rows
    spec = dense(150, 40, 20, DType.I8, DType.I32)
    got = run(spec, config, operands(spec, 0))
    assert got.plan.m_tiles == 5 and got.plan.m_tile == 30 and got.plan.acc_slots == 2
    assert max(i.acc_row + i.rows for i in got.program if isinstance(i, Matmul)) <= 64
    # One K fold: each fold streams all M rows, in accumulator-sized matmuls.
    short = dense(150, 16, 20, DType.I8, DType.I32)
    got = run(short, config.with_options(double_buffer_weights=False), operands(short, 0))
    assert got.plan.loop_order == "n, m" and got.plan.folds == 2
    assert got.result.report.array_cycles == formula(150, 16, 20, config)


def test_epilogue_overlaps_the_next_tile() -> None:
    """Activates of one output tile run while the array computes the next one."""
    spec = dense(128, 64, 64, DType.I8, DType.I8, bias=True, func=Func.RELU, shift=6)
    got = run(spec, MxuConfig(), operands(spec, 0))
    schedule = got.result.report.schedule
    matmuls = [schedule[i] for i, x in enumerate(got.program) if isinstance(x, Matmul)]
    activates = [schedule[i] for i, x in enumerate(got.program) if isinstance(x, Activate)]
    assert len(activates) == 4
    first_activate = activates[0]
    assert any(s < first_activate[1] and first_activate[0] < e for s, e in matmuls)
    loadws = [i for i, x in enumerate(got.program) if isinstance(x, LoadWeights)]
    assert len(loadws) == got.plan.folds


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (dense(4, 4, 4, DType.I8, DType.F32), "produces i8 or i32"),
        (dense(4, 4, 4, DType.F32, DType.I32), "produces bf16 or f32"),
        (dense(4, 4, 4, DType.I32, DType.I32), "i8, bf16 or f32"),
        (dense(4, 4, 4, DType.I8, DType.I32, accumulate=True, bias=True), "accumulating"),
        (dense(4, 4, 4, DType.I8, DType.I8, accumulate=True), "accumulating"),
        (replace(dense(4, 8, 4, DType.I8, DType.I32), a_stride=4), "'a_stride'"),
        (dense(0, 4, 4, DType.I8, DType.I32), "'m' must be a positive"),
        (dense(4, 4, 4, DType.I8, DType.I8, shift=64), "'shift'"),
    ],
)
def test_bad_specs_are_refused(spec: GemmSpec, message: str) -> None:
    with pytest.raises(GemmScheduleError, match=message):
        schedule_gemm(spec, MxuConfig())


def test_an_unknown_dataflow_is_refused() -> None:
    with pytest.raises(GemmScheduleError, match="unknown dataflow 'is'"):
        schedule_gemm(dense(4, 4, 4, DType.I8, DType.I32), MxuConfig(), dataflow="is")


def test_a_scratchpad_too_small_for_os_is_refused() -> None:
    config = MxuConfig(rows=16, cols=16, scratchpad_kib=1)  # 64 rows; the bias needs 256
    with pytest.raises(GemmScheduleError, match="cannot hold one row of A transposed"):
        plan_gemm(dense(8, 8, 1024, DType.I8, DType.I8, bias=True), config, dataflow="os")


def test_a_scratchpad_too_small_is_refused() -> None:
    config = MxuConfig(rows=16, cols=16, scratchpad_kib=1)  # 64 rows: one f32 weight tile
    with pytest.raises(GemmScheduleError, match="cannot hold one 16-row weight tile"):
        plan_gemm(dense(8, 8, 8, DType.F32, DType.F32), config)
