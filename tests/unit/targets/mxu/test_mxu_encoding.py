"""The mxu binary format: 16 bytes per instruction, exact layout, round trips, bad binaries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mxu_strategies import instructions, programs
from paths import ROOT

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
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
    Store,
)
from ziggurat.targets.mxu.encoding import decode, decode_instruction, encode, encode_instruction
from ziggurat.targets.mxu.errors import MxuFormatError

CONFIGS = [MxuConfig.preset("edge"), MxuConfig.preset("tpu-v1"), MxuConfig(rows=8, cols=32)]


def used_bits(cls: type[Instruction]) -> int:
    """Bits an instruction uses, from the documented layout (opcode, deps, fields)."""
    if not cls.FIELDS and cls.QUEUE is None:
        return 4
    return 8 + sum(bits for _, bits in cls.FIELDS)


# --- exact encodings, worked out by hand from the table in docs/mxu.md ----------------


def test_loadw_encodes_to_the_documented_bytes() -> None:
    # opcode 2, deps pop_prev (bit 4) -> byte 0 = 0x12; row=5 at bit 8 -> byte 1 = 0x05;
    # rows=16 at bit 28 -> bit 32 -> byte 4 = 0x01; cols=8 at bit 39 -> bit 42 -> byte 5 = 0x04;
    # dtype=bf16 (1) at bit 50 -> byte 6 = 0x04.
    instruction = LoadWeights(row=5, rows=16, cols=8, dtype=DType.BF16, deps=Deps(pop_prev=True))
    assert encode([instruction]) == bytes.fromhex("12050000010404000000000000000000")


def test_config_encodes_its_signed_scale_in_twos_complement() -> None:
    # opcode 6; scale=-2 -> 0xfffffffe in bits 8..39; shift=7 in bits 40..45.
    assert encode([Config(scale=-2, shift=7)]) == bytes.fromhex("06feffffff0700000000000000000000")


def test_fence_and_halt_are_one_opcode_byte() -> None:
    assert encode([Fence(), Halt()]) == bytes([7] + [0] * 15 + [8] + [0] * 15)


def test_load_fills_the_documented_bit_ranges() -> None:
    instruction = Load(
        memory=Memory.ACC,
        row=3,
        dram_addr=0x12345678,
        stride=0x40,
        rows=2,
        cols=16,
        pad_rows=1,
        dtype=DType.I32,
        deps=Deps(push_next=True),
    )
    expected = (
        1  # opcode, bits 0..3
        | 0b1000 << 4  # push_next is deps bit 3
        | 1 << 8  # memory = acc
        | 3 << 9  # row, bits 9..28
        | 0x12345678 << 29  # dram_addr, bits 29..60
        | 0x40 << 61  # stride, bits 61..84
        | 2 << 85  # rows, bits 85..100
        | 16 << 101  # cols, bits 101..111
        | 1 << 112  # pad_rows, bits 112..123
        | 3 << 124  # dtype = i32, bits 124..125
    )
    assert encode([instruction]) == expected.to_bytes(16, "little")


def test_a_transposed_load_sets_bit_126() -> None:
    plain = Load(Memory.SPAD, 0, 0, 4, 4, 4, DType.I8)
    transposed = Load(Memory.SPAD, 0, 0, 4, 4, 4, DType.I8, transpose=True)
    assert encode_instruction(transposed) == encode_instruction(plain) | 1 << 126
    assert decode_instruction(encode_instruction(transposed)) == transposed


def test_matmul_os_fills_the_documented_bit_ranges() -> None:
    instruction = MatmulOS(
        a_row=0xABCDE,
        b_row=7,
        depth=0x1234,
        rows=16,
        cols=0x7FF,
        acc_row=9,
        accumulate=True,
        dtype=DType.F32,
        deps=Deps(pop_next=True),
    )
    expected = (
        9
        | 0b0010 << 4  # pop_next is deps bit 1
        | 0xABCDE << 8  # a_row, bits 8..27
        | 7 << 28  # b_row, bits 28..47
        | 0x1234 << 48  # depth, bits 48..63
        | 16 << 64  # rows, bits 64..74
        | 0x7FF << 75  # cols, bits 75..85
        | 9 << 86  # acc_row, bits 86..105
        | 1 << 106  # accumulate
        | 2 << 107  # dtype = f32, bits 107..108
    )
    assert encode_instruction(instruction) == expected
    assert decode_instruction(expected) == instruction
    with pytest.raises(MxuFormatError, match="reserved bit 109 is set in a 'matmul_os'"):
        decode((expected | 1 << 109).to_bytes(16, "little"))


def test_activate_fills_the_documented_bit_ranges() -> None:
    instruction = Activate(
        acc_row=1,
        rows=2,
        row=3,
        cols=4,
        func=Func.RELU,
        has_bias=True,
        bias_row=5,
        dtype=DType.BF16,
        deps=Deps(pop_prev=True, push_next=True),
    )
    expected = (
        4
        | 0b1001 << 4  # pop_prev (bit 0) and push_next (bit 3)
        | 1 << 8  # acc_row, bits 8..27
        | 2 << 28  # rows, bits 28..43
        | 3 << 44  # row, bits 44..63
        | 4 << 64  # cols, bits 64..74
        | 1 << 75  # func = relu, bits 75..76
        | 1 << 77  # has_bias
        | 5 << 78  # bias_row, bits 78..97
        | 1 << 98  # dtype = bf16, bits 98..99
    )
    assert encode_instruction(instruction) == expected
    assert decode_instruction(expected) == instruction


# --- round trips ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(programs(max_size=30))
def test_decode_inverts_encode(program: list[Instruction]) -> None:
    data = encode(program)
    assert len(data) == 16 * len(program)
    assert decode(data) == program


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CONFIGS).flatmap(lambda c: programs(c, max_size=10)))
def test_decode_inverts_encode_for_valid_programs(program: list[Instruction]) -> None:
    assert decode(encode(program)) == program


@settings(max_examples=200, deadline=None)
@given(programs(min_size=1, max_size=10))
def test_each_instruction_encodes_alone_with_opcode_and_deps_in_the_first_byte(
    program: list[Instruction],
) -> None:
    data = encode(program)
    for index, instruction in enumerate(program):
        chunk = data[16 * index : 16 * index + 16]
        assert chunk == encode([instruction])
        assert chunk[0] & 0xF == instruction.OPCODE
        deps = getattr(instruction, "deps", Deps())
        assert chunk[0] >> 4 == deps.to_bits()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CONFIGS).flatmap(lambda c: st.tuples(st.just(c), instructions(c))))
def test_config_strategy_draws_instructions_the_machine_accepts(
    drawn: tuple[MxuConfig, Instruction],
) -> None:
    config, instruction = drawn
    instruction.check(config)


@settings(max_examples=500, deadline=None)
@given(st.integers(0, (1 << 128) - 1))
def test_any_word_decodes_to_an_instruction_that_reencodes_or_is_refused(word: int) -> None:
    try:
        instruction = decode_instruction(word)
    except MxuFormatError:
        return
    assert encode_instruction(instruction) == word


@settings(max_examples=200, deadline=None)
@given(instructions(), st.data())
def test_a_set_reserved_bit_is_refused(instruction: Instruction, data: st.DataObject) -> None:
    first_reserved = used_bits(type(instruction))
    bit = data.draw(st.integers(first_reserved, 127))
    word = encode_instruction(instruction) | 1 << bit
    with pytest.raises(MxuFormatError, match=rf"reserved bit {bit} is set"):
        decode(word.to_bytes(16, "little"), "prog.bin")


# --- malformed binaries ----------------------------------------------------------------


def word(value: int) -> bytes:
    return value.to_bytes(16, "little")


HALT = word(8)


@pytest.mark.parametrize(
    ("data", "location", "message"),
    [
        (
            HALT + b"\x08",
            "prog.bin",
            "the binary is 17 bytes long, not a multiple of 16 (every instruction is 128 bits)",
        ),
        (
            HALT[:15],
            "prog.bin",
            "the binary is 15 bytes long, not a multiple of 16 (every instruction is 128 bits)",
        ),
        (
            HALT + word(0),
            "prog.bin: instruction 1 (byte 0x10)",
            "unknown opcode 0 (a zeroed word is not an instruction); opcodes are 1..9",
        ),
        (word(15), "prog.bin: instruction 0 (byte 0x0)", "unknown opcode 15; opcodes are 1..9"),
        (
            HALT * 12 + word(10),
            "prog.bin: instruction 12 (byte 0xc0)",
            "unknown opcode 10; opcodes are 1..9",
        ),
        (
            word(8 | 1 << 4),
            "prog.bin: instruction 0 (byte 0x0)",
            "reserved bit 4 is set in a 'halt' instruction "
            "(it uses bits 0..3; the rest must be zero)",
        ),
        (
            word(2 | 1 << 100),
            "prog.bin: instruction 0 (byte 0x0)",
            "reserved bit 100 is set in a 'loadw' instruction "
            "(it uses bits 0..51; the rest must be zero)",
        ),
        (
            word(1 | 1 << 127),
            "prog.bin: instruction 0 (byte 0x0)",
            "reserved bit 127 is set in a 'load' instruction "
            "(it uses bits 0..126; the rest must be zero)",
        ),
        (
            HALT + word(4 | 2 << 75),
            "prog.bin: instruction 1 (byte 0x10)",
            "field 'func' = 2 is not a valid func (expected none, relu)",
        ),
    ],
)
def test_malformed_binary_is_refused_with_its_location(
    data: bytes, location: str, message: str
) -> None:
    with pytest.raises(MxuFormatError) as caught:
        decode(data, "prog.bin")
    assert caught.value.location == location
    assert caught.value.message == message
    assert str(caught.value) == f"{location}: error: {message}"


def test_an_empty_binary_is_an_empty_program() -> None:
    assert decode(b"") == []
    assert encode([]) == b""


# --- instructions that have no encoding -----------------------------------------------


@pytest.mark.parametrize(
    ("instruction", "location", "message"),
    [
        (
            LoadWeights(row=1 << 20, rows=1, cols=1, dtype=DType.I8),
            "instruction 1 (loadw)",
            "field 'row' = 1048576 does not fit in 20 bits (0..1048575)",
        ),
        (
            Store(
                memory=Memory.SPAD, row=0, dram_addr=-1, stride=0, rows=1, cols=1, dtype=DType.I8
            ),
            "instruction 1 (store)",
            "field 'dram_addr' = -1 does not fit in 32 bits (0..4294967295)",
        ),
        (
            Config(scale=1 << 31),
            "instruction 1 (config)",
            "field 'scale' = 2147483648 does not fit in 32 bits (-2147483648..2147483647)",
        ),
        (
            Matmul(row=0, rows=1 << 16, acc_row=0, dtype=DType.F32),
            "instruction 1 (matmul)",
            "field 'rows' = 65536 does not fit in 16 bits (0..65535)",
        ),
        (
            Activate(acc_row=0, rows=1, row=0, cols=1, dtype=DType.I8, func=5),  # type: ignore[arg-type]
            "instruction 1 (activate)",
            "field 'func' = 5 is not a valid func",
        ),
    ],
)
def test_unencodable_instruction_is_refused_with_its_index(
    instruction: Instruction, location: str, message: str
) -> None:
    with pytest.raises(MxuFormatError) as caught:
        encode([Fence(), instruction, Halt()])
    assert caught.value.location == location
    assert caught.value.message == message


def test_the_layout_table_in_the_docs_matches_the_instruction_set() -> None:
    """docs/mxu.md's bit ranges are what FIELDS in the ISA module lay out."""
    docs = ROOT / "docs" / "mxu.md"
    section = docs.read_text(encoding="utf-8").split("## Encoding", 1)[1].split("\n## ", 1)[0]
    # The reserved bits: "N-127", or "127" alone.
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \| (.*?) \| (\d+)(?:-127)? \|$", section, re.MULTILINE)
    by_mnemonic = {cls.MNEMONIC: cls for cls in INSTRUCTIONS}
    assert sorted(mnemonic for _, mnemonic, _, _ in rows) == sorted(by_mnemonic)
    for opcode, mnemonic, fields, reserved in rows:
        cls = by_mnemonic[mnemonic]
        assert int(opcode) == cls.OPCODE
        expected, low = [], 8
        for name, bits in cls.FIELDS:
            span = f"{low}" if bits == 1 else f"{low}-{low + bits - 1}"
            expected.append(f"`{name}` {span}")
            low += bits
        assert fields == (", ".join(expected) or "none")
        assert int(reserved) == used_bits(cls)
