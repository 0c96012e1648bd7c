"""What each mxu instruction does to the memories, in program order.

This is the semantics of a program: the timing model (timing.py) only decides
*when* each instruction runs, and proves that the timed schedule cannot
observe anything different from running the instructions one after another,
which is what this module does.

The scratchpad and the accumulator are plain uint8 arrays (one row of `width`
bytes, or `4 * width` bytes, per memory row) and every access views the rows
it touches as its element type, so that a bf16 row really is two consecutive
scratchpad rows and a program that reads an f32 row as i8 sees the bytes the
hardware would. Every instruction is a handful of whole-array numpy
operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ml_dtypes
import numpy as np

from ziggurat.hardware.mxu.config import ACC_ELEMENT_BYTES, MxuConfig
from ziggurat.hardware.mxu.isa import (
    Activate,
    Config,
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

ELEMENT_TYPES: dict[DType, np.dtype] = {
    DType.I8: np.dtype(np.int8),
    DType.BF16: np.dtype(ml_dtypes.bfloat16),
    DType.F32: np.dtype("<f4"),
    DType.I32: np.dtype("<i4"),
}
"""The numpy type of each element type, as laid out in memory (little-endian)."""

MEMORY_NAMES = {Memory.SPAD: "scratchpad", Memory.ACC: "accumulator"}


class SimulationError(Exception):
    """A program the machine cannot run; `index` and `mnemonic` name the instruction."""

    def __init__(self, reason: str, index: int | None = None, mnemonic: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.index = index
        self.mnemonic = mnemonic

    def __str__(self) -> str:
        if self.index is None:
            return self.reason
        return f"instruction {self.index} ({self.mnemonic}): {self.reason}"


@dataclass
class WeightTile:
    """The tile a `loadw` put in a weight buffer, in the array's arithmetic type.

    i8 weights are kept as float64: every product of two int8 values and every
    sum of up to 1024 of them is an integer far below 2**53, so a float64
    matrix product is exact and runs on BLAS.
    """

    values: np.ndarray
    """R x C; zero outside the K x N tile."""
    rows: int
    cols: int
    dtype: DType


class MachineState:
    """The architectural state: memories, registers, the loaded weights, counters."""

    def __init__(self, config: MxuConfig, dram: np.ndarray) -> None:
        self.config = config
        self.dram = dram
        width = config.width
        self.scratchpad = np.zeros((config.scratchpad_rows, width), dtype=np.uint8)
        self.accumulator = np.zeros(
            (config.accumulator_rows, width * ACC_ELEMENT_BYTES), dtype=np.uint8
        )
        self.acc_written = np.zeros(config.accumulator_rows, dtype=bool)
        """Accumulator rows a `matmul` or a `load` wrote: the others hold no result."""
        self.scale = 1
        self.shift = 0
        self.weights: WeightTile | None = None
        self.macs = 0
        self.dram_read_bytes = 0
        self.dram_written_bytes = 0

    # --- views of the memories ---------------------------------------------------

    def row_bytes(self, memory: Memory, row: int, rows: int, dtype: DType) -> np.ndarray:
        """`rows` logical rows of `dtype` from `row`, as a (rows, width * bytes) uint8 view."""
        width = self.config.width
        if memory is Memory.ACC:
            return self.accumulator[row : row + rows]
        flat = self.scratchpad.reshape(-1)
        return flat[row * width : (row + rows * dtype.bytes) * width].reshape(
            rows, width * dtype.bytes
        )

    def rows_of(self, memory: Memory, row: int, rows: int, dtype: DType) -> np.ndarray:
        """`rows` logical rows of `dtype` from `row`, as a (rows, width) view of that type."""
        return self.row_bytes(memory, row, rows, dtype).view(ELEMENT_TYPES[dtype])

    def scratchpad_rows(self, row: int, rows: int, dtype: DType) -> np.ndarray:
        return self.rows_of(Memory.SPAD, row, rows, dtype)

    def accumulator_rows(self, row: int, rows: int, dtype: DType = DType.I32) -> np.ndarray:
        return self.rows_of(Memory.ACC, row, rows, dtype)


def dram_rows(dram: np.ndarray, addr: int, stride: int, rows: int, row_bytes: int) -> np.ndarray:
    """The (rows, row_bytes) strided view of DRAM a 2-D transfer reads or writes."""
    if rows == 1:
        return dram[addr : addr + row_bytes].reshape(1, row_bytes)
    base = dram[addr : addr + (rows - 1) * stride + row_bytes]
    return np.lib.stride_tricks.as_strided(base, shape=(rows, row_bytes), strides=(stride, 1))


def transfer_end(instruction: Load | Store) -> int:
    """One past the last DRAM byte a `load` or `store` touches."""
    row_bytes = instruction.cols * instruction.dtype.bytes
    return instruction.dram_addr + (instruction.rows - 1) * instruction.stride + row_bytes


# --- the instructions ----------------------------------------------------------------


def _fail(instruction: Instruction, index: int, reason: str) -> SimulationError:
    return SimulationError(reason, index, instruction.MNEMONIC)


def _check_acc_written(
    state: MachineState, instruction: Instruction, index: int, row: int, rows: int
) -> None:
    written = state.acc_written[row : row + rows]
    if written.all():
        return
    missing = np.flatnonzero(~written) + row
    first, last = int(missing[0]), int(missing[-1])
    span = f"row {first}" if first == last else f"rows {first}..{last}"
    raise _fail(instruction, index, f"reads accumulator {span} that nothing wrote")


def _load(state: MachineState, ins: Load) -> None:
    row_bytes = ins.cols * ins.dtype.bytes
    source = dram_rows(state.dram, ins.dram_addr, ins.stride, ins.rows, row_bytes)
    state.dram_read_bytes += ins.rows * row_bytes
    if ins.transpose:
        # The transposer: column j of the (rows x cols) block becomes logical row j.
        block = np.ascontiguousarray(source).view(ELEMENT_TYPES[ins.dtype])
        rows = state.scratchpad_rows(ins.row, ins.rows_written, ins.dtype)
        rows[: ins.cols, : ins.rows] = block.T
        rows[: ins.cols, ins.rows :] = 0
        rows[ins.cols :] = 0
        return
    target = state.row_bytes(ins.memory, ins.row, ins.rows + ins.pad_rows, ins.dtype)
    target[: ins.rows, :row_bytes] = source
    target[: ins.rows, row_bytes:] = 0
    target[ins.rows :] = 0
    if ins.memory is Memory.ACC:
        state.acc_written[ins.row : ins.row + ins.rows + ins.pad_rows] = True


def _load_weights(state: MachineState, ins: LoadWeights) -> None:
    config = state.config
    tile = state.scratchpad_rows(ins.row, ins.rows, ins.dtype)[:, : ins.cols]
    arithmetic = np.float64 if ins.dtype is DType.I8 else np.float32
    values = np.zeros((config.rows, config.cols), dtype=arithmetic)
    values[: ins.rows, : ins.cols] = tile
    state.weights = WeightTile(values, ins.rows, ins.cols, ins.dtype)


def _matmul(state: MachineState, ins: Matmul, index: int) -> None:
    tile = state.weights
    if tile is None:
        raise _fail(ins, index, "no weights are loaded: a 'loadw' must come first")
    if tile.dtype is not ins.dtype:
        raise _fail(
            ins,
            index,
            f"streams {ins.dtype.mnemonic} rows but the loaded weights are {tile.dtype.mnemonic}",
        )
    config = state.config
    inputs = state.scratchpad_rows(ins.row, ins.rows, ins.dtype)[:, : config.rows]
    acc = state.accumulator_rows(ins.acc_row, ins.rows, ins.acc_dtype)[:, : config.cols]
    if ins.dtype is DType.I8:
        # Exact in float64 (see WeightTile); int32 wrap-around is a cast from int64.
        products = (inputs.astype(np.float64) @ tile.values).astype(np.int64)
        if ins.accumulate:
            products += acc
        acc[...] = products.astype(np.int32)
    else:
        # Partial sums go down the columns in array-row order, rounding to f32 at each
        # cell: the same order every run, whatever BLAS would choose.
        x = inputs.astype(np.float32)
        w = tile.values
        column_sums = x[:, 0:1] * w[0]
        for k in range(1, config.rows):
            column_sums += x[:, k : k + 1] * w[k]
        acc[...] = acc + column_sums if ins.accumulate else column_sums
    state.acc_written[ins.acc_row : ins.acc_row + ins.rows] = True
    state.macs += ins.rows * tile.rows * tile.cols


def ordered_outer_sum(a_t: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum_k a_t[k][i] * b[k][j] in f32, one rounding per product and per addition, k in order.

    This is what an output-stationary cell computes: it starts from its first
    product and adds the next one each cycle. One whole-array step per k (as
    the array takes one per cycle) keeps the order fixed, whatever the BLAS.
    """
    total = a_t[0][:, None] * b[0][None, :]
    product = np.empty_like(total)
    for k in range(1, a_t.shape[0]):
        np.multiply(a_t[k][:, None], b[k][None, :], out=product)
        total += product
    return total


