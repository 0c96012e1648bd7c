"""The mxu simulator's results: what each instruction computes, and the errors of docs/mxu.md.

Expected values come from numpy (or plain Python integers) applied to the
inputs, never from the simulator. `gemm_program` and `os_gemm_program` build
the weight-stationary and output-stationary GEMMs that test_mxu_timing.py also
times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mxu_strategies import programs

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    Activate,
    Config,
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
    Memory,
    Store,
)
from ziggurat.targets.mxu.simulator import (
    SimulationError,
    dram_bytes_needed,
    simulate,
)

EDGE = MxuConfig()
SMALL = MxuConfig(rows=4, cols=4, scratchpad_kib=4, accumulator_kib=4, dram_mib=1)
"""A 4 x 4 array with 1024 scratchpad rows and 256 accumulator rows."""

NUMPY_TYPES = {
    DType.I8: np.dtype(np.int8),
    DType.BF16: np.dtype(ml_dtypes.bfloat16),
    DType.F32: np.dtype("<f4"),
    DType.I32: np.dtype("<i4"),
}


# --- a weight-stationary GEMM --------------------------------------------------------


@dataclass
class Gemm:
    """A GEMM program and where its matrices live in DRAM."""

    program: list[Instruction]
    m: int
    k: int
    n: int
    dtype: DType
    a_addr: int
    b_addr: int
    c_addr: int

    def dram(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        image = np.zeros(dram_bytes_needed(self.program), dtype=np.uint8)
        t = NUMPY_TYPES[self.dtype]
        image[self.a_addr : self.a_addr + a.size * t.itemsize] = a.astype(t).view(np.uint8).ravel()
        image[self.b_addr : self.b_addr + b.size * t.itemsize] = b.astype(t).view(np.uint8).ravel()
        return image

    def result(self, dram: np.ndarray) -> np.ndarray:
        acc = np.dtype("<f4") if self.dtype.is_float else np.dtype("<i4")
        return (
            dram[self.c_addr : self.c_addr + self.m * self.n * 4].view(acc).reshape(self.m, self.n)
        )


def gemm_program(m: int, k: int, n: int, config: MxuConfig, dtype: DType = DType.I8) -> Gemm:
    """C (m x n) = A (m x k) @ B (k x n), all tiles loaded up front.

    The loads fill the scratchpad (A as one m-row block per k-tile, B as one
    tile per fold), a fence waits for them, then each fold (k-tile, n-tile) is a
    `loadw` and a `matmul` of all m rows that accumulates over the k-tiles into
    accumulator rows j * m. A second fence, then one store per n-tile.
    """
    r, c, size = config.rows, config.cols, dtype.bytes
    acc = DType.F32 if dtype.is_float else DType.I32
    k_tiles, n_tiles = math.ceil(k / r), math.ceil(n / c)
    a_addr, b_addr = 0, m * k * size
    c_addr = b_addr + k * n * size
    program: list[Instruction] = []
    row = 0
    a_rows = []
    for t in range(k_tiles):
        kk = min(r, k - t * r)
        program.append(Load(Memory.SPAD, row, a_addr + t * r * size, k * size, m, kk, dtype))
        a_rows.append(row)
        row += m * size
    b_rows = {}
    for t in range(k_tiles):
        for j in range(n_tiles):
            kk, nn = min(r, k - t * r), min(c, n - j * c)
            addr = b_addr + (t * r * n + j * c) * size
            program.append(Load(Memory.SPAD, row, addr, n * size, kk, nn, dtype))
            b_rows[t, j] = row
            row += kk * size
    program.append(Fence())
    for t in range(k_tiles):
        for j in range(n_tiles):
            kk, nn = min(r, k - t * r), min(c, n - j * c)
            program.append(LoadWeights(b_rows[t, j], kk, nn, dtype))
            program.append(Matmul(a_rows[t], m, j * m, dtype, accumulate=t > 0))
    program.append(Fence())
    for j in range(n_tiles):
        nn = min(c, n - j * c)
        program.append(Store(Memory.ACC, j * m, c_addr + j * c * 4, n * 4, m, nn, acc))
    program.append(Halt())
    return Gemm(program, m, k, n, dtype, a_addr, b_addr, c_addr)


def os_gemm_program(m: int, k: int, n: int, config: MxuConfig, dtype: DType = DType.I8) -> Gemm:
    """C = A @ B on the output-stationary array: one `matmul_os` per R x C output tile.

    Each R-row block of A goes through the transposer (A^T: K rows of up to R
    elements), in slices of at most `width` columns of A; each C-column panel
    of B is loaded as K rows. A fence, then tile (i, j) is one `matmul_os` over
    the whole K into accumulator rows j * m + i * R (the layout of
    `gemm_program`), a second fence and one store per column panel.
    """
    r, c, size = config.rows, config.cols, dtype.bytes
    acc = DType.F32 if dtype.is_float else DType.I32
    m_tiles, n_tiles = math.ceil(m / r), math.ceil(n / c)
    a_addr, b_addr = 0, m * k * size
    c_addr = b_addr + k * n * size
    program: list[Instruction] = []
    row = 0
    a_rows = []
    for i in range(m_tiles):
        mm = min(r, m - i * r)
        for k0 in range(0, k, config.width):
            kk = min(config.width, k - k0)
            addr = a_addr + (i * r * k + k0) * size
            program.append(
                Load(Memory.SPAD, row + k0 * size, addr, k * size, mm, kk, dtype, transpose=True)
            )
        a_rows.append(row)
        row += k * size
    b_rows = []
    for j in range(n_tiles):
        nn = min(c, n - j * c)
        program.append(Load(Memory.SPAD, row, b_addr + j * c * size, n * size, k, nn, dtype))
        b_rows.append(row)
        row += k * size
    program.append(Fence())
    for i in range(m_tiles):
        for j in range(n_tiles):
            mm, nn = min(r, m - i * r), min(c, n - j * c)
            program.append(MatmulOS(a_rows[i], b_rows[j], k, mm, nn, j * m + i * r, dtype))
    program.append(Fence())
    for j in range(n_tiles):
        nn = min(c, n - j * c)
        program.append(Store(Memory.ACC, j * m, c_addr + j * c * 4, n * 4, m, nn, acc))
    program.append(Halt())
    return Gemm(program, m, k, n, dtype, a_addr, b_addr, c_addr)


def ordered_f32_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A @ B as an output-stationary cell sums it: f32, k = 0, 1, ... in order."""
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    total = a32[:, 0:1] * b32[0:1, :]
    for k in range(1, a.shape[1]):
        total = total + a32[:, k : k + 1] * b32[k : k + 1, :]
    return total


