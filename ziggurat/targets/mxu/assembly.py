"""mxu assembly: the readable form of an instruction stream, in and out.

One instruction per line: the mnemonic, then `key=value` fields separated by
commas, then an optional `deps(flag, ...)` list; `;` starts a comment. The
grammar (assembly.lark) only splits lines into words, and this module checks
every word against the instruction's encoding (`encoding.LAYOUTS`), so that
errors name the instruction, the field and the accepted values. Ranges are the
encoding's, not a machine's: `Instruction.check(config)` is the simulator's
business.

The printer writes a canonical form (fields in encoding order, defaults
omitted, DRAM addresses in hex) that parses back to the same program, and that
the printer reproduces byte for byte from its own output.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from importlib import resources
from typing import cast

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ziggurat.hardware.mxu.isa import BY_MNEMONIC, Deps, Instruction
from ziggurat.targets.mxu.encoding import FieldSpec, Layout, layout_of
from ziggurat.targets.mxu.errors import MxuFormatError

HEX_FIELDS = frozenset({"dram_addr"})
"""Fields printed in hexadecimal: byte addresses read best that way."""

COMMENT_COLUMN_LIMIT = 60
"""Trailing comments align after the longest instruction, up to this column."""


@functools.cache
def _parser() -> Lark:
    package = __name__.rpartition(".")[0]
    grammar = resources.files(package).joinpath("assembly.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=True)


# --- printing -------------------------------------------------------------------


def _format_value(spec: FieldSpec, value: object) -> str:
    if spec.enum is not None:
        return spec.enum(value).name.lower()  # type: ignore[arg-type]
    if spec.boolean:
        return "true" if value else "false"
    number = int(value)  # type: ignore[call-overload]
    if spec.name in HEX_FIELDS:
        return f"{number:#x}"
    return str(number)


def format_instruction(instruction: Instruction) -> str:
    """The canonical assembly line of one instruction (no comment, no newline)."""
    layout = layout_of(type(instruction))
    parts = []
    for spec in layout.fields:
        value = getattr(instruction, spec.name)
        if not spec.required and value == spec.default:
            continue
        parts.append(f"{spec.name}={_format_value(spec, value)}")
    line = instruction.MNEMONIC
    if parts:
        line += " " + ", ".join(parts)
    deps: Deps | None = getattr(instruction, "deps", None)
    if deps:
        flags = ", ".join(flag for flag in Deps.FLAGS if getattr(deps, flag))
        line += f" deps({flags})"
    return line


def format_assembly(
    program: Sequence[Instruction],
    comments: Sequence[str | None] | None = None,
    header: str | None = None,
) -> str:
    """The program as assembly text, one canonical line per instruction.

    `comments[i]`, where given, follows instruction i after `;` (aligned in one
    column); `header` is printed first as `;` lines. Both are lost on parsing.
    """
    if comments is not None and len(comments) != len(program):
        raise ValueError(f"{len(comments)} comments for {len(program)} instructions")
    out: list[str] = []
    if header is not None:
        out.extend(f"; {line}".rstrip() for line in header.splitlines())
    lines = [format_instruction(instruction) for instruction in program]
    if comments is None:
        out.extend(lines)
    else:
        commented = [len(line) for line, note in zip(lines, comments, strict=True) if note]
        column = min(max(commented, default=0), COMMENT_COLUMN_LIMIT)
        for line, note in zip(lines, comments, strict=True):
            if note:
                note = " ".join(note.splitlines())
                line = f"{line.ljust(column)}  ; {note}"
            out.append(line)
    return "".join(line + "\n" for line in out)


# --- parsing --------------------------------------------------------------------


class _Source:
    """The text being parsed, for locations and the line shown under errors."""

    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.lines = text.split("\n")

    def error(self, message: str, line: int, column: int) -> MxuFormatError:
        source = self.lines[line - 1].rstrip("\r") if 0 < line <= len(self.lines) else None
        return MxuFormatError(message, f"{self.filename}:{line}:{column}", source, column)

    def at(self, word: str, message: str) -> MxuFormatError:
        """An error at `word`: a lark Token knows where it is; a plain string does not."""
        if isinstance(word, Token):
            return self.error(message, word.line or 1, word.column or 1)
        return MxuFormatError(message, self.filename)


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _join(words: Sequence[str]) -> str:
    """`a, b or c`."""
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


def _one_of(choices: Sequence[str]) -> str:
    return _join([f"'{c}'" for c in choices])


def _parse_int(text: str) -> int | None:
    """An integer in decimal, 0x hex, 0b binary or 0o octal, with an optional sign."""
    if not text.isascii():
        return None
    body = text.lstrip("+-")
    if len(text) - len(body) > 1 or not body:
        return None
    try:
        number = int(body, 0 if body[:2].lower() in ("0x", "0b", "0o") else 10)
    except ValueError:
        return None
    return -number if text.startswith("-") else number


def _parse_value(spec: FieldSpec, word: str, source: _Source) -> object:
    if spec.enum is not None:
        member = spec.enum.__members__.get(word.upper()) if word.islower() else None
        if member is None:
            names = [m.name.lower() for m in spec.enum]
            raise source.at(word, f"unknown {spec.name} '{word}' (expected {_one_of(names)})")
        return member
    if spec.boolean:
        if word in ("true", "1"):
            return True
        if word in ("false", "0"):
            return False
        raise source.at(word, f"'{spec.name}' must be true or false, not '{word}'")
    number = _parse_int(word)
    if number is None:
        raise source.at(word, f"'{spec.name}' must be an integer, not '{word}'")
    if number < 0 and not spec.signed:
        raise source.at(word, f"'{spec.name}' cannot be negative ({number})")
    if not spec.minimum <= number <= spec.maximum:
        signed = " signed" if spec.signed else ""
        raise source.at(
            word,
            f"'{spec.name}' = {number} does not fit in {spec.bits}{signed} bits "
            f"({spec.minimum}..{spec.maximum})",
        )
    return number


def _parse_deps(keyword: str, flags: Sequence[str], layout: Layout, source: _Source) -> Deps:
    if not layout.has_deps:
        raise source.at(keyword, f"'{layout.mnemonic}' takes no dependency flags")
    given: dict[str, bool] = {}
    for flag in flags:
        if flag not in Deps.FLAGS:
            raise source.at(
                flag, f"unknown dependency flag '{flag}' (expected {_one_of(Deps.FLAGS)})"
            )
        if flag in given:
            raise source.at(flag, f"duplicate dependency flag '{flag}'")
        given[str(flag)] = True
    return Deps(**given)


def _build(
    mnemonic: str,
    fields: Sequence[tuple[str, str]],
    deps: tuple[str, Sequence[str]] | None,
    source: _Source,
) -> Instruction:
    """The instruction a line's words describe: (mnemonic, key=value pairs, deps)."""
    cls = BY_MNEMONIC.get(mnemonic)
    if cls is None:
        known = list(BY_MNEMONIC)
        hint = _suggest(mnemonic, known) or f" (expected {_one_of(known)})"
        raise source.at(mnemonic, f"unknown instruction '{mnemonic}'{hint}")
    layout = layout_of(cls)
    specs = layout.by_name
    values: dict[str, object] = {}
    seen: dict[str, str] = {}
    required = 0
    for key, value in fields:
        spec = specs.get(key)
        if spec is None:
            if not specs:
                raise source.at(key, f"'{mnemonic}' takes no fields, but '{key}' is given")
            raise source.at(
                key,
                f"'{mnemonic}' has no field '{key}'{_suggest(key, list(specs))}; "
                f"its fields are {', '.join(specs)}",
            )
        if key in seen:
            first = getattr(seen[key], "column", None)
            raise source.at(key, f"duplicate field '{key}' (first given at column {first})")
        seen[key] = key
        values[spec.name] = _parse_value(spec, value, source)
        required += spec.required
    if deps is not None:
        values["deps"] = _parse_deps(deps[0], deps[1], layout, source)
    if required < layout.required_count:
        missing = [spec.name for spec in layout.fields if spec.required and spec.name not in values]
        noun = "field" if len(missing) == 1 else "fields"
        raise source.at(mnemonic, f"'{mnemonic}' is missing {noun} {', '.join(map(repr, missing))}")
    return cls(**values)  # type: ignore[arg-type]


