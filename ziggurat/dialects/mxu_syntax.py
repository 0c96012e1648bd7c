"""The `<key = value, ...>` field syntax of mxu ops, and ISA values as attributes.

An mxu op's fields read like the assembly it becomes (`<memory = spad, rows = 4,
deps = [push_next]>`) rather than MLIR's generic `<{...}>` property dictionary,
which the generic form still uses. Values are integers, keywords (enum
mnemonics, `true`/`false`) and keyword lists (dependency flags); each field's
type comes from the ISA dataclass it belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from xdsl.dialects.builtin import IntegerAttr, UnitAttr
from xdsl.ir import Attribute
from xdsl.irdl import opt_prop_def, prop_def
from xdsl.parser import Parser
from xdsl.printer import Printer

from ziggurat.dialects.mxu_attrs import (
    DataflowAttr,
    DepsAttr,
    DTypeAttr,
    FuncAttr,
    IsaEnumAttr,
    MemoryAttr,
    enum_by_mnemonic,
    format_deps,
    mnemonic,
    mnemonics,
)
from ziggurat.hardware.mxu import isa

FieldValue = int | str | list[str]
ParsedField = tuple[FieldValue, int, int]
"""A field's value as written, with its start and end position for errors about it."""

ENUM_ATTRS: dict[type[Enum], type[IsaEnumAttr[Any]]] = {
    isa.DType: DTypeAttr,
    isa.Memory: MemoryAttr,
    isa.Func: FuncAttr,
    isa.Dataflow: DataflowAttr,
}


def parse_fields(parser: Parser) -> dict[str, ParsedField]:
    """`<key = 12, key = name, key = [a, b]>`, or nothing."""
    values: dict[str, ParsedField] = {}
    if parser.parse_optional_punctuation("<") is None:
        return values

    def one() -> None:
        pos = parser.pos
        key = parser.parse_identifier()
        if key in values:
            parser.raise_error(f"field '{key}' is given twice", pos, parser.pos)
        parser.parse_punctuation("=")
        start = parser.pos
        if parser.parse_optional_punctuation("[") is not None:
            items: list[str] = []
            if parser.parse_optional_punctuation("]") is None:
                items.append(parser.parse_identifier())
                while parser.parse_optional_punctuation(",") is not None:
                    items.append(parser.parse_identifier())
                parser.parse_punctuation("]")
            values[key] = (items, start, parser.pos)
            return
        number = parser.parse_optional_integer(allow_boolean=False, allow_negative=True)
        value = number if number is not None else parser.parse_identifier()
        values[key] = (value, start, parser.pos)

    one()
    while parser.parse_optional_punctuation(",") is not None:
        one()
    parser.parse_punctuation(">")
    return values


def print_fields(printer: Printer, items: Sequence[tuple[str, str]]) -> None:
    if items:
        printer.print_string(" <" + ", ".join(f"{k} = {v}" for k, v in items) + ">")


def field_value(name: str, kind: type, parsed: ParsedField, parser: Parser) -> object:
    """A parsed field as a value of `kind` (int, bool, an ISA enum or `isa.Deps`)."""
    raw, start, end = parsed
    if issubclass(kind, Enum):
        value = enum_by_mnemonic(kind, raw) if isinstance(raw, str) else None
        if value is None:
            parser.raise_error(f"field '{name}' must be one of: {mnemonics(kind)}", start, end)
        return value
    if kind is isa.Deps:
        if not isinstance(raw, list) or any(flag not in isa.Deps.FLAGS for flag in raw):
            message = f"'{name}' must be a list of: " + ", ".join(isa.Deps.FLAGS)
            parser.raise_error(message, start, end)
        return isa.Deps(**dict.fromkeys(raw, True))
    if kind is bool:
        if raw not in ("true", "false"):
            parser.raise_error(f"field '{name}' must be true or false", start, end)
        return raw == "true"
    if not isinstance(raw, int):
        parser.raise_error(f"field '{name}' must be an integer", start, end)
    return raw


def format_value(value: object) -> str:
    """A field's value as the field syntax writes it."""
    if isinstance(value, isa.Deps):
        return format_deps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return mnemonic(value)
    return str(value)


# --- ISA values as properties ---------------------------------------------------------


def to_attr(value: object) -> Attribute | None:
    """The property holding an ISA value; None for `false` (an absent unit attribute)."""
    if isinstance(value, bool):
        return UnitAttr() if value else None
    if isinstance(value, Enum):
        return ENUM_ATTRS[type(value)](value)
    if isinstance(value, isa.Deps):
        return DepsAttr(value)
    if isinstance(value, int):
        return IntegerAttr(value, 64)
    raise TypeError(f"no mxu property holds {value!r}")


def from_attr(kind: type, attr: Attribute | None) -> object:
    """The ISA value of kind `kind` a property holds (the inverse of `to_attr`)."""
    if kind is bool:
        return attr is not None
    if isinstance(attr, IntegerAttr):
        return attr.value.data
    if isinstance(attr, IsaEnumAttr | DepsAttr):
        return attr.data
    raise TypeError(f"a property of kind {kind.__name__} cannot hold {attr}")


def property_def(kind: type, default: object) -> Any:
    """The IRDL property definition of an ISA field of `kind` (`default`: none if MISSING)."""
    if kind is bool:
        return opt_prop_def(UnitAttr)
    constraint: type[Attribute] = (
        ENUM_ATTRS[kind]
        if issubclass(kind, Enum)
        else DepsAttr
        if kind is isa.Deps
        else IntegerAttr
    )
    attr = to_attr(default) if isinstance(default, int | Enum | isa.Deps) else None
    return prop_def(constraint, default_value=attr)