def small_array(rows: int, cols: int, double: bool = True) -> MxuConfig:
    """An R x C array whose accumulator holds `gemm_program`'s m * ceil(n / C) rows."""
    return MxuConfig(rows=rows, cols=cols, accumulator_kib=256, double_buffer_weights=double)


shapes = st.tuples(st.integers(1, 40), st.integers(1, 40), st.integers(1, 40))
arrays = st.tuples(st.integers(1, 8), st.integers(1, 8))


@pytest.mark.parametrize("build", [gemm_program, os_gemm_program], ids=["ws", "os"])
@settings(max_examples=60, deadline=None)
@given(shape=shapes, array=arrays, seed=st.integers(0, 2**32 - 1))
def test_int8_gemm_is_bit_exact(
    build, shape: tuple[int, int, int], array: tuple[int, int], seed: int
) -> None:
    m, k, n = shape
    config = small_array(*array)
    rng = np.random.default_rng(seed)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-128, 128, (k, n), dtype=np.int8)
    gemm = build(m, k, n, config)
    result = simulate(gemm.program, config, gemm.dram(a, b))
    expected = (a.astype(np.int64) @ b.astype(np.int64)).astype(np.int32)
    np.testing.assert_array_equal(gemm.result(result.dram), expected)
    assert result.report.macs == m * k * n


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    array=arrays,
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([DType.F32, DType.BF16]),
)
def test_float_gemm_is_close(
    shape: tuple[int, int, int], array: tuple[int, int], seed: int, dtype: DType
) -> None:
    m, k, n = shape
    config = small_array(*array)
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    if dtype is DType.BF16:
        # The products of bf16 values are exact in f32 and f64: only the sums round.
        a = a.astype(ml_dtypes.bfloat16).astype(np.float32)
        b = b.astype(ml_dtypes.bfloat16).astype(np.float32)
    gemm = gemm_program(m, k, n, config, dtype)
    result = simulate(gemm.program, config, gemm.dram(a, b))
    expected = a.astype(np.float64) @ b.astype(np.float64)
    got = gemm.result(result.dram)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * math.sqrt(k))


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    array=arrays,
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([DType.F32, DType.BF16]),
)
def test_output_stationary_float_gemm_sums_each_cell_in_order(
    shape: tuple[int, int, int], array: tuple[int, int], seed: int, dtype: DType
) -> None:
    m, k, n = shape
    config = small_array(*array)
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(NUMPY_TYPES[dtype])
    b = rng.standard_normal((k, n)).astype(NUMPY_TYPES[dtype])
    gemm = os_gemm_program(m, k, n, config, dtype)
    result = simulate(gemm.program, config, gemm.dram(a, b))
    got = gemm.result(result.dram)
    assert got.dtype == np.float32
    exact = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(got, exact, rtol=1e-5, atol=1e-5 * math.sqrt(k))
    # Each cell adds its products in k order, rounding to f32: reproducible bit for bit.
    np.testing.assert_array_equal(got, ordered_f32_product(a, b))


