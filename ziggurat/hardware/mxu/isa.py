"""The mxu instruction set: one frozen dataclass per instruction.

This module is the contract between the compiler (which emits these), the
encoder and assembler (which write and read them) and the simulator (which
runs them). Each instruction class lists its fields in `FIELDS` with their
width in bits, in encoding order; `check` validates an instruction against a
machine config. docs/mxu.md is the reference for what each one does.

Why one module of this size: the instruction set is one contract, read
whole by whoever changes an instruction; each class is short, and the
encoder, the assembler and the dialect derive everything from this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import ClassVar

from ziggurat.hardware.mxu.config import ACC_ELEMENT_BYTES, MxuConfig
from ziggurat.hardware.mxu.limits import (
    COUNT_BITS,
    DRAM_ADDR_BITS,
    MAX_ROWS_FIELD,
    PAD_ROWS_BITS,
    ROW_BITS,
    SCALE_BITS,
    SHIFT_BITS,
    STRIDE_BITS,
    TILE_BITS,
)


class Opcode(IntEnum):
    """4-bit opcodes; 0 is not an instruction, so zeroed memory does not run."""

    LOAD = 1
    LOAD_WEIGHTS = 2
    MATMUL = 3
    ACTIVATE = 4
    STORE = 5
    CONFIG = 6
    FENCE = 7
    HALT = 8
    MATMUL_OS = 9


class _Named(IntEnum):
    """An enum written in assembly and IR by its lower-case name."""

    @property
    def mnemonic(self) -> str:
        return self.name.lower()


class DType(_Named):
    """Element types of the data an instruction moves or computes on."""

    I8 = 0
    BF16 = 1
    F32 = 2
    I32 = 3

    @property
    def bytes(self) -> int:
        return (1, 2, 4, 4)[self]

    @property
    def is_float(self) -> bool:
        return self in (DType.BF16, DType.F32)


class Memory(_Named):
    """On-chip memory an instruction addresses."""

    SPAD = 0
    ACC = 1


class Func(_Named):
    """Activation function applied by ACTIVATE."""

    NONE = 0
    RELU = 1


class Dataflow(StrEnum):
    """What the array's cells hold still while the other operands stream past."""

    WS = "ws"
    """Weight-stationary: `loadw` pins a weight tile, `matmul` streams rows through it."""
    OS = "os"
    """Output-stationary: each cell accumulates one result (`matmul_os`)."""

    @property
    def mnemonic(self) -> str:
        return self.value


class Queue(IntEnum):
    """The three decoupled instruction queues, in pipeline order."""

    LOAD = 0
    EXECUTE = 1
    STORE = 2


@dataclass(frozen=True)
class Deps:
    """Dependency tokens between neighbouring queues (load <-> execute <-> store).

    `pop_*`: wait for (and consume) a token the previous/next queue pushed.
    `push_*`: when this instruction completes, give a token to that queue.
    """

    pop_prev: bool = False
    pop_next: bool = False
    push_prev: bool = False
    push_next: bool = False

    FLAGS: ClassVar[tuple[str, ...]] = ("pop_prev", "pop_next", "push_prev", "push_next")

    def to_bits(self) -> int:
        return sum(1 << i for i, name in enumerate(self.FLAGS) if getattr(self, name))

    @classmethod
    def from_bits(cls, bits: int) -> Deps:
        return cls(**{name: bool(bits >> i & 1) for i, name in enumerate(cls.FLAGS)})

    def __bool__(self) -> bool:
        return self.to_bits() != 0


NO_DEPS = Deps()


class IsaError(ValueError):
    """An instruction that the machine cannot execute as written."""


@dataclass(frozen=True)
class Instruction:
    """Base of every instruction; subclasses add their fields."""

    OPCODE: ClassVar[Opcode]
    QUEUE: ClassVar[Queue | None]
    """The queue that executes it; None for FENCE and HALT (the dispatcher's)."""
    FIELDS: ClassVar[tuple[tuple[str, int], ...]] = ()
    """(field name, width in bits), in encoding order after opcode and deps."""
    SIGNED: ClassVar[frozenset[str]] = frozenset()
    """Fields holding two's-complement signed values."""
    MNEMONIC: ClassVar[str]

    def check(self, config: MxuConfig) -> None:
        """Raise IsaError if `config`'s machine cannot execute this instruction."""
        for name, bits in self.FIELDS:
            value = int(getattr(self, name))
            low = -(1 << bits - 1) if name in self.SIGNED else 0
            if not low <= value < low + (1 << bits):
                raise IsaError(f"field '{name}' = {value} does not fit in {bits} bits")
        if self.QUEUE is None and getattr(self, "deps", NO_DEPS):
            raise IsaError(f"'{self.MNEMONIC}' takes no dependency flags")
        deps: Deps = getattr(self, "deps", NO_DEPS)
        if self.QUEUE is Queue.LOAD and (deps.pop_prev or deps.push_prev):
            raise IsaError("the load queue has no previous queue to exchange tokens with")
        if self.QUEUE is Queue.STORE and (deps.pop_next or deps.push_next):
            raise IsaError("the store queue has no next queue to exchange tokens with")
        self._check(config)

    def _check(self, config: MxuConfig) -> None:
        pass


