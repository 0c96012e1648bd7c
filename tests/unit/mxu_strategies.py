"""Hypothesis strategies for mxu instructions and programs.

`instructions()` draws anything the 128-bit encoding can hold (every field any
value of its bit width), which is what the encoder, decoder, assembler and
disassembler must round-trip. `instructions(config)` draws only instructions
that `Instruction.check(config)` accepts (fields in range for that machine,
dependency flags that name an existing neighbour queue), for code that runs
them. Ranges come from `ziggurat.hardware.mxu.isa` (the contract), never from
the encoder under test.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence

from hypothesis import strategies as st

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    ENUM_FIELDS,
    INSTRUCTIONS,
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
    Queue,
    Store,
)

MAX_DRAM_ADDR = (1 << 32) - 1
MAX_STRIDE = (1 << 24) - 1
MAX_ROWS_FIELD = (1 << 16) - 1
MAX_PAD_ROWS = (1 << 12) - 1


def _any_deps() -> st.SearchStrategy[Deps]:
    return st.integers(0, 15).map(Deps.from_bits)


def _deps_for(queue: Queue | None) -> st.SearchStrategy[Deps]:
    """Flags that name a queue this one has: load has no prev, store no next."""
    if queue is Queue.LOAD:
        return st.builds(Deps, pop_next=st.booleans(), push_next=st.booleans())
    if queue is Queue.STORE:
        return st.builds(Deps, pop_prev=st.booleans(), push_prev=st.booleans())
    return _any_deps()


def _field_strategy(cls: type[Instruction], name: str, bits: int) -> st.SearchStrategy[object]:
    if name in ENUM_FIELDS:
        return st.sampled_from(list(ENUM_FIELDS[name]))
    if typing.get_type_hints(cls)[name] is bool:
        return st.booleans()
    if name in cls.SIGNED:
        return st.integers(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return st.integers(0, (1 << bits) - 1)


def _encodable(cls: type[Instruction]) -> st.SearchStrategy[Instruction]:
    """Any instruction of `cls` whose fields fit their bit widths."""
    kwargs: dict[str, st.SearchStrategy[object]] = {
        name: _field_strategy(cls, name, bits) for name, bits in cls.FIELDS
    }
    if cls.QUEUE is not None:
        kwargs["deps"] = _any_deps()
    return st.builds(cls, **kwargs)


@st.composite
def _dram_transfer(
    draw: st.DrawFn,
    config: MxuConfig,
    size_rows: int,
    per_row: int,
    dtype: DType,
    pad: bool,
    transpose: bool = False,
) -> dict[str, int]:
    """rows, cols, stride, dram_addr, row (and pad_rows) of a valid DMA transfer.

    A transposed load writes `cols` rows on chip (of `rows` <= width elements).
    """
    cols = draw(st.integers(1, config.width))
    row_bytes = cols * dtype.bytes
    capacity = size_rows // per_row
    in_dram = (config.dram_bytes - row_bytes) // row_bytes + 1
    max_rows = min(MAX_ROWS_FIELD, in_dram, config.width if transpose else capacity)
    rows = draw(st.integers(1, max_rows))
    written = cols if transpose else rows
    pad_rows = draw(st.integers(0, min(MAX_PAD_ROWS, capacity - written))) if pad else 0
    row = draw(st.integers(0, size_rows - (written + pad_rows) * per_row))
    if rows > 1:
        stride = draw(
            st.integers(row_bytes, min(MAX_STRIDE, (config.dram_bytes - row_bytes) // (rows - 1)))
        )
    else:
        stride = draw(st.integers(0, MAX_STRIDE))
    extent = (rows - 1) * stride + row_bytes
    dram_addr = draw(st.integers(0, min(MAX_DRAM_ADDR, config.dram_bytes - extent)))
    fields = {"rows": rows, "cols": cols, "row": row, "stride": stride, "dram_addr": dram_addr}
    if pad:
        fields["pad_rows"] = pad_rows
    return fields


def _memory_and_dtype(draw: st.DrawFn, config: MxuConfig) -> tuple[Memory, DType, int, int]:
    """A memory, a dtype it can hold, its size in rows and rows per logical row."""
    memory = draw(st.sampled_from(list(Memory)))
    if memory is Memory.ACC:
        dtype = draw(st.sampled_from([DType.I32, DType.F32]))
        return memory, dtype, config.accumulator_rows, 1
    dtype = draw(st.sampled_from(list(DType)))
    return memory, dtype, config.scratchpad_rows, dtype.bytes


@st.composite
def _valid_load(draw: st.DrawFn, config: MxuConfig) -> Instruction:
    memory, dtype, size, per_row = _memory_and_dtype(draw, config)
    # Only the scratchpad has a transposer.
    transpose = memory is Memory.SPAD and draw(st.booleans())
    fields = draw(_dram_transfer(config, size, per_row, dtype, pad=True, transpose=transpose))
    deps = draw(_deps_for(Queue.LOAD))
    return Load(memory=memory, dtype=dtype, transpose=transpose, deps=deps, **fields)


@st.composite
def _valid_store(draw: st.DrawFn, config: MxuConfig) -> Instruction:
    memory, dtype, size, per_row = _memory_and_dtype(draw, config)
    fields = draw(_dram_transfer(config, size, per_row, dtype, pad=False))
    deps = draw(_deps_for(Queue.STORE))
    return Store(memory=memory, dtype=dtype, deps=deps, **fields)


_ARRAY_DTYPES = [DType.I8, DType.BF16, DType.F32]


@st.composite
def _valid_loadw(draw: st.DrawFn, config: MxuConfig) -> Instruction:
    dtype = draw(st.sampled_from(_ARRAY_DTYPES))
    rows = draw(st.integers(1, config.rows))
    cols = draw(st.integers(1, config.cols))
    row = draw(st.integers(0, config.scratchpad_rows - rows * dtype.bytes))
    deps = draw(_deps_for(Queue.EXECUTE))
    return LoadWeights(row=row, rows=rows, cols=cols, dtype=dtype, deps=deps)


@st.composite
def _valid_matmul(draw: st.DrawFn, config: MxuConfig) -> Instruction:
    dtype = draw(st.sampled_from(_ARRAY_DTYPES))
    limit = min(MAX_ROWS_FIELD, config.scratchpad_rows // dtype.bytes, config.accumulator_rows)
    rows = draw(st.integers(1, limit))
    row = draw(st.integers(0, config.scratchpad_rows - rows * dtype.bytes))
    acc_row = draw(st.integers(0, config.accumulator_rows - rows))
    return Matmul(
        row=row,
        rows=rows,
        acc_row=acc_row,
        dtype=dtype,
        accumulate=draw(st.booleans()),
        deps=draw(_deps_for(Queue.EXECUTE)),
    )


@st.composite
def _valid_matmul_os(draw: st.DrawFn, config: MxuConfig) -> Instruction:
    dtype = draw(st.sampled_from(_ARRAY_DTYPES))
    rows = draw(st.integers(1, config.rows))
    depth = draw(st.integers(1, min(MAX_ROWS_FIELD, config.scratchpad_rows // dtype.bytes)))
    last = config.scratchpad_rows - depth * dtype.bytes
    return MatmulOS(
        a_row=draw(st.integers(0, last)),
        b_row=draw(st.integers(0, last)),
        depth=depth,
        rows=rows,
        cols=draw(st.integers(1, config.cols)),
        acc_row=draw(st.integers(0, config.accumulator_rows - rows)),
        dtype=dtype,
        accumulate=draw(st.booleans()),
        deps=draw(_deps_for(Queue.EXECUTE)),
    )


@st.composite
def _valid_activate(draw: st.DrawFn, config: MxuConfig) -> Instruction:
    dtype = draw(st.sampled_from(list(DType)))
    limit = min(MAX_ROWS_FIELD, config.scratchpad_rows // dtype.bytes, config.accumulator_rows)
    rows = draw(st.integers(1, limit))
    has_bias = draw(st.booleans())
    # The bias row holds one row of the accumulator's 32-bit type: 4 scratchpad rows.
    bias_row = draw(st.integers(0, config.scratchpad_rows - 4)) if has_bias else 0
    return Activate(
        acc_row=draw(st.integers(0, config.accumulator_rows - rows)),
        rows=rows,
        row=draw(st.integers(0, config.scratchpad_rows - rows * dtype.bytes)),
        cols=draw(st.integers(1, config.cols)),
        dtype=dtype,
        func=draw(st.sampled_from(list(Func))),
        has_bias=has_bias,
        bias_row=bias_row,
        deps=draw(_deps_for(Queue.EXECUTE)),
    )


def _valid_config() -> st.SearchStrategy[Instruction]:
    return st.builds(
        Config,
        scale=st.integers(-(1 << 31), (1 << 31) - 1),
        shift=st.integers(0, 63),
        deps=_deps_for(Queue.EXECUTE),
    )


def _valid(cls: type[Instruction], config: MxuConfig) -> st.SearchStrategy[Instruction]:
    if cls is Load:
        return _valid_load(config)
    if cls is Store:
        return _valid_store(config)
    if cls is LoadWeights:
        return _valid_loadw(config)
    if cls is Matmul:
        return _valid_matmul(config)
    if cls is MatmulOS:
        return _valid_matmul_os(config)
    if cls is Activate:
        return _valid_activate(config)
    if cls is Config:
        return _valid_config()
    if cls in (Fence, Halt):
        return st.just(cls())
    raise ValueError(f"no strategy for {cls.__name__}")


def instructions(
    config: MxuConfig | None = None,
    kinds: Sequence[type[Instruction]] = INSTRUCTIONS,
) -> st.SearchStrategy[Instruction]:
    """One instruction of one of `kinds`: encodable, or valid on `config` if given."""
    if config is None:
        return st.one_of([_encodable(cls) for cls in kinds])
    return st.one_of([_valid(cls, config) for cls in kinds])


def programs(
    config: MxuConfig | None = None,
    min_size: int = 0,
    max_size: int = 20,
    halt: bool = False,
) -> st.SearchStrategy[list[Instruction]]:
    """A list of instructions; with `halt`, a body without `halt` then one `halt`.

    The instructions are independent: a program from here is a valid stream of
    valid instructions, not one whose dependency tokens and data flow make sense.
    """
    if not halt:
        return st.lists(instructions(config), min_size=min_size, max_size=max_size)
    body = instructions(config, [cls for cls in INSTRUCTIONS if cls is not Halt])
    return st.lists(body, min_size=max(min_size - 1, 0), max_size=max(max_size - 1, 0)).map(
        lambda instrs: [*instrs, Halt()]
    )


__all__ = ["instructions", "programs"]