def test_output_stationary_gemm_with_a_long_k_on_the_tpu_v1_preset() -> None:
    """K far beyond the array: one matmul_os per output tile still covers it."""
    config = MxuConfig.preset("tpu-v1")
    rng = np.random.default_rng(2)
    a = rng.integers(-128, 128, (40, 1500), dtype=np.int8)
    b = rng.integers(-128, 128, (1500, 300), dtype=np.int8)
    gemm = os_gemm_program(40, 1500, 300, config)
    result = simulate(gemm.program, config, gemm.dram(a, b))
    np.testing.assert_array_equal(gemm.result(result.dram), a.astype(np.int32) @ b)
    assert sum(isinstance(ins, MatmulOS) for ins in gemm.program) == 2


def test_gemm_on_the_tpu_v1_preset() -> None:
    config = MxuConfig.preset("tpu-v1")
    rng = np.random.default_rng(1)
    a = rng.integers(-128, 128, (300, 300), dtype=np.int8)
    b = rng.integers(-128, 128, (300, 20), dtype=np.int8)
    gemm = gemm_program(300, 300, 20, config)
    result = simulate(gemm.program, config, gemm.dram(a, b))
    np.testing.assert_array_equal(gemm.result(result.dram), a.astype(np.int32) @ b)


# --- single instructions ----------------------------------------------------------------


def run(program: list[Instruction], dram: np.ndarray | None = None, config: MxuConfig = SMALL):
    return simulate([*program, Halt()], config, dram)


def test_load_gathers_strided_rows_and_zero_fills() -> None:
    dram = np.arange(256, dtype=np.uint8)
    program = [
        # Rows 7..12 first hold stale data: bytes 100..123.
        Load(Memory.SPAD, 7, 100, 4, 6, 4, DType.I8),
        Fence(),
        # 3 rows of 2 i8 elements, 10 bytes apart, from byte 5; then 2 rows of padding.
        Load(Memory.SPAD, 7, 5, 10, 3, 2, DType.I8, pad_rows=2),
    ]
    result = run(program, dram)
    rows = result.scratchpad_rows(7, 6, DType.I8)
    expected = np.zeros((6, 4), dtype=np.int8)
    expected[:3, :2] = [[5, 6], [15, 16], [25, 26]]
    expected[5] = [120, 121, 122, 123]  # row 12: not part of the second load
    np.testing.assert_array_equal(rows, expected)
    assert result.report.dram_read_bytes == 6 * 4 + 3 * 2  # padding is not read from DRAM


def test_a_bf16_row_takes_two_scratchpad_rows() -> None:
    values = np.array([[1.5, -2.0, 3.25, 0.0], [7.0, 8.0, -9.5, 1e10]], dtype=ml_dtypes.bfloat16)
    dram = values.view(np.uint8).ravel().copy()
    result = run([Load(Memory.SPAD, 10, 0, 8, 2, 4, DType.BF16)], dram)
    # Physical rows 10..13 hold the two logical rows; row 14 is untouched.
    raw = result.scratchpad[10:14].reshape(-1)
    np.testing.assert_array_equal(raw, dram)
    np.testing.assert_array_equal(result.scratchpad_rows(10, 2, DType.BF16), values)
    assert not result.scratchpad[14].any()


def test_store_writes_strided_rows_and_nothing_else() -> None:
    source = np.arange(1, 65, dtype=np.uint8)
    dram = np.concatenate([source, np.full(64, 0xEE, dtype=np.uint8)])
    program = [
        Load(Memory.SPAD, 0, 0, 4, 4, 4, DType.I8),
        Fence(),
        # 3 rows of 2 elements, 7 bytes apart, from byte 70.
        Store(Memory.SPAD, 1, 70, 7, 3, 2, DType.I8),
    ]
    result = run(program, dram)
    expected = dram.copy()
    expected[70:72], expected[77:79], expected[84:86] = [5, 6], [9, 10], [13, 14]
    expected[:64] = source
    np.testing.assert_array_equal(result.dram, expected)
    assert result.report.dram_written_bytes == 6


