"""The cycle-by-cycle PE model of the mxu array, and its agreement with the fast simulator."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mxu_simulator import ordered_f32_product, os_gemm_program

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    DType,
    Fence,
    Halt,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    MatmulOS,
    Memory,
    Store,
)
from ziggurat.targets.mxu.pe_array import PEArray
from ziggurat.targets.mxu.simulator import simulate
from ziggurat.targets.mxu.timeline import render_timeline_png


@st.composite
def shapes(draw: st.DrawFn) -> tuple[int, int, int, int, int]:
    """(R, C, M, K, N) with K <= R and N <= C, square and non-square arrays."""
    r = draw(st.integers(1, 8))
    c = draw(st.integers(1, 8))
    m = draw(st.integers(1, 20))
    k = draw(st.integers(1, r))
    n = draw(st.integers(1, c))
    return r, c, m, k, n


def _padded(result: np.ndarray, cols: int) -> np.ndarray:
    out = np.zeros((result.shape[0], cols), dtype=result.dtype)
    out[:, : result.shape[1]] = result
    return out


@settings(max_examples=150, deadline=None)
@given(shape=shapes(), seed=st.integers(0, 2**32 - 1))
def test_int8_results_and_cycles(shape: tuple[int, int, int, int, int], seed: int) -> None:
    r, c, m, k, n = shape
    rng = np.random.default_rng(seed)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    w = rng.integers(-128, 128, (k, n), dtype=np.int8)
    pe = PEArray(r, c)
    assert pe.load_weights(w) == r
    out, cycles = pe.matmul(a, "i8")
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, _padded(a.astype(np.int64) @ w.astype(np.int64), c))
    # docs/mxu.md: a matmul of M rows takes M + R + C - 2 cycles.
    assert cycles == m + r + c - 2


def test_int8_extremes_are_exact() -> None:
    """The largest int8 products, summed over a full column, stay bit-exact."""
    pe = PEArray(8, 3)
    w = np.full((8, 3), -128, dtype=np.int8)
    a = np.array([[-128] * 8, [127] * 8, [-128, 127] * 4], dtype=np.int8)
    pe.load_weights(w)
    out, _ = pe.matmul(a, "i8")
    np.testing.assert_array_equal(out, a.astype(np.int64) @ w.astype(np.int64))


def _ordered_f32_sum(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_k a[:, k] * w[k, :] accumulated in f32 in the order k = 0, 1, ..."""
    acc = np.zeros((a.shape[0], w.shape[1]), dtype=np.float32)
    for k in range(a.shape[1]):
        acc = acc + a[:, k : k + 1] * w[k : k + 1, :]
    return acc


@settings(max_examples=80, deadline=None)
@given(shape=shapes(), seed=st.integers(0, 2**32 - 1), dtype=st.sampled_from(["f32", "bf16"]))
def test_float_results_match_within_rounding(
    shape: tuple[int, int, int, int, int], seed: int, dtype: str
) -> None:
    r, c, m, k, n = shape
    rng = np.random.default_rng(seed)
    element = np.float32 if dtype == "f32" else ml_dtypes.bfloat16
    a = rng.standard_normal((m, k)).astype(element)
    w = rng.standard_normal((k, n)).astype(element)
    pe = PEArray(r, c)
    pe.load_weights(w)
    out, cycles = pe.matmul(a, dtype)
    assert out.dtype == np.float32
    assert cycles == m + r + c - 2
    a32, w32 = a.astype(np.float32), w.astype(np.float32)
    exact = a32.astype(np.float64) @ w32.astype(np.float64)
    np.testing.assert_allclose(out, _padded(exact, c), rtol=1e-5, atol=1e-5)
    # A column sums in a fixed order, so the f32 result is reproducible bit for bit.
    np.testing.assert_array_equal(out, _padded(_ordered_f32_sum(a32, w32), c))


def test_bf16_inputs_are_rounded_like_the_scratchpad() -> None:
    """f32 values fed as bf16 are rounded to bf16 before multiplying."""
    pe = PEArray(2, 2)
    pe.load_weights(np.array([[1.0], [0.0]], dtype=np.float32))
    value = np.float32(1.0 + 2.0**-10)  # not representable in bf16: rounds to 1.0
    out, _ = pe.matmul(np.array([[value, 0.0]], dtype=np.float32), "bf16")
    assert out[0, 0] == 1.0
    out, _ = pe.matmul(np.array([[value, 0.0]], dtype=np.float32), "f32")
    assert out[0, 0] == value