def _rows_in(
    memory: Memory, row: int, logical_rows: int, dtype: DType, config: MxuConfig, what: str
) -> None:
    """Check that `logical_rows` rows of `dtype` starting at `row` fit in `memory`."""
    if memory is Memory.SPAD:
        end, size = row + logical_rows * dtype.bytes, config.scratchpad_rows
    else:
        if dtype not in (DType.I32, DType.F32):
            raise IsaError(f"the accumulator holds i32 or f32, not {dtype.mnemonic}")
        end, size = row + logical_rows, config.accumulator_rows
    if end > size:
        raise IsaError(
            f"{what} rows {row}..{end - 1} are outside the {memory.mnemonic} (it has {size} rows)"
        )


def _check_range(value: int, limit: int, what: str) -> None:
    """Check a row count, depth or column count: between 1 and `limit`."""
    if not 1 <= value <= limit:
        raise IsaError(f"{what} must be between 1 and {limit}, not {value}")


def physical_rows(memory: Memory, logical_rows: int, dtype: DType) -> int:
    """Memory rows that `logical_rows` rows of `dtype` occupy."""
    return logical_rows * (dtype.bytes if memory is Memory.SPAD else 1)


@dataclass(frozen=True)
class Load(Instruction):
    """DMA DRAM -> scratchpad/accumulator: `rows` strided rows of `cols` elements.

    Each row is zero-filled from `cols` up to the row width, and `pad_rows`
    rows of zeros follow the `rows` rows read (padding of ragged tiles). With
    `transpose` (scratchpad only, for the output-stationary dataflow) the
    transposer writes the block's `cols` columns as rows of `rows` elements.
    """

    OPCODE = Opcode.LOAD
    QUEUE = Queue.LOAD
    MNEMONIC = "load"
    FIELDS = (
        ("memory", 1),
        ("row", ROW_BITS),
        ("dram_addr", DRAM_ADDR_BITS),
        ("stride", STRIDE_BITS),
        ("rows", COUNT_BITS),
        ("cols", TILE_BITS),
        ("pad_rows", PAD_ROWS_BITS),
        ("dtype", 2),
        ("transpose", 1),
    )

    memory: Memory
    row: int
    dram_addr: int
    stride: int
    rows: int
    cols: int
    dtype: DType
    pad_rows: int = 0
    transpose: bool = False
    deps: Deps = field(default=NO_DEPS)

    @property
    def rows_written(self) -> int:
        """Logical rows written on chip (padding included)."""
        return (self.cols if self.transpose else self.rows) + self.pad_rows

    def _check(self, config: MxuConfig) -> None:
        _check_range(self.rows, config.width if self.transpose else MAX_ROWS_FIELD, "'rows'")
        _check_range(self.cols, config.width, "'cols'")
        if self.transpose and self.memory is not Memory.SPAD:
            raise IsaError("the transposer writes the scratchpad only")
        _rows_in(self.memory, self.row, self.rows_written, self.dtype, config, "load")
        _dram_in(self.dram_addr, self.stride, self.rows, self.cols, self.dtype, config)


@dataclass(frozen=True)
class LoadWeights(Instruction):
    """Scratchpad -> the array's idle weight buffer: a `rows` x `cols` tile (<= R x C)."""

    OPCODE = Opcode.LOAD_WEIGHTS
    QUEUE = Queue.EXECUTE
    MNEMONIC = "loadw"
    FIELDS = (("row", ROW_BITS), ("rows", TILE_BITS), ("cols", TILE_BITS), ("dtype", 2))

    row: int
    rows: int
    cols: int
    dtype: DType
    deps: Deps = field(default=NO_DEPS)

    def _check(self, config: MxuConfig) -> None:
        _check_range(self.rows, config.rows, "'rows' (the tile's K)")
        _check_range(self.cols, config.cols, "'cols' (the tile's N)")
        if self.dtype is DType.I32:
            raise IsaError("weights are i8, bf16 or f32, not i32")
        _rows_in(Memory.SPAD, self.row, self.rows, self.dtype, config, "weight")