def test_accumulator_round_trip_through_dram() -> None:
    values = np.array([[1, -2, 3], [2**31 - 1, -(2**31), 0]], dtype="<i4")
    dram = np.concatenate([values.view(np.uint8).ravel(), np.zeros(24, dtype=np.uint8)])
    program = [
        Load(Memory.ACC, 5, 0, 12, 2, 3, DType.I32),
        Fence(),
        Store(Memory.ACC, 5, 24, 12, 2, 3, DType.I32),
    ]
    result = run(program, dram)
    np.testing.assert_array_equal(result.dram[24:].view("<i4").reshape(2, 3), values)


def _dram_of(*blocks: tuple[int, np.ndarray], size: int = 4096) -> np.ndarray:
    image = np.zeros(size, dtype=np.uint8)
    for addr, block in blocks:
        raw = np.ascontiguousarray(block).view(np.uint8).ravel()
        image[addr : addr + raw.size] = raw
    return image


def test_matmul_overwrites_or_accumulates() -> None:
    a = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.int8)  # M=3, K=2
    w = np.array([[1, 0, 2], [0, 1, 3]], dtype=np.int8)  # K=2, N=3
    dram = _dram_of((0, a), (64, w))
    program = [
        Load(Memory.SPAD, 0, 0, 2, 3, 2, DType.I8),
        Load(Memory.SPAD, 8, 64, 3, 2, 3, DType.I8),
        Fence(),
        LoadWeights(8, 2, 3, DType.I8),
        Matmul(0, 3, 0, DType.I8),
        Matmul(0, 3, 10, DType.I8),
        Matmul(0, 3, 10, DType.I8, accumulate=True),
    ]
    result = run(program, dram)
    product = a.astype(np.int32) @ w
    once = result.accumulator_rows(0, 3)
    np.testing.assert_array_equal(once[:, :3], product)
    np.testing.assert_array_equal(once[:, 3:], 0)  # columns beyond N get zero products
    np.testing.assert_array_equal(result.accumulator_rows(10, 3)[:, :3], 2 * product)
    assert result.report.macs == 3 * (3 * 2 * 3)


def test_int8_accumulation_wraps_around() -> None:
    start = np.full((2, 4), 2**31 - 10, dtype="<i4")
    start[1] = -(2**31) + 3
    a = np.array([[127, 127], [-128, 127]], dtype=np.int8)
    w = np.array([[127, -128, 1, 0], [127, -128, 0, 1]], dtype=np.int8)
    dram = _dram_of((0, start), (64, a), (128, w))
    program = [
        Load(Memory.ACC, 0, 0, 16, 2, 4, DType.I32),
        Load(Memory.SPAD, 0, 64, 2, 2, 2, DType.I8),
        Load(Memory.SPAD, 4, 128, 4, 2, 4, DType.I8),
        Fence(),
        LoadWeights(4, 2, 4, DType.I8),
        Matmul(0, 2, 0, DType.I8, accumulate=True),
    ]
    result = run(program, dram)
    exact = start.astype(object) + a.astype(object).dot(w.astype(object))
    wrapped = [[(int(v) + 2**31) % 2**32 - 2**31 for v in row] for row in exact]
    np.testing.assert_array_equal(result.accumulator_rows(0, 2), wrapped)


def test_transposed_load_writes_the_columns_as_rows() -> None:
    dram = np.arange(256, dtype=np.uint8)
    program = [
        Load(Memory.SPAD, 20, 200, 4, 7, 4, DType.I8),  # stale data in rows 20..26
        Fence(),
        # A 3 x 2 block (rows 10 bytes apart, from byte 5) -> 2 rows of 3, then 2 zero rows.
        Load(Memory.SPAD, 20, 5, 10, 3, 2, DType.I8, pad_rows=2, transpose=True),
    ]
    result = run(program, dram)
    expected = np.zeros((7, 4), dtype=np.uint8)
    expected[0, :3] = [5, 15, 25]
    expected[1, :3] = [6, 16, 26]
    expected[4:] = [[216, 217, 218, 219], [220, 221, 222, 223], [224, 225, 226, 227]]
    np.testing.assert_array_equal(result.scratchpad[20:27], expected)
    assert result.report.dram_read_bytes == 7 * 4 + 3 * 2