def _build_tree(tree: Tree, source: _Source) -> Instruction:
    """An instruction from the grammar's parse tree, whose words carry their positions."""
    mnemonic, *rest = tree.children
    fields: list[tuple[str, str]] = []
    deps: tuple[str, Sequence[str]] | None = None
    for child in rest:
        if child is None:
            continue
        if child.data == "deps":
            keyword, *flags = cast(list[str | None], child.children)
            assert keyword is not None
            deps = (keyword, [flag for flag in flags if flag is not None])
        else:
            key, value = cast(list[str], child.children)
            fields.append((key, value))
    return _build(mnemonic, fields, deps, source)  # type: ignore[arg-type]


_SIMPLE_LINE = re.compile(
    r"(?P<mnemonic>[a-z]+)"
    r"(?: (?P<fields>[a-z_]+=[^\s,;()=]+(?:, [a-z_]+=[^\s,;()=]+)*))?"
    r"(?: deps\((?P<flags>[a-z_]+(?:, [a-z_]+)*)?\))?"
)
"""Lines spaced as the printer spaces them, which need no general parser.

Every line this matches is a sentence of assembly.lark with the same words, so
reading it here or through the grammar gives the same instruction; anything
else (and any line with a mistake, to locate it) goes through the grammar.
"""


def _parse_simple(text: str, source: _Source) -> list[Instruction] | None:
    """The program, if every line is simple and correct; None to use the grammar."""
    program: list[Instruction] = []
    for raw in text.split("\n"):
        code = raw.removesuffix("\r").partition(";")[0].strip(" \t")
        if not code:
            continue
        match = _SIMPLE_LINE.fullmatch(code)
        if match is None:
            return None
        fields = match["fields"]
        pairs = [field.split("=") for field in fields.split(", ")] if fields else []
        flags = match["flags"]
        deps = None
        if code.endswith(")"):
            deps = ("deps", flags.split(", ") if flags else [])
        try:
            program.append(_build(match["mnemonic"], pairs, deps, source))  # type: ignore[arg-type]
        except MxuFormatError:
            return None
    return program