@settings(max_examples=60, deadline=None)
@given(shape=shapes())
def test_trace_counts_every_mac_once(shape: tuple[int, int, int, int, int]) -> None:
    r, c, m, k, n = shape
    pe = PEArray(r, c, trace=True)
    pe.load_weights(np.ones((k, n), dtype=np.int8))
    _, cycles = pe.matmul(np.ones((m, k), dtype=np.int8), "i8")
    trace = pe.trace
    assert trace is not None
    assert len(trace.active) == len(trace.useful) == cycles
    # Each input row visits every cell once, and does K x N useful MACs.
    assert trace.active.sum() == m * r * c
    assert trace.useful.sum() == m * k * n
    assert trace.active.max() <= r * c
    assert (trace.useful <= trace.active).all()
    # The wavefront reaches the top-left cell at cycle 0 and the bottom-right one last.
    assert trace.active[0] == 1 and trace.active[-1] == 1
    assert np.all((trace.utilisation >= 0) & (trace.utilisation <= 1))


def test_full_array_reaches_full_utilisation_in_steady_state() -> None:
    """A stream longer than the array keeps every cell busy once the pipeline fills."""
    pe = PEArray(4, 4, trace=True)
    pe.load_weights(np.ones((4, 4), dtype=np.int8))
    pe.matmul(np.ones((12, 4), dtype=np.int8), "i8")
    assert pe.trace is not None
    assert pe.trace.utilisation.max() == 1.0
    assert (pe.trace.utilisation == 1.0).sum() == 12 - (4 + 4 - 2)


def test_new_tile_replaces_the_old_one() -> None:
    pe = PEArray(3, 3)
    pe.load_weights(np.full((3, 3), 2, dtype=np.int8))
    pe.load_weights(np.array([[1]], dtype=np.int8))
    out, _ = pe.matmul(np.array([[5, 7, 9]], dtype=np.int8), "i8")
    np.testing.assert_array_equal(out, [[5, 0, 0]])


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda pe: pe.matmul(np.ones((1, 2), dtype=np.int8), "i8"), "before any weight"),
        (lambda pe: pe.load_weights(np.ones((3, 1), dtype=np.int8)), "does not fit"),
        (lambda pe: pe.load_weights(np.ones(2, dtype=np.int8)), "2-D"),
    ],
)
def test_misuse_is_reported(action: Callable[[PEArray], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        action(PEArray(2, 2))


def test_bad_operands_are_reported() -> None:
    pe = PEArray(2, 2)
    pe.load_weights(np.ones((2, 2), dtype=np.int8))
    with pytest.raises(ValueError, match=r"\[-128, 127\]"):
        pe.matmul(np.array([[200, 1]]), "i8")
    with pytest.raises(ValueError, match="K <= 2"):
        pe.matmul(np.ones((1, 3), dtype=np.int8), "i8")
    with pytest.raises(ValueError, match="not i32"):
        pe.matmul(np.ones((1, 2), dtype=np.int8), "i32")


# --- the output-stationary dataflow ----------------------------------------------


@st.composite
def os_shapes(draw: st.DrawFn) -> tuple[int, int, int, int, int]:
    """(R, C, M, K, N) with M <= R and N <= C; K is any depth."""
    r = draw(st.integers(1, 8))
    c = draw(st.integers(1, 8))
    return r, c, draw(st.integers(1, r)), draw(st.integers(1, 20)), draw(st.integers(1, c))


@settings(max_examples=150, deadline=None)
@given(shape=os_shapes(), seed=st.integers(0, 2**32 - 1))
def test_os_int8_results_and_cycles(shape: tuple[int, int, int, int, int], seed: int) -> None:
    r, c, m, k, n = shape
    rng = np.random.default_rng(seed)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-128, 128, (k, n), dtype=np.int8)
    out, cycles = PEArray(r, c).matmul_os(a, b, "i8")
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, _padded(a.astype(np.int64) @ b.astype(np.int64), c))
    # docs/mxu.md: a matmul_os of depth K takes K + R + C - 2 cycles, whatever M and N.
    assert cycles == k + r + c - 2