@pytest.mark.parametrize("dtype", [DType.I8, DType.BF16, DType.F32, DType.I32])
def test_transposed_load_of_every_type(dtype: DType) -> None:
    """A block of any element type comes out transposed, a bf16 row taking two rows."""
    rng = np.random.default_rng(int(dtype))
    block = rng.integers(-100, 100, (4, 3)).astype(NUMPY_TYPES[dtype])  # rows <= width = 4
    stride = 3 * dtype.bytes + 5  # rows are not adjacent in DRAM
    dram = np.zeros(512, dtype=np.uint8)
    for i in range(4):
        raw = block[i].view(np.uint8)
        dram[40 + i * stride : 40 + i * stride + raw.size] = raw
    program = [Load(Memory.SPAD, 8, 40, stride, 4, 3, dtype, transpose=True)]
    result = run(program, dram)
    np.testing.assert_array_equal(result.scratchpad_rows(8, 3, dtype), block.T)
    # 3 logical rows: nothing after them is written.
    assert not result.scratchpad[8 + 3 * dtype.bytes :].any()


def test_transposed_and_plain_loads_take_the_same_time() -> None:
    plain = Load(Memory.SPAD, 0, 0, 12, 4, 3, DType.I8)
    transposed = Load(Memory.SPAD, 0, 0, 12, 4, 3, DType.I8, transpose=True)
    times = [run([ins]).report.schedule[0] for ins in (plain, transposed)]
    assert times[0] == times[1]


def test_matmul_os_overwrites_or_accumulates() -> None:
    a = np.array([[1, 2, -3], [4, 5, 6]], dtype=np.int8)  # M=2, K=3
    b = np.array([[1, 0, 2], [0, 1, 3], [-1, 1, 1]], dtype=np.int8)  # K=3, N=3
    junk = np.full((3, 4), 99, dtype=np.int8)  # beyond M and N: must not be used
    a_t = junk.copy()
    a_t[:, :2] = a.T
    b_rows = junk.copy()
    b_rows[:, :3] = b
    stale = np.full((4, 8), 7, dtype="<i4")
    config = MxuConfig(rows=4, cols=4, scratchpad_kib=4, accumulator_kib=4, dram_mib=1)
    wide = config.with_options(rows=8)  # width 8: the accumulator has columns beyond C
    dram = _dram_of((0, a_t), (64, b_rows), (128, stale))
    product = a.astype(np.int32) @ b
    for machine in (config, wide):
        program = [
            Load(Memory.SPAD, 0, 0, 4, 3, 4, DType.I8),
            Load(Memory.SPAD, 16, 64, 4, 3, 4, DType.I8),
            Load(Memory.ACC, 10, 128, 32, 4, machine.width, DType.I32),
            Fence(),
            MatmulOS(0, 16, 3, 2, 3, 0, DType.I8),
            MatmulOS(0, 16, 3, 2, 3, 10, DType.I8),
            MatmulOS(0, 16, 3, 2, 3, 10, DType.I8, accumulate=True),
            Halt(),
        ]
        result = simulate(program, machine, dram.copy())
        c = machine.cols
        once = result.accumulator_rows(0, 2)
        np.testing.assert_array_equal(once[:, :3], product)
        np.testing.assert_array_equal(once[:, 3:c], 0)  # columns from N: zero products
        twice = result.accumulator_rows(10, 4)
        np.testing.assert_array_equal(twice[:2, :3], 2 * product)
        np.testing.assert_array_equal(twice[:2, 3:c], 0)
        # Columns from C and rows from M are not the array's: they keep their values.
        np.testing.assert_array_equal(twice[:2, c:], stale[:2, c : machine.width])
        np.testing.assert_array_equal(twice[2:], stale[2:, : machine.width])
        assert result.report.macs == 3 * (2 * 3 * 3)


def test_matmul_os_int8_accumulation_wraps_around() -> None:
    start = np.array([[2**31 - 10, -(2**31) + 3]], dtype="<i4")
    a_t = np.array([[127], [127]], dtype=np.int8)  # A = [[127, 127]]
    b = np.array([[127, -128], [127, -128]], dtype=np.int8)
    dram = _dram_of((0, start), (64, a_t), (128, b))
    program = [
        Load(Memory.ACC, 0, 0, 8, 1, 2, DType.I32),
        Load(Memory.SPAD, 0, 64, 1, 2, 1, DType.I8),
        Load(Memory.SPAD, 4, 128, 2, 2, 2, DType.I8),
        Fence(),
        MatmulOS(0, 4, 2, 1, 2, 0, DType.I8, accumulate=True),
    ]
    result = run(program, dram)
    exact = [2**31 - 10 + 2 * 127 * 127, -(2**31) + 3 - 2 * 127 * 128]
    np.testing.assert_array_equal(
        result.accumulator_rows(0, 1)[0, :2], [_wrap(v, 32) for v in exact]
    )