@dataclass(frozen=True)
class Matmul(Instruction):
    """Stream `rows` scratchpad rows through the array into accumulator rows.

    Uses the weight tile most recently loaded by `loadw`; `accumulate` adds to
    the accumulator rows instead of overwriting them.
    """

    OPCODE = Opcode.MATMUL
    QUEUE = Queue.EXECUTE
    MNEMONIC = "matmul"
    FIELDS = (
        ("row", ROW_BITS),
        ("rows", COUNT_BITS),
        ("acc_row", ROW_BITS),
        ("accumulate", 1),
        ("dtype", 2),
    )

    row: int
    rows: int
    acc_row: int
    dtype: DType
    accumulate: bool = False
    deps: Deps = field(default=NO_DEPS)

    def _check(self, config: MxuConfig) -> None:
        _check_range(self.rows, MAX_ROWS_FIELD, "'rows'")
        if self.dtype is DType.I32:
            raise IsaError("the array multiplies i8, bf16 or f32, not i32")
        _rows_in(Memory.SPAD, self.row, self.rows, self.dtype, config, "input")
        _rows_in(Memory.ACC, self.acc_row, self.rows, self.acc_dtype, config, "output")

    @property
    def acc_dtype(self) -> DType:
        return DType.F32 if self.dtype.is_float else DType.I32


@dataclass(frozen=True)
class MatmulOS(Instruction):
    """Output-stationary: an M x K by K x N product accumulated in the cells.

    Streams `depth` (K) logical rows of A transposed (row k holds A[0..M-1][k])
    from `a_row` into the array's rows and `depth` rows of B (row k holds
    B[k][0..N-1]) from `b_row` into its columns; cell (i, j) sums
    A[i][k] * B[k][j] over k, and the M x C results drain into accumulator rows
    `acc_row`, ... (columns from N get zero). `rows` (M) <= R, `cols` (N) <= C.
    """

    OPCODE = Opcode.MATMUL_OS
    QUEUE = Queue.EXECUTE
    MNEMONIC = "matmul_os"
    FIELDS = (
        ("a_row", ROW_BITS),
        ("b_row", ROW_BITS),
        ("depth", COUNT_BITS),
        ("rows", TILE_BITS),
        ("cols", TILE_BITS),
        ("acc_row", ROW_BITS),
        ("accumulate", 1),
        ("dtype", 2),
    )

    a_row: int
    b_row: int
    depth: int
    rows: int
    cols: int
    acc_row: int
    dtype: DType
    accumulate: bool = False
    deps: Deps = field(default=NO_DEPS)

    @property
    def acc_dtype(self) -> DType:
        return DType.F32 if self.dtype.is_float else DType.I32

    def _check(self, config: MxuConfig) -> None:
        _check_range(self.depth, MAX_ROWS_FIELD, "'depth'")
        _check_range(self.rows, config.rows, "'rows' (the tile's M)")
        _check_range(self.cols, config.cols, "'cols' (the tile's N)")
        if self.dtype is DType.I32:
            raise IsaError("the array multiplies i8, bf16 or f32, not i32")
        _rows_in(Memory.SPAD, self.a_row, self.depth, self.dtype, config, "A")
        _rows_in(Memory.SPAD, self.b_row, self.depth, self.dtype, config, "B")
        _rows_in(Memory.ACC, self.acc_row, self.rows, self.acc_dtype, config, "output")


@dataclass(frozen=True)
class Activate(Instruction):
    """Accumulator rows -> scratchpad through the activation unit.

    Per element: v = acc (+ bias[col]); v = func(v); then for an i8 result
    v = clamp((v * scale + round) >> shift, -128, 127) with the `config`
    registers; bf16 rounds to nearest even. The accumulator holds i32 for i8/i32
    results and f32 for bf16/f32 results; the bias row has the same type.
    """

    OPCODE = Opcode.ACTIVATE
    QUEUE = Queue.EXECUTE
    MNEMONIC = "activate"
    FIELDS = (
        ("acc_row", ROW_BITS),
        ("rows", COUNT_BITS),
        ("row", ROW_BITS),
        ("cols", TILE_BITS),
        ("func", 2),
        ("has_bias", 1),
        ("bias_row", ROW_BITS),
        ("dtype", 2),
    )

    acc_row: int
    rows: int
    row: int
    cols: int
    dtype: DType
    func: Func = Func.NONE
    has_bias: bool = False
    bias_row: int = 0
    deps: Deps = field(default=NO_DEPS)

    @property
    def acc_dtype(self) -> DType:
        return DType.F32 if self.dtype.is_float else DType.I32

    def _check(self, config: MxuConfig) -> None:
        _check_range(self.rows, MAX_ROWS_FIELD, "'rows'")
        _check_range(self.cols, config.cols, "'cols'")
        _rows_in(Memory.ACC, self.acc_row, self.rows, self.acc_dtype, config, "accumulator")
        _rows_in(Memory.SPAD, self.row, self.rows, self.dtype, config, "result")
        if self.has_bias:
            _rows_in(Memory.SPAD, self.bias_row, 1, self.acc_dtype, config, "bias")
        elif self.bias_row:
            raise IsaError("'bias_row' is set but the instruction has no bias")


