"""mxu assembly: the canonical text, both round trips, and located errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
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
from ziggurat.targets.mxu.assembly import format_assembly, parse_assembly
from ziggurat.targets.mxu.encoding import decode, encode
from ziggurat.targets.mxu.errors import MxuFormatError

GEMM = [
    Load(
        memory=Memory.SPAD,
        row=0,
        dram_addr=0x1000,
        stride=16,
        rows=16,
        cols=16,
        dtype=DType.I8,
        deps=Deps(push_next=True),
    ),
    LoadWeights(row=0, rows=16, cols=16, dtype=DType.I8, deps=Deps(pop_prev=True)),
    Matmul(row=16, rows=64, acc_row=0, dtype=DType.I8, accumulate=True),
    Config(scale=-3, shift=8),
    Activate(
        acc_row=0,
        rows=64,
        row=100,
        cols=16,
        dtype=DType.I8,
        func=Func.RELU,
        has_bias=True,
        bias_row=200,
        deps=Deps(push_next=True),
    ),
    Store(
        memory=Memory.SPAD,
        row=100,
        dram_addr=0x20000,
        stride=16,
        rows=64,
        cols=16,
        dtype=DType.I8,
        deps=Deps(pop_prev=True),
    ),
    Fence(),
    Halt(),
]

# Written by hand: fields in encoding order, defaults left out, DRAM addresses in hex.
GEMM_TEXT = "".join(
    line + "\n"
    for line in [
        "load memory=spad, row=0, dram_addr=0x1000, stride=16, rows=16, cols=16, dtype=i8"
        " deps(push_next)",
        "loadw row=0, rows=16, cols=16, dtype=i8 deps(pop_prev)",
        "matmul row=16, rows=64, acc_row=0, accumulate=true, dtype=i8",
        "config scale=-3, shift=8",
        "activate acc_row=0, rows=64, row=100, cols=16, func=relu, has_bias=true, bias_row=200,"
        " dtype=i8 deps(push_next)",
        "store memory=spad, row=100, dram_addr=0x20000, stride=16, rows=64, cols=16, dtype=i8"
        " deps(pop_prev)",
        "fence",
        "halt",
    ]
)


def test_printer_writes_the_documented_canonical_form() -> None:
    assert format_assembly(GEMM) == GEMM_TEXT


def test_canonical_text_parses_and_prints_back_unchanged() -> None:
    assert parse_assembly(GEMM_TEXT) == GEMM
    assert format_assembly(parse_assembly(GEMM_TEXT)) == GEMM_TEXT


def test_output_stationary_instructions_in_canonical_form() -> None:
    program = [
        Load(Memory.SPAD, 0, 0x40, 48, 16, 16, DType.BF16, transpose=True),
        MatmulOS(0, 64, 48, 16, 12, 32, DType.BF16, accumulate=True, deps=Deps(push_next=True)),
    ]
    text = (
        "load memory=spad, row=0, dram_addr=0x40, stride=48, rows=16, cols=16, dtype=bf16,"
        " transpose=true\n"
        "matmul_os a_row=0, b_row=64, depth=48, rows=16, cols=12, acc_row=32, accumulate=true,"
        " dtype=bf16 deps(push_next)\n"
    )
    assert format_assembly(program) == text
    assert parse_assembly(text) == program
    assert parse_assembly(text.replace("transpose=true", "transpose=1")) == program


def test_defaults_are_left_out_and_config_may_be_bare() -> None:
    text = "config\nactivate acc_row=1, rows=2, row=3, cols=4, dtype=f32\n"
    program = parse_assembly(text)
    assert program == [Config(), Activate(acc_row=1, rows=2, row=3, cols=4, dtype=DType.F32)]
    assert format_assembly(program) == text


def test_free_spacing_comments_and_alternative_spellings() -> None:
    text = (
        "; a header comment\n"
        "\n"
        "\tload  memory = spad ,row=0b0,dram_addr=4096 , stride=0x10, rows=16,cols=16,"
        " dtype=i8, pad_rows=0, deps( push_next )   ; the same load\r\n"
        "   \n"
        "loadw row=0, rows=16, cols=16, dtype=i8 deps(pop_prev)\n"
        "matmul row=16, rows=64, acc_row=0, accumulate=1, dtype=i8 deps()\n"
        "config scale=-3, shift=+8\n"
        "activate acc_row=0, rows=64, row=100, cols=16, func=relu, has_bias=true,"
        " bias_row=200, dtype=i8 deps(push_next)\n"
        "store memory=spad, row=100, dram_addr=0x2_0000, stride=16, rows=64, cols=16,"
        " dtype=i8 deps(pop_prev)\n"
        "fence;no space before the comment\n"
        "halt"
    )
    assert parse_assembly(text) == GEMM


def test_comments_and_header_are_printed_and_ignored_when_read_back() -> None:
    comments = ["tile 0", None, "k = 0", None, None, None, None, "done"]
    text = format_assembly(GEMM, comments=comments, header="gemm 64x16x16\n\nedge preset")
    lines = text.splitlines()
    assert lines[:3] == ["; gemm 64x16x16", ";", "; edge preset"]
    assert lines[3].endswith("  ; tile 0") and lines[3].startswith("load memory=spad")
    assert lines[5].startswith("matmul ") and lines[5].endswith("; k = 0")
    assert parse_assembly(text) == GEMM


def test_trailing_comments_start_in_one_column() -> None:
    program = [Config(scale=3), Fence(), Halt()]
    text = format_assembly(program, comments=["requantise", "wait", "end"])
    assert text == "config scale=3  ; requantise\nfence           ; wait\nhalt            ; end\n"


def test_comment_count_must_match_the_program() -> None:
    with pytest.raises(ValueError, match="2 comments for 8 instructions"):
        format_assembly(GEMM, comments=["a", "b"])


@settings(max_examples=300, deadline=None)
@given(programs(max_size=20))
def test_parse_inverts_format(program: list[Instruction]) -> None:
    text = format_assembly(program)
    assert parse_assembly(text) == program
    assert format_assembly(parse_assembly(text)) == text


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([MxuConfig.preset("edge"), MxuConfig.preset("tpu-v1")]).flatmap(
        lambda c: programs(c, max_size=12, halt=True)
    ),
    st.lists(st.one_of(st.none(), st.text(max_size=20)), min_size=12, max_size=12),
)
def test_parse_inverts_format_with_comments(
    program: list[Instruction], notes: list[str | None]
) -> None:
    text = format_assembly(program, comments=notes[: len(program)], header="a header")
    assert parse_assembly(text) == program


def respace(text: str, sep: str, eq: str, indent: str) -> str:
    """The same program spelt with other spacing: the grammar, not the quick path, reads it."""
    lines = []
    for line in text.splitlines():
        mnemonic, _, rest = line.partition(" ")
        rest = rest.replace(", ", sep).replace("=", eq)
        # `deps(...)` follows the last field; with no field it follows the mnemonic.
        if not rest.startswith("deps("):
            rest = rest.replace(" deps(", f"{sep}deps(")
        lines.append(" ".join(part for part in (mnemonic, rest) if part))
    return "".join(f"{indent}{line} ; note\n" for line in lines)


@settings(max_examples=150, deadline=None)
@given(
    programs(max_size=10),
    st.sampled_from([",", " , ", ",\t"]),
    st.sampled_from(["=", " = ", "\t=\t"]),
    st.sampled_from(["", " ", "\t"]),
)
def test_any_spacing_reads_the_same_program(
    program: list[Instruction], sep: str, eq: str, indent: str
) -> None:
    assert parse_assembly(respace(format_assembly(program), sep, eq, indent)) == program


@settings(max_examples=100, deadline=None)
@given(programs(max_size=10))
def test_assembly_and_binary_agree(program: list[Instruction]) -> None:
    assert decode(encode(parse_assembly(format_assembly(program)))) == program


LOADW = "loadw row=0, rows=16, cols=16, dtype=i8"

MALFORMED = [
    ("lod row=1", "t.s:1:1", "unknown instruction 'lod' (did you mean 'load'?)"),
    (
        "halt\n\n   jump",
        "t.s:3:4",
        "unknown instruction 'jump' (expected 'load', 'loadw', 'matmul', 'activate', 'store',"
        " 'config', 'fence', 'halt' or 'matmul_os')",
    ),
    (
        "loadw row=0, rows=16, colz=16, dtype=i8",
        "t.s:1:23",
        "'loadw' has no field 'colz' (did you mean 'cols'?); its fields are row, rows, cols, dtype",
    ),
    ("fence row=1", "t.s:1:7", "'fence' takes no fields, but 'row' is given"),
    ("loadw row=0, rows=16, cols=16", "t.s:1:1", "'loadw' is missing field 'dtype'"),
    (
        "load memory=spad, row=0, dram_addr=0, stride=1, rows=1, cols=1, pad_rows=0",
        "t.s:1:1",
        "'load' is missing field 'dtype'",
    ),
    (
        "matmul dtype=i8",
        "t.s:1:1",
        "'matmul' is missing fields 'row', 'rows', 'acc_row'",
    ),
    (
        "loadw row=0, rows=16, cols=16, dtype=i8, rows=8",
        "t.s:1:42",
        "duplicate field 'rows' (first given at column 14)",
    ),
    (
        "loadw row=zero, rows=16, cols=16, dtype=i8",
        "t.s:1:11",
        "'row' must be an integer, not 'zero'",
    ),
    (
        "loadw row=1.5, rows=16, cols=16, dtype=i8",
        "t.s:1:11",
        "'row' must be an integer, not '1.5'",
    ),
    ("loadw row=-1, rows=16, cols=16, dtype=i8", "t.s:1:11", "'row' cannot be negative (-1)"),
    (
        "loadw row=0, rows=2048, cols=16, dtype=i8",
        "t.s:1:19",
        "'rows' = 2048 does not fit in 11 bits (0..2047)",
    ),
    (
        "config scale=-2147483649",
        "t.s:1:14",
        "'scale' = -2147483649 does not fit in 32 signed bits (-2147483648..2147483647)",
    ),
    (
        "loadw row=0, rows=16, cols=16, dtype=int8",
        "t.s:1:38",
        "unknown dtype 'int8' (expected 'i8', 'bf16', 'f32' or 'i32')",
    ),
    (
        "store memory=dram, row=0, dram_addr=0, stride=1, rows=1, cols=1, dtype=i8",
        "t.s:1:14",
        "unknown memory 'dram' (expected 'spad' or 'acc')",
    ),
    (
        "activate acc_row=0, rows=1, row=0, cols=1, func=gelu, dtype=i8",
        "t.s:1:49",
        "unknown func 'gelu' (expected 'none' or 'relu')",
    ),
    (
        "matmul row=0, rows=1, acc_row=0, accumulate=yes, dtype=i8",
        "t.s:1:45",
        "'accumulate' must be true or false, not 'yes'",
    ),
    (
        f"{LOADW} deps(pop_prev, push)",
        "t.s:1:56",
        "unknown dependency flag 'push' (expected 'pop_prev', 'pop_next', 'push_prev'"
        " or 'push_next')",
    ),
    (
        f"{LOADW} deps(pop_prev, pop_prev)",
        "t.s:1:56",
        "duplicate dependency flag 'pop_prev'",
    ),
    ("halt deps(pop_prev)", "t.s:1:6", "'halt' takes no dependency flags"),
    ("loadw row 0", "t.s:1:11", "unexpected '0', expected '='"),
    ("loadw row=", "t.s:1:11", "unexpected end of line, expected a value"),
    (
        "loadw row=0 rows=16",
        "t.s:1:13",
        "unexpected 'rows', expected ',', 'deps(...)' or the end of the line",
    ),
    ("loadw row=0,, rows=16", "t.s:1:13", "unexpected ',', expected a field (name=value)"),
    (
        f"{LOADW} deps(pop_prev push_next)",
        "t.s:1:55",
        "unexpected 'push_next', expected ',' or ')'",
    ),
    (f"{LOADW} deps(pop_prev,)", "t.s:1:55", "unexpected ')', expected a dependency flag"),
    (f"{LOADW} deps(pop_prev", "t.s:1:54", "unexpected end of line, expected ',' or ')'"),
    (f"{LOADW} deps pop_prev", "t.s:1:46", "unexpected 'pop_prev', expected '('"),
    ("halt\n= 3", "t.s:2:1", "unexpected '=', expected an instruction or the end of the line"),
    ("halt\nfence\u00a0", "t.s:2:6", "unexpected character U+00A0"),
    ("halt\nfence #1", "t.s:2:9", "unexpected end of line, expected '='"),
]


@pytest.mark.parametrize(("text", "location", "message"), MALFORMED)
def test_malformed_assembly_is_refused_with_its_location(
    text: str, location: str, message: str
) -> None:
    with pytest.raises(MxuFormatError) as caught:
        parse_assembly(text, "t.s")
    error = caught.value
    assert (error.location, error.message) == (location, message)
    assert str(error) == f"{location}: error: {message}"
    # The caret points at the column the location names, under the offending line.
    column = int(location.rsplit(":", 1)[1])
    source, caret = error.render().splitlines()[1:]
    assert caret == " " * (column - 1) + "^"
    line = int(location.split(":")[1])
    assert source == text.splitlines()[line - 1]


def test_messages_do_not_leak_parser_terminology() -> None:
    words = re.compile(r"\b(Token|ATOM|DEPS|_NL|\$END|LPAR|RPAR|COMMA|EQUAL|lark)\b")
    for text, _, _ in MALFORMED:
        with pytest.raises(MxuFormatError) as caught:
            parse_assembly(text, "t.s")
        assert not words.search(caught.value.message), caught.value.message


def test_the_first_mistake_in_reading_order_is_reported() -> None:
    # Line 2 has a bad value, line 4 a syntax error: line 2 comes first.
    text = f"halt\n{LOADW.replace('dtype=i8', 'dtype=i7')}\nfence\nhalt (\n"
    with pytest.raises(MxuFormatError, match=r"^t\.s:2:38: error: unknown dtype 'i7'"):
        parse_assembly(text, "t.s")


def test_errors_in_well_spaced_text_are_located_too() -> None:
    text = GEMM_TEXT.replace("shift=8", "shift=64")
    with pytest.raises(MxuFormatError) as caught:
        parse_assembly(text, "gemm.s")
    assert str(caught.value) == "gemm.s:4:24: error: 'shift' = 64 does not fit in 6 bits (0..63)"


def test_invalid_utf8_is_refused_with_its_location() -> None:
    with pytest.raises(MxuFormatError) as caught:
        parse_assembly(b"halt\nfence ; caf\xe9\n", "t.s")
    assert str(caught.value) == "t.s:2:12: error: the text is not valid UTF-8 (byte 0xe9)"


def test_utf8_bytes_and_non_ascii_comments_are_read() -> None:
    assert parse_assembly("fence ; café\nhalt\n".encode()) == [Fence(), Halt()]


def test_empty_text_is_an_empty_program() -> None:
    assert parse_assembly("") == []
    assert parse_assembly("; nothing\n\n") == []
    assert format_assembly([]) == ""


WORDS = ["load", "loadw", "halt", "row", "rows", "cols", "dtype", "i8", "deps", "pop_prev"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(WORDS), st.sampled_from(list(" =,();\n\t\r-0x1")), st.text()),
        max_size=30,
    ).map("".join)
)
def test_any_text_is_a_program_or_a_located_error(text: str) -> None:
    try:
        program = parse_assembly(text, "t.s")
    except MxuFormatError as error:
        assert error.location.startswith("t.s:")
    else:
        assert parse_assembly(format_assembly(program)) == program