def _matmul_os(state: MachineState, ins: MatmulOS) -> None:
    config = state.config
    m, n = ins.rows, ins.cols
    a_t = state.scratchpad_rows(ins.a_row, ins.depth, ins.dtype)[:, :m]
    # Columns from N meet zeros fed in at the top edge: zero products, as in `matmul`.
    b = np.zeros((ins.depth, config.cols), dtype=ELEMENT_TYPES[ins.dtype])
    b[:, :n] = state.scratchpad_rows(ins.b_row, ins.depth, ins.dtype)[:, :n]
    acc = state.accumulator_rows(ins.acc_row, m, ins.acc_dtype)[:, : config.cols]
    if ins.dtype is DType.I8:
        # Exact in float64 (see WeightTile: |sum| <= 65535 * 2**14 < 2**53).
        sums = (a_t.T.astype(np.float64) @ b.astype(np.float64)).astype(np.int64)
        if ins.accumulate:
            sums += acc
        acc[...] = sums.astype(np.int32)
    else:
        sums = ordered_outer_sum(a_t.astype(np.float32), b.astype(np.float32))
        acc[...] = acc + sums if ins.accumulate else sums
    state.acc_written[ins.acc_row : ins.acc_row + m] = True
    state.macs += m * ins.depth * n


def _activate(state: MachineState, ins: Activate, index: int) -> None:
    _check_acc_written(state, ins, index, ins.acc_row, ins.rows)
    values = state.accumulator_rows(ins.acc_row, ins.rows, ins.acc_dtype)[:, : ins.cols]
    if ins.has_bias:
        bias = state.scratchpad_rows(ins.bias_row, 1, ins.acc_dtype)[0, : ins.cols]
        values = values + bias  # i32 wraps like the 32-bit adder
    if ins.func is Func.RELU:
        values = np.maximum(values, values.dtype.type(0))
    if ins.dtype is DType.I8:
        wide = values.astype(np.int64) * np.int64(state.scale)
        if state.shift:
            wide += np.int64(1) << np.int64(state.shift - 1)
        wide >>= np.int64(state.shift)
        result = np.clip(wide, -128, 127).astype(np.int8)
    elif ins.dtype is DType.BF16:
        result = values.astype(ml_dtypes.bfloat16)  # round to nearest even
    else:
        result = values
    target = state.scratchpad_rows(ins.row, ins.rows, ins.dtype)
    target[:, : ins.cols] = result
    target[:, ins.cols :] = 0