# The grammar's terminals, as a reader of the error message would name them.
_TERMINALS = {
    "EQUAL": "'='",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "DEPS": "'deps(...)'",
    "_NL": "the end of the line",
    "$END": "the end of the input",
}
_TERMINAL_ORDER = ("ATOM", "EQUAL", "COMMA", "LPAR", "RPAR", "DEPS", "_NL", "$END")


def _word_expected(before: str) -> str:
    """What a word (the ATOM terminal) would have been, from the text before the error."""
    stripped = before.rstrip()
    if not stripped:
        return "an instruction"
    if stripped.endswith("="):
        return "a value"
    if stripped.rfind("(") > stripped.rfind(")"):
        return "a dependency flag"
    return "a field (name=value)"


def _show_char(char: str) -> str:
    return f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"


def _syntax_error(error: UnexpectedInput, source: _Source) -> MxuFormatError:
    line, column = error.line, error.column
    if line < 1 or column < 1:  # at the end of the input
        line = len(source.lines)
        column = len(source.lines[-1]) + 1
    if isinstance(error, UnexpectedCharacters):
        return source.error(f"unexpected character {_show_char(error.char)}", line, column)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    if token.type == "_NL":
        found = "unexpected end of line"
    elif token.type == "$END":
        found = "unexpected end of input"
    else:
        found = f"unexpected '{token}'"
    before = source.lines[line - 1][: column - 1] if line <= len(source.lines) else ""
    names = [
        _word_expected(before) if name == "ATOM" else _TERMINALS[name]
        for name in _TERMINAL_ORDER
        if name in error.expected
    ]
    if not names:
        return source.error(found, line, column)
    return source.error(f"{found}, expected {_join(names)}", line, column)


def _decode_text(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise MxuFormatError(
            f"the text is not valid UTF-8 (byte {data[e.start]:#04x})",
            f"{filename}:{line}:{column}",
        ) from None


def parse_assembly(text: str | bytes, filename: str = "<input>") -> list[Instruction]:
    """The program an assembly text describes; MxuFormatError at the first mistake."""
    if isinstance(text, bytes):
        text = _decode_text(text, filename)
    source = _Source(text, filename)
    program = _parse_simple(text, source)
    if program is not None:
        return program
    try:
        tree = _parser().parse(text if text.endswith("\n") else text + "\n")
    except UnexpectedInput as e:
        error = _syntax_error(e, source)
        # Report mistakes in reading order: a bad field on an earlier line
        # comes before a syntax error further down.
        earlier = "\n".join(source.lines[: max(e.line, 1) - 1])
        if earlier.strip():
            parse_assembly(earlier, filename)
        raise error from None
    return [_build_tree(instruction, source) for instruction in tree.children]  # type: ignore[arg-type]


__all__ = [
    "format_assembly",
    "format_instruction",
    "parse_assembly",
]