def test_matmul_os_leaves_the_weights_alone() -> None:
    """A matmul after a matmul_os still uses the tile of the last loadw."""
    x = np.array([[1, 2], [3, 4]], dtype=np.int8)
    w = np.array([[5, 6], [7, 8]], dtype=np.int8)
    dram = _dram_of((0, x), (16, w))
    program = [
        Load(Memory.SPAD, 0, 0, 2, 2, 2, DType.I8),
        Load(Memory.SPAD, 4, 16, 2, 2, 2, DType.I8),
        Fence(),
        LoadWeights(4, 2, 2, DType.I8),
        MatmulOS(0, 0, 2, 2, 2, 4, DType.I8),  # x^T-as-A times x: a different product
        Matmul(0, 2, 0, DType.I8),
    ]
    result = run(program, dram)
    np.testing.assert_array_equal(result.accumulator_rows(0, 2)[:, :2], x.astype(np.int32) @ w)
    np.testing.assert_array_equal(result.accumulator_rows(4, 2)[:, :2], x.T.astype(np.int32) @ x)


def _wrap(value: int, bits: int) -> int:
    return (value + (1 << (bits - 1))) % (1 << bits) - (1 << (bits - 1))


def _requantise(v: int, bias: int, relu: bool, scale: int, shift: int) -> int:
    """docs/mxu.md's activate for an i8 result, in Python integers."""
    v = _wrap(v + bias, 32)
    if relu:
        v = max(v, 0)
    wide = _wrap(v * scale + ((1 << (shift - 1)) if shift else 0), 64)
    return min(max(wide >> shift, -128), 127)


i32 = st.integers(-(2**31), 2**31 - 1)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    acc=st.lists(i32, min_size=4, max_size=4),
    bias=st.lists(i32, min_size=4, max_size=4),
    scale=i32,
    shift=st.integers(0, 63),
    relu=st.booleans(),
    has_bias=st.booleans(),
)
def test_activate_requantises_like_the_formula(
    acc: list[int], bias: list[int], scale: int, shift: int, relu: bool, has_bias: bool
) -> None:
    dram = _dram_of((0, np.array(acc, dtype="<i4")), (64, np.array(bias, dtype="<i4")))
    program = [
        Load(Memory.ACC, 3, 0, 16, 1, 4, DType.I32),
        Load(Memory.SPAD, 20, 64, 16, 1, 4, DType.I32),
        Fence(),
        Config(scale=scale, shift=shift),
        Activate(
            3,
            1,
            40,
            3,
            DType.I8,
            func=Func.RELU if relu else Func.NONE,
            has_bias=has_bias,
            bias_row=20 if has_bias else 0,
        ),
    ]
    result = run(program, dram)
    expected = [
        _requantise(acc[i], bias[i] if has_bias else 0, relu, scale, shift) for i in range(3)
    ]
    np.testing.assert_array_equal(result.scratchpad_rows(40, 1, DType.I8)[0], [*expected, 0])


def test_activate_without_config_uses_scale_one_shift_zero() -> None:
    acc = np.array([[-1000, -5, 5, 1000]], dtype="<i4")
    program = [Load(Memory.ACC, 0, 0, 16, 1, 4, DType.I32), Fence(), Activate(0, 1, 0, 4, DType.I8)]
    result = run(program, _dram_of((0, acc)))
    np.testing.assert_array_equal(result.scratchpad_rows(0, 1, DType.I8), [[-128, -5, 5, 127]])


def _bf16_round_to_nearest_even(values: np.ndarray) -> np.ndarray:
    bits = values.astype("<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2")


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.floats(-(2.0**100), 2.0**100, width=32), min_size=4, max_size=4),
    bias=st.lists(st.floats(-(2.0**100), 2.0**100, width=32), min_size=4, max_size=4),
    relu=st.booleans(),
)
def test_activate_to_bf16_rounds_to_nearest_even(
    values: list[float], bias: list[float], relu: bool
) -> None:
    acc = np.array(values, dtype="<f4")
    b = np.array(bias, dtype="<f4")
    program = [
        Load(Memory.ACC, 0, 0, 16, 1, 4, DType.F32),
        Load(Memory.SPAD, 8, 64, 16, 1, 4, DType.F32),
        Fence(),
        Activate(
            0,
            1,
            100,
            4,
            DType.BF16,
            func=Func.RELU if relu else Func.NONE,
            has_bias=True,
            bias_row=8,
        ),
    ]
    result = run(program, _dram_of((0, acc), (64, b)))
    v = acc + b
    if relu:
        v = np.where(v > 0, v, np.float32(0))
    got = result.scratchpad_rows(100, 1, DType.BF16)[0].view("<u2")
    expected = _bf16_round_to_nearest_even(v)
    # Where the value is zero, +0.0 and -0.0 are both right: compare without the sign bit.
    sign = np.where(v == 0, 0x7FFF, 0xFFFF).astype("<u2")
    np.testing.assert_array_equal(got & sign, expected & sign)