def _store(state: MachineState, ins: Store, index: int) -> None:
    if ins.memory is Memory.ACC:
        _check_acc_written(state, ins, index, ins.row, ins.rows)
    row_bytes = ins.cols * ins.dtype.bytes
    source = state.row_bytes(ins.memory, ins.row, ins.rows, ins.dtype)[:, :row_bytes]
    target = dram_rows(state.dram, ins.dram_addr, ins.stride, ins.rows, row_bytes)
    target[...] = source
    state.dram_written_bytes += ins.rows * row_bytes


def execute(program: Sequence[Instruction], state: MachineState) -> None:
    """Run a validated program on `state`, one instruction after another."""
    with np.errstate(over="ignore"):
        for index, ins in enumerate(program):
            if isinstance(ins, Matmul):
                _matmul(state, ins, index)
            elif isinstance(ins, MatmulOS):
                _matmul_os(state, ins)
            elif isinstance(ins, LoadWeights):
                _load_weights(state, ins)
            elif isinstance(ins, Load):
                _load(state, ins)
            elif isinstance(ins, Store):
                _store(state, ins, index)
            elif isinstance(ins, Activate):
                _activate(state, ins, index)
            elif isinstance(ins, Config):
                state.scale, state.shift = ins.scale, ins.shift
            elif not isinstance(ins, Fence | Halt):
                raise _fail(ins, index, "the simulator does not know this instruction")


__all__ = [
    "ELEMENT_TYPES",
    "MEMORY_NAMES",
    "MachineState",
    "SimulationError",
    "WeightTile",
    "dram_rows",
    "execute",
    "ordered_outer_sum",
    "transfer_end",
]
