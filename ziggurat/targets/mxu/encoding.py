"""The mxu binary format: every instruction is one 128-bit little-endian word.

Bits 0-3 hold the opcode and bits 4-7 the dependency flags (`Deps.to_bits`);
the instruction's fields follow from bit 8, packed least significant bit first
in `FIELDS` order. Signed fields are two's complement, enums are stored by
value and booleans as 0/1. Every bit above the last field is reserved and must
be zero, so that a decoder can tell a corrupted word from an instruction (and
later revisions can add fields without changing old programs' meaning).

The layout is derived from `ziggurat.hardware.mxu.isa`, so the ISA module stays
the single description of the instruction set; docs/mxu.md tabulates it.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from ziggurat.hardware.mxu.isa import (
    BY_OPCODE,
    ENUM_FIELDS,
    INSTRUCTION_BITS,
    Deps,
    Instruction,
    Opcode,
)
from ziggurat.targets.mxu.errors import MxuFormatError

INSTRUCTION_BYTES = INSTRUCTION_BITS // 8
OPCODE_BITS = 4
DEPS_BITS = 4
FIRST_FIELD_BIT = OPCODE_BITS + DEPS_BITS


@dataclass(frozen=True)
class FieldSpec:
    """Where one field lives in the word and what kind of value it holds."""

    name: str
    low: int
    """Bit position of the field's least significant bit."""
    bits: int
    signed: bool = False
    enum: type[IntEnum] | None = None
    boolean: bool = False
    required: bool = True
    """The dataclass has no default for it, so assembly must give it."""
    default: object = None

    @property
    def high(self) -> int:
        return self.low + self.bits - 1

    @property
    def minimum(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def maximum(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


@dataclass(frozen=True)
class Layout:
    """The encoding of one instruction class."""

    cls: type[Instruction]
    fields: tuple[FieldSpec, ...]
    has_deps: bool
    used_bits: int
    """Bits 0..used_bits-1 carry information; the rest are reserved."""

    @property
    def mnemonic(self) -> str:
        return self.cls.MNEMONIC

    @functools.cached_property
    def by_name(self) -> dict[str, FieldSpec]:
        return {spec.name: spec for spec in self.fields}

    @functools.cached_property
    def required_count(self) -> int:
        return sum(spec.required for spec in self.fields)


def _build_layout(cls: type[Instruction]) -> Layout:
    hints = typing.get_type_hints(cls)
    defaults = {
        f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    specs: list[FieldSpec] = []
    low = FIRST_FIELD_BIT
    for name, bits in cls.FIELDS:
        enum = ENUM_FIELDS.get(name)
        specs.append(
            FieldSpec(
                name=name,
                low=low,
                bits=bits,
                signed=name in cls.SIGNED,
                enum=enum,
                boolean=enum is None and hints.get(name) is bool,
                required=name not in defaults,
                default=defaults.get(name),
            )
        )
        low += bits
    if low > INSTRUCTION_BITS:
        raise AssertionError(f"'{cls.MNEMONIC}' needs {low} bits, more than {INSTRUCTION_BITS}")
    has_deps = "deps" in {f.name for f in dataclasses.fields(cls)}
    return Layout(cls, tuple(specs), has_deps, low if (specs or has_deps) else OPCODE_BITS)


LAYOUTS: dict[Opcode, Layout] = {op: _build_layout(cls) for op, cls in BY_OPCODE.items()}
"""The encoding of every instruction, by opcode."""
LAYOUT_OF: dict[type[Instruction], Layout] = {lay.cls: lay for lay in LAYOUTS.values()}


def layout_of(cls: type[Instruction]) -> Layout:
    """The encoding of an instruction class."""
    return LAYOUT_OF[cls]


def _field_value(instruction: Instruction, spec: FieldSpec, where: str) -> int:
    """The integer a field encodes to, or an error if it has no encoding."""
    value = getattr(instruction, spec.name)
    if spec.enum is not None:
        try:
            value = spec.enum(value)
        except ValueError:
            raise MxuFormatError(
                f"field '{spec.name}' = {value!r} is not a valid {spec.name}", where
            ) from None
    if not isinstance(value, int):
        raise MxuFormatError(
            f"field '{spec.name}' must be an integer, not {type(value).__name__}", where
        )
    value = int(value)
    if not spec.minimum <= value <= spec.maximum:
        raise MxuFormatError(
            f"field '{spec.name}' = {value} does not fit in {spec.bits} bits "
            f"({spec.minimum}..{spec.maximum})",
            where,
        )
    return value & ((1 << spec.bits) - 1)


def encode_instruction(instruction: Instruction, index: int = 0) -> int:
    """The 128-bit word of one instruction; `index` only names it in errors."""
    layout = LAYOUT_OF.get(type(instruction))
    where = f"instruction {index}"
    if layout is None:
        raise MxuFormatError(f"{type(instruction).__name__} is not an mxu instruction", where)
    where = f"instruction {index} ({layout.mnemonic})"
    word = int(layout.cls.OPCODE)
    if layout.has_deps:
        deps = instruction.deps  # type: ignore[attr-defined]
        if not isinstance(deps, Deps):
            raise MxuFormatError(f"'deps' must be a Deps, not {type(deps).__name__}", where)
        word |= deps.to_bits() << OPCODE_BITS
    for spec in layout.fields:
        word |= _field_value(instruction, spec, where) << spec.low
    return word


def encode(program: Sequence[Instruction]) -> bytes:
    """The binary of a program: 16 bytes per instruction, in program order."""
    return b"".join(
        encode_instruction(instruction, index).to_bytes(INSTRUCTION_BYTES, "little")
        for index, instruction in enumerate(program)
    )


def _choices(enum: type[IntEnum]) -> str:
    return ", ".join(member.name.lower() for member in enum)


def decode_instruction(word: int, index: int = 0, name: str = "<binary>") -> Instruction:
    """The instruction a 128-bit word encodes; MxuFormatError if it encodes none."""
    where = f"{name}: instruction {index} (byte {index * INSTRUCTION_BYTES:#x})"
    if not 0 <= word < 1 << INSTRUCTION_BITS:
        raise MxuFormatError(f"{word:#x} is not a {INSTRUCTION_BITS}-bit word", where)
    opcode = word & ((1 << OPCODE_BITS) - 1)
    layout = LAYOUTS.get(opcode)  # type: ignore[call-overload]
    if layout is None:
        low, high = min(LAYOUTS), max(LAYOUTS)
        hint = " (a zeroed word is not an instruction)" if opcode == 0 else ""
        raise MxuFormatError(
            f"unknown opcode {opcode}{hint}; opcodes are {int(low)}..{int(high)}", where
        )
    reserved = word >> layout.used_bits
    if reserved:
        bit = layout.used_bits + ((reserved & -reserved).bit_length() - 1)
        raise MxuFormatError(
            f"reserved bit {bit} is set in a '{layout.mnemonic}' instruction "
            f"(it uses bits 0..{layout.used_bits - 1}; the rest must be zero)",
            where,
        )
    values: dict[str, object] = {}
    for spec in layout.fields:
        raw = (word >> spec.low) & ((1 << spec.bits) - 1)
        if spec.signed and raw >> (spec.bits - 1):
            raw -= 1 << spec.bits
        if spec.enum is not None:
            try:
                values[spec.name] = spec.enum(raw)
            except ValueError:
                raise MxuFormatError(
                    f"field '{spec.name}' = {raw} is not a valid {spec.name} "
                    f"(expected {_choices(spec.enum)})",
                    where,
                ) from None
        elif spec.boolean:
            values[spec.name] = bool(raw)
        else:
            values[spec.name] = raw
    if layout.has_deps:
        values["deps"] = Deps.from_bits((word >> OPCODE_BITS) & ((1 << DEPS_BITS) - 1))
    return layout.cls(**values)


def decode(data: bytes, name: str = "<binary>") -> list[Instruction]:
    """The program a binary holds; `name` (its file name) locates errors."""
    if len(data) % INSTRUCTION_BYTES:
        raise MxuFormatError(
            f"the binary is {len(data)} bytes long, not a multiple of {INSTRUCTION_BYTES} "
            f"(every instruction is {INSTRUCTION_BITS} bits)",
            name,
        )
    return [
        decode_instruction(int.from_bytes(data[at : at + INSTRUCTION_BYTES], "little"), index, name)
        for index, at in enumerate(range(0, len(data), INSTRUCTION_BYTES))
    ]


__all__ = [
    "INSTRUCTION_BYTES",
    "LAYOUTS",
    "FieldSpec",
    "Layout",
    "decode",
    "decode_instruction",
    "encode",
    "encode_instruction",
    "layout_of",
]