def test_activate_to_i32_and_f32_keeps_values_and_zero_fills() -> None:
    acc = np.array([[-7, 8, -9, 10]], dtype="<i4")
    floats = np.array([[-1.5, 2.25, -3.0, 4.0]], dtype="<f4")
    program = [
        Load(Memory.ACC, 0, 0, 16, 1, 4, DType.I32),
        Load(Memory.ACC, 1, 16, 16, 1, 4, DType.F32),
        # Stale data where the results go.
        Load(Memory.SPAD, 0, 0, 16, 2, 4, DType.I32),
        Fence(),
        Activate(0, 1, 0, 2, DType.I32, func=Func.RELU),
        Activate(1, 1, 4, 3, DType.F32),
    ]
    result = run(program, _dram_of((0, acc), (16, floats)))
    np.testing.assert_array_equal(result.scratchpad_rows(0, 1, DType.I32), [[0, 8, 0, 0]])
    np.testing.assert_array_equal(result.scratchpad_rows(4, 1, DType.F32), [[-1.5, 2.25, -3.0, 0]])


# --- statistics -----------------------------------------------------------------------------


def test_report_counts_bytes_macs_and_utilisation() -> None:
    gemm = gemm_program(8, 6, 5, SMALL)
    rng = np.random.default_rng(3)
    a = rng.integers(-5, 5, (8, 6), dtype=np.int8)
    b = rng.integers(-5, 5, (6, 5), dtype=np.int8)
    report = simulate(gemm.program, SMALL, gemm.dram(a, b)).report
    assert report.macs == 8 * 6 * 5
    assert report.dram_read_bytes == a.size + b.size
    assert report.dram_written_bytes == 8 * 5 * 4
    assert report.utilisation == pytest.approx(report.macs / (report.cycles * 16))
    data = report.to_dict()
    assert data["cycles"] == report.cycles and "schedule" not in data
    assert data["instructions"] == len(gemm.program)


# --- errors ---------------------------------------------------------------------------------


def expect_error(program: list[Instruction], index: int | None, *words: str, **kwargs) -> None:
    with pytest.raises(SimulationError) as info:
        simulate(program, kwargs.pop("config", SMALL), **kwargs)
    error = info.value
    assert error.index == index
    text = str(error)
    if index is not None:
        assert text.startswith(f"instruction {index} ({program[index].MNEMONIC}): ")
    for word in words:
        assert word in text


def test_error_rows_out_of_range() -> None:
    expect_error(
        [Fence(), Load(Memory.SPAD, 1020, 0, 4, 5, 4, DType.I8), Halt()], 1, "rows 1020..1024"
    )


def test_error_dram_bytes_out_of_range() -> None:
    expect_error([Store(Memory.SPAD, 0, (1 << 20) - 2, 4, 1, 4, DType.I8), Halt()], 0, "DRAM")


def test_error_columns_out_of_range() -> None:
    expect_error([LoadWeights(0, 4, 5, DType.I8), Halt()], 0, "'cols'")


def test_error_no_halt() -> None:
    expect_error([Fence()], 0, "without a 'halt'")
    expect_error([], None, "empty")


def test_error_instruction_after_halt() -> None:
    expect_error([Halt(), Fence()], 1, "after the halt at instruction 0")
    expect_error([Fence(), Halt(), Halt()], 2, "after the halt at instruction 1")


def test_error_matmul_without_weights() -> None:
    expect_error([Matmul(0, 1, 0, DType.I8), Halt()], 0, "no weights")


def test_error_matmul_type_differs_from_the_weights() -> None:
    expect_error(
        [LoadWeights(0, 1, 1, DType.I8), Matmul(0, 1, 0, DType.F32), Halt()], 1, "f32", "i8"
    )


