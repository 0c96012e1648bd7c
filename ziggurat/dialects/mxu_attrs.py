"""Attributes of the `mxu` dialect: the ISA's enums, dependency flags and GEMM plans.

The enums are those of `ziggurat.hardware.mxu.isa` (one home for what a dtype
or a memory is), wrapped so that ops can hold them as typed properties. Each
prints as MLIR prints a dialect enum, `#mxu<dtype i8>`, and in the ops'
`<key = value>` field syntax by its bare name.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import ClassVar, Generic, TypeVar

from xdsl.ir import Data, SpacedOpaqueSyntaxAttribute
from xdsl.irdl import irdl_attr_definition
from xdsl.parser import AttrParser
from xdsl.printer import Printer

from ziggurat.hardware.mxu import isa

E = TypeVar("E", isa.DType, isa.Memory, isa.Func, isa.Dataflow)


def mnemonic(value: Enum) -> str:
    """How an ISA enum value is written in IR and assembly."""
    return value.value if isinstance(value, str) else value.name.lower()


def enum_by_mnemonic(enum: type[Enum], name: str) -> Enum | None:
    return next((member for member in enum if mnemonic(member) == name), None)


def mnemonics(enum: type[Enum]) -> str:
    return ", ".join(mnemonic(member) for member in enum)


class IsaEnumAttr(SpacedOpaqueSyntaxAttribute, Data[E], Generic[E]):
    """An ISA enum value as an attribute, written by its mnemonic."""

    enum_type: ClassVar[type[Enum]]

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> E:
        start = parser.pos
        name = parser.parse_identifier()
        value = enum_by_mnemonic(cls.enum_type, name)
        if value is None:
            parser.raise_error(
                f"'{name}' is not a {cls.name}; expected one of: {mnemonics(cls.enum_type)}",
                start,
                parser.pos,
            )
        return value  # pyright: ignore[reportReturnType]

    def print_parameter(self, printer: Printer) -> None:
        printer.print_string(mnemonic(self.data))


@irdl_attr_definition
class DTypeAttr(IsaEnumAttr[isa.DType]):
    """`#mxu<dtype i8>`: the element type an instruction moves or computes on."""

    name = "mxu.dtype"
    enum_type = isa.DType


@irdl_attr_definition
class MemoryAttr(IsaEnumAttr[isa.Memory]):
    """`#mxu<memory spad>`: the on-chip memory an instruction addresses."""

    name = "mxu.memory"
    enum_type = isa.Memory


@irdl_attr_definition
class FuncAttr(IsaEnumAttr[isa.Func]):
    """`#mxu<func relu>`: the activation unit's function."""

    name = "mxu.func"
    enum_type = isa.Func


@irdl_attr_definition
class DataflowAttr(IsaEnumAttr[isa.Dataflow]):
    """`#mxu<dataflow os>`: the array's dataflow."""

    name = "mxu.dataflow"
    enum_type = isa.Dataflow


@irdl_attr_definition
class DepsAttr(SpacedOpaqueSyntaxAttribute, Data[isa.Deps]):
    """`#mxu<deps [pop_prev, push_next]>`: an instruction's dependency tokens."""

    name = "mxu.deps"

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> isa.Deps:
        start = parser.pos
        flags = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_identifier)
        unknown = [flag for flag in flags if flag not in isa.Deps.FLAGS]
        if unknown:
            parser.raise_error(
                f"unknown dependency flag '{unknown[0]}'; expected: {', '.join(isa.Deps.FLAGS)}",
                start,
                parser.pos,
            )
        return isa.Deps(**dict.fromkeys(flags, True))

    def print_parameter(self, printer: Printer) -> None:
        printer.print_string(format_deps(self.data))


def format_deps(deps: isa.Deps) -> str:
    return "[" + ", ".join(flag for flag in isa.Deps.FLAGS if getattr(deps, flag)) + "]"


PlanValue = int | bool | str


@irdl_attr_definition
class PlanAttr(Data[tuple[tuple[str, PlanValue], ...]]):
    """`#mxu.plan<m_tile = 20, loop_order = "m, n, k", double_buffered = true, ...>`.

    What `mxu-schedule` decided for one gemm (the fields of its plan, in order),
    kept in the IR so that a reader and the assembly listing can see the tiling.
    """

    name = "mxu.plan"

    @classmethod
    def of(cls, items: Sequence[tuple[str, object]]) -> PlanAttr:
        return cls(tuple((key, _plain(value)) for key, value in items))

    def __getitem__(self, key: str) -> PlanValue:
        for name, value in self.data:
            if name == key:
                return value
        raise KeyError(key)

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> tuple[tuple[str, PlanValue], ...]:
        def entry() -> tuple[str, PlanValue]:
            key = parser.parse_identifier()
            parser.parse_punctuation("=")
            text = parser.parse_optional_str_literal()
            if text is not None:
                return key, text
            flag = parser.parse_optional_boolean()
            if flag is not None:
                return key, flag
            return key, parser.parse_integer(allow_boolean=False)

        return tuple(parser.parse_comma_separated_list(parser.Delimiter.ANGLE, entry))

    def print_parameter(self, printer: Printer) -> None:
        printer.print_string(f"<{self.describe()}>")

    def describe(self) -> str:
        """`key = value, ...`: the plan as one line (the assembly listing's header)."""
        return ", ".join(f"{k} = {_format(v)}" for k, v in self.data)


def _plain(value: object) -> PlanValue:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool | int | str):
        return value
    raise TypeError(f"a plan field must be an integer, a boolean or a string, not {value!r}")


def _format(value: PlanValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value)


__all__ = [
    "DTypeAttr",
    "DataflowAttr",
    "DepsAttr",
    "FuncAttr",
    "IsaEnumAttr",
    "MemoryAttr",
    "PlanAttr",
    "enum_by_mnemonic",
    "format_deps",
    "mnemonic",
    "mnemonics",
]