@settings(max_examples=80, deadline=None)
@given(shape=os_shapes(), seed=st.integers(0, 2**32 - 1), dtype=st.sampled_from(["f32", "bf16"]))
def test_os_float_cells_sum_in_k_order(
    shape: tuple[int, int, int, int, int], seed: int, dtype: str
) -> None:
    r, c, m, k, n = shape
    rng = np.random.default_rng(seed)
    element = np.float32 if dtype == "f32" else ml_dtypes.bfloat16
    a = rng.standard_normal((m, k)).astype(element)
    b = rng.standard_normal((k, n)).astype(element)
    out, cycles = PEArray(r, c).matmul_os(a, b, dtype)
    assert out.dtype == np.float32 and cycles == k + r + c - 2
    exact = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(out, _padded(exact, c), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(out, _padded(ordered_f32_product(a, b), c))


@settings(max_examples=60, deadline=None)
@given(shape=os_shapes())
def test_os_trace_counts_every_mac_once(shape: tuple[int, int, int, int, int]) -> None:
    r, c, m, k, n = shape
    pe = PEArray(r, c, trace=True)
    _, cycles = pe.matmul_os(np.ones((m, k), dtype=np.int8), np.ones((k, n), dtype=np.int8), "i8")
    trace = pe.trace
    assert trace is not None
    assert len(trace.active) == len(trace.useful) == cycles
    # Every cell meets K pairs of operands; the M x N tile's meetings are the useful MACs.
    assert trace.active.sum() == r * c * k
    assert trace.useful.sum() == m * n * k
    assert (trace.useful <= trace.active).all()
    # The wave starts in the top-left cell and ends in the bottom-right one.
    assert trace.active[0] == 1 and trace.active[-1] == 1


def test_os_full_utilisation_needs_a_depth_beyond_the_skew() -> None:
    """Every cell is busy in the cycles when all R + C - 1 diagonals hold a pair."""
    pe = PEArray(4, 4, trace=True)
    pe.matmul_os(np.ones((4, 12), dtype=np.int8), np.ones((12, 4), dtype=np.int8), "i8")
    assert pe.trace is not None
    assert (pe.trace.utilisation == 1.0).sum() == 12 - (4 + 4 - 2)


def test_os_leaves_the_weight_tile_alone() -> None:
    pe = PEArray(2, 2)
    pe.load_weights(np.array([[1, 2], [3, 4]], dtype=np.int8))
    pe.matmul_os(np.full((2, 3), 9, dtype=np.int8), np.full((3, 2), 9, dtype=np.int8), "i8")
    out, _ = pe.matmul(np.array([[1, 1]], dtype=np.int8), "i8")
    np.testing.assert_array_equal(out, [[4, 6]])


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "message"),
    [
        ((3, 2), (2, 2), "1 <= M <= 2"),
        ((2, 2), (3, 2), "K = 2"),
        ((2, 2), (2, 3), "1 <= N <= 2"),
        ((2,), (2, 2), "M x K"),
    ],
)
def test_os_misuse_is_reported(
    a_shape: tuple[int, ...], b_shape: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        PEArray(2, 2).matmul_os(np.ones(a_shape, np.int8), np.ones(b_shape, np.int8), "i8")


# --- timeline PNG -----------------------------------------------------------------


def _decode_png(data: bytes) -> tuple[int, int, np.ndarray]:
    """Width, height and RGB pixels of an 8-bit RGB PNG with unfiltered scanlines."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour_type, interlace) == (8, 2, 0)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, 1 + 3 * width)
    assert (rows[:, 0] == 0).all()
    return width, height, rows[:, 1:].reshape(height, width, 3)


def test_timeline_png_draws_events_in_their_lanes(tmp_path: Path) -> None:
    events = [
        {"ph": "M", "name": "thread_name", "pid": 0, "tid": 1, "args": {"name": "execute"}},
        {"ph": "M", "name": "thread_name", "pid": 0, "tid": 0, "args": {"name": "load"}},
        {"ph": "X", "name": "load", "ts": 0, "dur": 400, "pid": 0, "tid": 0},
        {"ph": "X", "name": "matmul #0", "ts": 100, "dur": 200, "pid": 0, "tid": 1},
    ]
    path = tmp_path / "timeline.png"
    layout = render_timeline_png(events, path, width=800)
    width, height, pixels = _decode_png(path.read_bytes())
    assert (width, height) == (800, layout.height)
    assert [lane.label for lane in layout.lanes] == ["load", "execute"]
    load_lane, exec_lane = layout.lanes
    load_colour = tuple(pixels[(load_lane.y0 + load_lane.y1) // 2, layout.x(200)])
    exec_colour = tuple(pixels[(exec_lane.y0 + exec_lane.y1) // 2, layout.x(200)])
    background = tuple(pixels[(exec_lane.y0 + exec_lane.y1) // 2, layout.x(50)])
    assert len({load_colour, exec_colour, background}) == 3

    # The matmul covers half as many pixels of its lane as the load does of its own.
    def run_length(lane_mid: int, colour: tuple[int, ...]) -> int:
        return int(np.all(pixels[lane_mid] == colour, axis=1).sum())

    load_px = run_length((load_lane.y0 + load_lane.y1) // 2, load_colour)
    exec_px = run_length((exec_lane.y0 + exec_lane.y1) // 2, exec_colour)
    assert abs(load_px - 2 * exec_px) <= 4
    assert abs(load_px - (layout.plot_x1 - layout.plot_x0)) <= 2
    # The legend shows a square of each event colour outside the lanes.
    legend = pixels[exec_lane.y1 + 1 :]
    for colour in (load_colour, exec_colour):
        assert np.all(legend == colour, axis=2).sum() >= 100


def test_timeline_without_events_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no complete"):
        render_timeline_png([{"ph": "M", "name": "thread_name"}], tmp_path / "t.png")


# --- cross-check with the fast simulator ------------------------------------------

ELEMENT = {
    DType.I8: np.dtype(np.int8),
    DType.BF16: np.dtype(ml_dtypes.bfloat16),
    DType.F32: np.dtype("<f4"),
}


def _gemm_program(
    m_rows: list[int], k: int, n: int, c: int, dtype: DType, dram_out: int
) -> list[Instruction]:
    """Load inputs and weights, fence, one loadw, back-to-back matmuls, fence, store, halt.

    The inputs are `sum(m_rows)` rows at DRAM 0 and the weights follow them;
    each matmul streams its share of the rows into its own accumulator rows.
    """
    m = sum(m_rows)
    size = dtype.bytes
    acc = DType.F32 if dtype.is_float else DType.I32
    program: list[Instruction] = [
        Load(Memory.SPAD, row=0, dram_addr=0, stride=k * size, rows=m, cols=k, dtype=dtype),
        Load(
            Memory.SPAD,
            row=m * size,
            dram_addr=m * k * size,
            stride=n * size,
            rows=k,
            cols=n,
            dtype=dtype,
        ),
        Fence(),
        LoadWeights(row=m * size, rows=k, cols=n, dtype=dtype),
    ]
    first = 0
    for rows in m_rows:
        program.append(Matmul(row=first * size, rows=rows, acc_row=first, dtype=dtype))
        first += rows
    program += [
        Fence(),
        Store(Memory.ACC, row=0, dram_addr=dram_out, stride=c * 4, rows=m, cols=c, dtype=acc),
        Halt(),
    ]
    return program


def _operands(dtype: DType, m: int, k: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if dtype is DType.I8:
        return (
            rng.integers(-128, 128, (m, k)).astype(np.int8),
            rng.integers(-128, 128, (k, n)).astype(np.int8),
        )
    element = ELEMENT[dtype]
    return (
        rng.standard_normal((m, k)).astype(element),
        rng.standard_normal((k, n)).astype(element),
    )


@settings(max_examples=60, deadline=None)
@given(
    shape=shapes(),
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([DType.I8, DType.BF16, DType.F32]),
    split=st.integers(0, 20),
)
def test_pe_model_agrees_with_the_simulator(
    shape: tuple[int, int, int, int, int], seed: int, dtype: DType, split: int
) -> None:
    r, c, m, k, n = shape
    a, w = _operands(dtype, m, k, n, seed)
    # One stream, or two back to back (the array takes the second after the first's rows).
    m_rows = [m] if not 0 < split < m else [split, m - split]
    config = MxuConfig(rows=r, cols=c, dram_mib=1)
    inputs_bytes = a.tobytes() + w.tobytes()
    dram_out = len(inputs_bytes)
    dram = np.zeros(dram_out + m * c * 4, dtype=np.uint8)
    dram[:dram_out] = np.frombuffer(inputs_bytes, dtype=np.uint8)
    program = _gemm_program(m_rows, k, n, c, dtype, dram_out)

    result = simulate(program, config, dram)

    pe = PEArray(r, c)
    load_cycles = pe.load_weights(w)
    out, cycles = pe.matmul(a, dtype)
    acc = np.dtype("<f4") if dtype.is_float else np.dtype("<i4")
    stored = result.dram[dram_out:].view(acc).reshape(m, c)
    # Both views sum a column in array-row order, rounding at every cell: equal bit for bit.
    np.testing.assert_array_equal(stored, out)
    acc_dtype = DType.F32 if dtype.is_float else DType.I32
    np.testing.assert_array_equal(result.accumulator_rows(0, m, acc_dtype)[:, :c], out)

    schedule = result.report.schedule
    loadw = next(i for i, ins in enumerate(program) if isinstance(ins, LoadWeights))
    matmuls = [i for i, ins in enumerate(program) if isinstance(ins, Matmul)]
    assert schedule[loadw][1] - schedule[loadw][0] == load_cycles
    # The streams pipeline: from the first row entering to the last result written is
    # what the PE model observes for the rows streamed as one.
    assert schedule[matmuls[-1]][1] - schedule[matmuls[0]][0] == cycles
    if len(matmuls) == 1:
        assert schedule[matmuls[0]][1] - schedule[matmuls[0]][0] == cycles


def test_simulator_trace_renders(tmp_path: Path) -> None:
    """The simulator's own trace goes through the PNG renderer, one lane per unit."""
    config = MxuConfig(rows=4, cols=4, dram_mib=1)
    a, w = _operands(DType.I8, 8, 4, 4, seed=1)
    dram = np.zeros(a.nbytes + w.nbytes + 8 * 4 * 4, dtype=np.uint8)
    dram[: a.nbytes + w.nbytes] = np.frombuffer(a.tobytes() + w.tobytes(), dtype=np.uint8)
    program = _gemm_program([8], 4, 4, 4, DType.I8, a.nbytes + w.nbytes)
    result = simulate(program, config, dram, trace=True)
    assert result.trace_events is not None
    layout = render_timeline_png(result.trace_events, tmp_path / "sim.png")
    _, _, pixels = _decode_png((tmp_path / "sim.png").read_bytes())
    labels = [lane.label for lane in layout.lanes]
    assert {"load", "weights", "array", "store"} <= set(labels)
    array_lane = layout.lanes[labels.index("array")]
    matmul = program.index(next(ins for ins in program if isinstance(ins, Matmul)))
    start = result.report.schedule[matmul][0]
    mid = (array_lane.y0 + array_lane.y1) // 2
    assert tuple(pixels[mid, layout.x(start + 4)]) == layout.colours["matmul"]


@settings(max_examples=60, deadline=None)
@given(
    shape=os_shapes(),
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([DType.I8, DType.BF16, DType.F32]),
)
def test_os_pe_model_agrees_with_the_simulator(
    shape: tuple[int, int, int, int, int], seed: int, dtype: DType
) -> None:
    """One output tile: transposed loads, one matmul_os, and the cells stepped by hand."""
    r, c, m, k, n = shape
    a, b = _operands(dtype, m, k, n, seed)
    config = MxuConfig(rows=r, cols=c, dram_mib=1)
    gemm = os_gemm_program(m, k, n, config, dtype)
    result = simulate(gemm.program, config, gemm.dram(a, b))

    out, cycles = PEArray(r, c).matmul_os(a, b, dtype)
    np.testing.assert_array_equal(gemm.result(result.dram), out[:, :n])
    acc_dtype = DType.F32 if dtype.is_float else DType.I32
    # Columns from N are the array's zero products in both views, bit for bit.
    np.testing.assert_array_equal(result.accumulator_rows(0, m, acc_dtype)[:, :c], out)
    (index,) = [i for i, ins in enumerate(gemm.program) if isinstance(ins, MatmulOS)]
    start, end = result.report.schedule[index]
    assert end - start == cycles