def test_error_activate_reads_unwritten_accumulator_rows() -> None:
    program = [
        LoadWeights(0, 1, 1, DType.I8),
        Matmul(0, 4, 0, DType.I8),
        Activate(2, 4, 0, 1, DType.I8),
        Halt(),
    ]
    expect_error(program, 2, "accumulator rows 4..5 that nothing wrote")


def test_error_store_reads_unwritten_accumulator_rows() -> None:
    program = [Store(Memory.ACC, 7, 0, 4, 1, 1, DType.I32), Halt()]
    expect_error(program, 0, "accumulator row 7 that nothing wrote")


def test_error_store_reads_accumulator_rows_matmul_os_did_not_write() -> None:
    program = [
        MatmulOS(0, 0, 1, 3, 1, 0, DType.I8),
        Fence(),
        Store(Memory.ACC, 0, 0, 4, 4, 1, DType.I32),
        Halt(),
    ]
    expect_error(program, 2, "accumulator row 3 that nothing wrote")


@pytest.mark.parametrize(
    ("instruction", "words"),
    [
        # The transposer takes at most `width` (4) rows of the block.
        (Load(Memory.SPAD, 0, 0, 4, 5, 4, DType.I8, transpose=True), ["'rows'", "1 and 4", "5"]),
        (Load(Memory.ACC, 0, 0, 4, 4, 4, DType.I32, transpose=True), ["scratchpad only"]),
        # 3 columns + 2 pad rows of f32 from row 1004: rows 1004..1023 fit, 1024 does not.
        (
            Load(Memory.SPAD, 1004, 0, 16, 4, 3, DType.F32, pad_rows=3, transpose=True),
            ["rows 1004..1027", "1024 rows"],
        ),
        (MatmulOS(0, 8, 4, 5, 4, 0, DType.I8), ["'rows' (the tile's M)", "1 and 4"]),
        (MatmulOS(0, 8, 4, 4, 5, 0, DType.I8), ["'cols' (the tile's N)", "1 and 4"]),
        (MatmulOS(0, 8, 0, 4, 4, 0, DType.I8), ["'depth'", "not 0"]),
        (MatmulOS(0, 8, 4, 4, 4, 0, DType.I32), ["not i32"]),
        (MatmulOS(1020, 0, 7, 4, 4, 0, DType.I8), ["A rows 1020..1026", "spad"]),
        (MatmulOS(0, 1020, 3, 4, 4, 0, DType.BF16), ["B rows 1020..1025"]),
        (MatmulOS(0, 0, 2, 4, 4, 254, DType.F32), ["output rows 254..257", "acc"]),
    ],
)
def test_error_out_of_range_fields(instruction: Instruction, words: list[str]) -> None:
    expect_error([Fence(), instruction, Halt()], 1, *words)


def test_error_dram_image_too_small() -> None:
    program = [Load(Memory.SPAD, 0, 60, 4, 2, 4, DType.I8), Halt()]
    expect_error(program, 0, "0x3c..0x43", "64-byte DRAM image", dram=np.zeros(64, np.uint8))


def test_dram_defaults_to_zeros_of_the_needed_size() -> None:
    program = [Store(Memory.SPAD, 0, 100, 10, 3, 4, DType.I8), Halt()]
    result = simulate(program, SMALL)
    assert result.dram.shape == (124,) and not result.dram.any()


def test_error_missing_token_names_both_instructions() -> None:
    # The matmul reads rows 0..3 that the load (another queue) has not finished writing.
    program = [
        Load(Memory.SPAD, 0, 0, 4, 4, 4, DType.I8),
        LoadWeights(0, 4, 4, DType.I8),
        Halt(),
    ]
    expect_error(
        program,
        1,
        "reads scratchpad rows 0..3 before instruction 0 (load) has finished writing them",
        "dependency token",
    )


def test_error_deadlock() -> None:
    program = [Load(Memory.SPAD, 0, 0, 4, 1, 1, DType.I8, deps=Deps(pop_next=True)), Halt()]
    expect_error(program, 0, "deadlock")


# --- any valid program ----------------------------------------------------------------------

TINY = MxuConfig(rows=4, cols=4, scratchpad_kib=1, accumulator_kib=1, dram_mib=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs(TINY, max_size=12, halt=True))
def test_any_valid_program_runs_or_stops_with_a_simulation_error(
    program: list[Instruction],
) -> None:
    try:
        result = simulate(program, TINY)
    except SimulationError as error:
        assert error.index is not None and 0 <= error.index < len(program)
        assert error.mnemonic == program[error.index].MNEMONIC
        return
    assert result.report.cycles == max(end for _, end in result.report.schedule)