@dataclass(frozen=True)
class Store(Instruction):
    """DMA scratchpad/accumulator -> DRAM: `rows` rows of `cols` elements, strided."""

    OPCODE = Opcode.STORE
    QUEUE = Queue.STORE
    MNEMONIC = "store"
    FIELDS = (
        ("memory", 1),
        ("row", ROW_BITS),
        ("dram_addr", DRAM_ADDR_BITS),
        ("stride", STRIDE_BITS),
        ("rows", COUNT_BITS),
        ("cols", TILE_BITS),
        ("dtype", 2),
    )

    memory: Memory
    row: int
    dram_addr: int
    stride: int
    rows: int
    cols: int
    dtype: DType
    deps: Deps = field(default=NO_DEPS)

    def _check(self, config: MxuConfig) -> None:
        _check_range(self.rows, MAX_ROWS_FIELD, "'rows'")
        _check_range(self.cols, config.width, "'cols'")
        _rows_in(self.memory, self.row, self.rows, self.dtype, config, "store")
        _dram_in(self.dram_addr, self.stride, self.rows, self.cols, self.dtype, config)


@dataclass(frozen=True)
class Config(Instruction):
    """Set the activation unit's requantisation registers (signed `scale`, `shift`)."""

    OPCODE = Opcode.CONFIG
    QUEUE = Queue.EXECUTE
    MNEMONIC = "config"
    FIELDS = (("scale", SCALE_BITS), ("shift", SHIFT_BITS))
    SIGNED = frozenset({"scale"})

    scale: int = 1
    shift: int = 0
    deps: Deps = field(default=NO_DEPS)


@dataclass(frozen=True)
class Fence(Instruction):
    """Wait until every earlier instruction in every queue has completed."""

    OPCODE = Opcode.FENCE
    QUEUE = None
    MNEMONIC = "fence"


@dataclass(frozen=True)
class Halt(Instruction):
    """End of the program: the machine stops when every queue has drained."""

    OPCODE = Opcode.HALT
    QUEUE = None
    MNEMONIC = "halt"


def _dram_in(addr: int, stride: int, rows: int, cols: int, dtype: DType, config: MxuConfig) -> None:
    row_bytes = cols * dtype.bytes
    if rows > 1 and stride < row_bytes:
        raise IsaError(f"'stride' ({stride} bytes) is shorter than a row ({row_bytes} bytes)")
    end = addr + (rows - 1) * stride + row_bytes
    if end > config.dram_bytes:
        raise IsaError(
            f"DRAM bytes {addr:#x}..{end - 1:#x} are outside the DRAM ({config.dram_bytes} bytes)"
        )


INSTRUCTIONS: tuple[type[Instruction], ...] = (
    Load,
    LoadWeights,
    Matmul,
    Activate,
    Store,
    Config,
    Fence,
    Halt,
    MatmulOS,
)
BY_OPCODE: dict[Opcode, type[Instruction]] = {cls.OPCODE: cls for cls in INSTRUCTIONS}
BY_MNEMONIC: dict[str, type[Instruction]] = {cls.MNEMONIC: cls for cls in INSTRUCTIONS}

ENUM_FIELDS: dict[str, type[IntEnum]] = {"memory": Memory, "dtype": DType, "func": Func}
"""Fields whose values are enums (the others are integers or, 1-bit, booleans)."""

INSTRUCTION_BITS = 128
"""Every instruction encodes to 16 bytes: opcode (4 bits), deps (4 bits), fields."""

__all__ = [
    "ACC_ELEMENT_BYTES",
    "BY_MNEMONIC",
    "BY_OPCODE",
    "ENUM_FIELDS",
    "INSTRUCTIONS",
    "INSTRUCTION_BITS",
    "NO_DEPS",
    "Activate",
    "Config",
    "DType",
    "Dataflow",
    "Deps",
    "Fence",
    "Func",
    "Halt",
    "Instruction",
    "IsaError",
    "Load",
    "LoadWeights",
    "Matmul",
    "MatmulOS",
    "Memory",
    "Opcode",
    "Queue",
    "Store",
    "physical_rows",
]
