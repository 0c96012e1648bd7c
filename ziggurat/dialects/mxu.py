"""The `mxu` dialect: the systolic matrix unit's instructions, and the GEMM they implement.

Two levels, both inside a `device.launch target(#device.target<mxu, {...}>)`,
whose options are the machine's config (docs/mxu.md, "Configuration"):

- `mxu.gemm`: D = epilogue(A x B (+ C)) on DRAM buffers (memrefs), the unit's
  whole job for one matmul; `mxu-schedule` tiles it into instructions.
- one op per instruction (`mxu.load`, `mxu.loadw`, `mxu.matmul`, `mxu.activate`,
  `mxu.store`, `mxu.config`, `mxu.fence`, `mxu.halt`), whose fields are those of
  `ziggurat.hardware.mxu.isa`. `load` and `store` name the DRAM buffer as an
  operand; their `dram_addr` is a byte offset into it.

Every op checks itself against the launch's config, so a tile that does not fit
the scratchpad is reported on the op that asks for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from typing import ClassVar

from xdsl.dialects.builtin import (
    BFloat16Type,
    DictionaryAttr,
    Float32Type,
    IntegerAttr,
    IntegerType,
    MemRefType,
)
from xdsl.ir import Attribute, Dialect, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    var_operand_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.device import LaunchOp, enclosing_launch
from ziggurat.dialects.device_attrs import TargetAttr, memory_space_of
from ziggurat.hardware.mxu import isa
from ziggurat.hardware.mxu.config import ConfigError, MxuConfig

# --- Config -------------------------------------------------------------------------


def config_of(target: TargetAttr) -> MxuConfig:
    """The machine an `#device.target<mxu, {...}>` describes (defaults: the edge preset)."""
    options: dict[str, int | bool] = {}
    for name, value in target.options.data.items():
        if isinstance(value, IntegerAttr):
            options[name] = value.value.data
    if "double_buffer_weights" in options:
        options["double_buffer_weights"] = bool(options["double_buffer_weights"])
    return MxuConfig().with_options(**options)


def target_of(config: MxuConfig) -> TargetAttr:
    """`#device.target<mxu, {...}>` holding the fields of `config` that differ from the default."""
    default = MxuConfig()
    options = {
        name: int(value)
        for name, value in config.to_dict().items()
        if value != getattr(default, name)
    }
    return TargetAttr("mxu", options)


def _launch_config(op: IRDLOperation) -> MxuConfig:
    launch = enclosing_launch(op)
    if launch is None or launch.target.kind.data != "mxu":
        raise VerifyException("expects to be inside a 'device.launch' on target 'mxu'")
    try:
        return config_of(launch.target)
    except ConfigError as error:
        raise VerifyException(f"the launch's target is not a valid mxu config: {error}") from None


def dtype_of(element: Attribute) -> isa.DType | None:
    """The mxu data type of a memref element type, if the unit has one."""
    if isinstance(element, IntegerType) and element.width.data in (8, 32):
        return isa.DType.I8 if element.width.data == 8 else isa.DType.I32
    if isinstance(element, BFloat16Type):
        return isa.DType.BF16
    if isinstance(element, Float32Type):
        return isa.DType.F32
    return None


def memref_bytes(memref: MemRefType) -> int:
    """Bytes of a memref laid out densely (how the runtime places it in DRAM)."""
    dtype = dtype_of(memref.element_type)
    return math.prod(memref.get_shape()) * (dtype.bytes if dtype is not None else 0)


def _check_dram_operand(value: SSAValue, what: str) -> MemRefType:
    memref = value.type
    if not isinstance(memref, MemRefType):
        raise VerifyException(f"{what} must be a memref, not {memref}")
    if any(d < 0 for d in memref.get_shape()):
        raise VerifyException(f"{what} must have a static shape, not {memref}")
    space = memory_space_of(memref)
    if space not in (None, "host", "global"):
        raise VerifyException(f"{what} must be in DRAM (host or global memory), not in '{space}'")
    if dtype_of(memref.element_type) is None:
        raise VerifyException(
            f"{what} has element type {memref.element_type}; the mxu moves i8, i32, bf16 and f32"
        )
    return memref


# --- The `<key = value, ...>` field syntax ----------------------------------------------


FieldValue = int | str | list[str]


def _parse_fields(parser: Parser) -> dict[str, tuple[FieldValue, int, int]]:
    """`<key = 12, key = name, key = [a, b]>`: integers, keywords and keyword lists.

    Each value comes with its start and end position, for errors about it.
    """
    values: dict[str, tuple[FieldValue, int, int]] = {}
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


def _print_fields(printer: Printer, items: Sequence[tuple[str, str]]) -> None:
    if items:
        printer.print_string(" <" + ", ".join(f"{k} = {v}" for k, v in items) + ">")


_ENUMS = {**isa.ENUM_FIELDS, "func": isa.Func}
_BOOLS = ("accumulate", "has_bias", "transpose")


def _field_value(name: str, parsed: tuple[FieldValue, int, int], parser: Parser) -> object:
    """A parsed field as the ISA dataclass wants it."""
    raw, start, end = parsed
    enum = _ENUMS.get(name)
    if enum is not None:
        if not isinstance(raw, str) or raw.upper() not in enum.__members__:
            names = ", ".join(m.lower() for m in enum.__members__)
            parser.raise_error(f"field '{name}' must be one of: {names}", start, end)
        return enum[raw.upper()]
    if name == "deps":
        if not isinstance(raw, list) or any(flag not in isa.Deps.FLAGS for flag in raw):
            message = "'deps' must be a list of: " + ", ".join(isa.Deps.FLAGS)
            parser.raise_error(message, start, end)
        return isa.Deps(**dict.fromkeys(raw, True))
    if name in _BOOLS:
        if raw not in ("true", "false"):
            parser.raise_error(f"field '{name}' must be true or false", start, end)
        return raw == "true"
    if not isinstance(raw, int):
        parser.raise_error(f"field '{name}' must be an integer", start, end)
    return raw


def _format_value(value: object) -> str:
    if isinstance(value, isa.Deps):
        return "[" + ", ".join(f for f in isa.Deps.FLAGS if getattr(value, f)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, isa.DType | isa.Memory | isa.Func):
        return value.mnemonic
    return str(value)


# --- Instruction ops ------------------------------------------------------------------


class InstructionOp(IRDLOperation):
    """An op that is one mxu instruction; `fields` holds its ISA fields by name."""

    ISA: ClassVar[type[isa.Instruction]]

    dram = var_operand_def(MemRefType)
    fields = prop_def(DictionaryAttr)

    def __init__(self, instruction: isa.Instruction, dram: SSAValue | None = None):
        values: dict[str, Attribute] = {}
        for f in dataclass_fields(instruction):
            value = getattr(instruction, f.name)
            if isinstance(value, isa.Deps):
                value = value.to_bits()
            values[f.name] = IntegerAttr(int(value), 64)
        super().__init__(
            operands=[[dram] if dram is not None else []],
            properties={"fields": DictionaryAttr(values)},
        )

    @property
    def takes_dram(self) -> bool:
        return "dram_addr" in {name for name, _ in self.ISA.FIELDS}

    def instruction(self, dram_base: int = 0) -> isa.Instruction:
        """The ISA instruction, its DRAM offset moved by `dram_base` (the buffer's address)."""
        kwargs: dict[str, object] = {}
        for f in dataclass_fields(self.ISA):
            attr = self.fields.data.get(f.name)
            if attr is None:
                continue
            if not isinstance(attr, IntegerAttr):
                raise VerifyException(f"field '{f.name}' must be an integer")
            value = attr.value.data
            if f.name == "deps":
                kwargs[f.name] = isa.Deps.from_bits(value)
            elif f.name in _ENUMS:
                kwargs[f.name] = _ENUMS[f.name](value)
            elif f.name in _BOOLS:
                kwargs[f.name] = bool(value)
            elif f.name == "dram_addr":
                kwargs[f.name] = value + dram_base
            else:
                kwargs[f.name] = value
        try:
            return self.ISA(**kwargs)  # pyright: ignore[reportCallIssue]
        except (TypeError, ValueError) as error:
            raise VerifyException(f"malformed instruction fields: {error}") from None

    @classmethod
    def parse(cls, parser: Parser) -> InstructionOp:
        operand: UnresolvedOperand | None = None
        if any(name == "dram_addr" for name, _ in cls.ISA.FIELDS):
            operand = parser.parse_unresolved_operand()
        pos = parser.pos
        raw = _parse_fields(parser)
        known = {f.name for f in dataclass_fields(cls.ISA)}
        kwargs: dict[str, object] = {}
        for name, value in raw.items():
            if name not in known:
                parser.raise_error(
                    f"'{cls.name}' has no field '{name}' (fields: {', '.join(sorted(known))})",
                    pos,
                    parser.pos,
                )
            kwargs[name] = _field_value(name, value, parser)
        try:
            instruction = cls.ISA(**kwargs)  # pyright: ignore[reportCallIssue]
        except TypeError as error:
            missing = str(error).split("argument")[-1].strip(": ")
            parser.raise_error(f"'{cls.name}' is missing field(s) {missing}", pos, parser.pos)
        dram: SSAValue | None = None
        if operand is not None:
            parser.parse_punctuation(":")
            dram = parser.resolve_operand(operand, parser.parse_type())
        op = cls(instruction, dram)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        instruction = self.instruction()
        if self.dram:
            printer.print_string(" ")
            printer.print_operand(self.dram[0])
        items = []
        for f in dataclass_fields(instruction):
            value = getattr(instruction, f.name)
            if f.default is MISSING or value != f.default:
                items.append((f.name, _format_value(value)))
        _print_fields(printer, items)
        if self.dram:
            printer.print_string(" : ")
            printer.print_attribute(self.dram[0].type)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        if len(self.dram) != (1 if self.takes_dram else 0):
            raise VerifyException(
                "expects a DRAM buffer operand" if self.takes_dram else "takes no operands"
            )
        config = _launch_config(self)
        instruction = self.instruction()
        try:
            instruction.check(config)
        except isa.IsaError as error:
            raise VerifyException(str(error)) from None
        if self.takes_dram:
            memref = _check_dram_operand(self.dram[0], "the DRAM buffer")
            size = memref_bytes(memref)
            rows, stride = instruction.rows, instruction.stride  # pyright: ignore
            dtype: isa.DType = instruction.dtype  # pyright: ignore
            end = instruction.dram_addr + (rows - 1) * stride + instruction.cols * dtype.bytes  # pyright: ignore
            if end > size:
                raise VerifyException(
                    f"reads or writes bytes up to {end} of a {size}-byte buffer ({memref})"
                )


@irdl_op_definition
class LoadOp(InstructionOp):
    """`mxu.load %buf <...> : memref<...>`: DMA from DRAM into the scratchpad or accumulator."""

    name = "mxu.load"
    ISA: ClassVar[type[isa.Instruction]] = isa.Load


@irdl_op_definition
class LoadWeightsOp(InstructionOp):
    """`mxu.loadw <...>`: a weight tile from the scratchpad into the idle weight buffer."""

    name = "mxu.loadw"
    ISA: ClassVar[type[isa.Instruction]] = isa.LoadWeights


@irdl_op_definition
class MatmulOp(InstructionOp):
    """`mxu.matmul <...>`: stream scratchpad rows through the array into the accumulator."""

    name = "mxu.matmul"
    ISA: ClassVar[type[isa.Instruction]] = isa.Matmul


@irdl_op_definition
class MatmulOsOp(InstructionOp):
    """`mxu.matmul_os <...>`: an output-stationary product of scratchpad tiles."""

    name = "mxu.matmul_os"
    ISA: ClassVar[type[isa.Instruction]] = isa.MatmulOS


@irdl_op_definition
class ActivateOp(InstructionOp):
    """`mxu.activate <...>`: accumulator rows through the activation unit into the scratchpad."""

    name = "mxu.activate"
    ISA: ClassVar[type[isa.Instruction]] = isa.Activate


@irdl_op_definition
class StoreOp(InstructionOp):
    """`mxu.store %buf <...> : memref<...>`: DMA from the scratchpad or accumulator to DRAM."""

    name = "mxu.store"
    ISA: ClassVar[type[isa.Instruction]] = isa.Store


@irdl_op_definition
class ConfigOp(InstructionOp):
    """`mxu.config <scale = s, shift = n>`: set the requantisation registers."""

    name = "mxu.config"
    ISA: ClassVar[type[isa.Instruction]] = isa.Config


@irdl_op_definition
class FenceOp(InstructionOp):
    """`mxu.fence`: wait for every earlier instruction to complete."""

    name = "mxu.fence"
    ISA: ClassVar[type[isa.Instruction]] = isa.Fence


@irdl_op_definition
class HaltOp(InstructionOp):
    """`mxu.halt`: the end of the instruction stream."""

    name = "mxu.halt"
    ISA: ClassVar[type[isa.Instruction]] = isa.Halt


INSTRUCTION_OPS: dict[type[isa.Instruction], type[InstructionOp]] = {
    op.ISA: op
    for op in (
        LoadOp,
        LoadWeightsOp,
        MatmulOp,
        MatmulOsOp,
        ActivateOp,
        StoreOp,
        ConfigOp,
        FenceOp,
        HaltOp,
    )
}

DATAFLOWS = ("ws", "os")
"""The array's dataflows: weight-stationary (`loadw` + `matmul`), output-stationary."""


def instruction_op(instruction: isa.Instruction, dram: SSAValue | None = None) -> InstructionOp:
    """The op for one ISA instruction."""
    return INSTRUCTION_OPS[type(instruction)](instruction, dram)


# --- mxu.gemm -------------------------------------------------------------------------


@irdl_op_definition
class GemmOp(IRDLOperation):
    """`mxu.gemm %a, %b -> %d [bias %bias] <epilogue> : types`: D = epilogue(A x B).

    A is [batch x] M x K, B [batch x] K x N, D [batch x] M x N, all dense DRAM
    buffers. The epilogue, in order: `accumulate` (add D's old value, for an i32
    or f32 D), `+ bias` (a length-N vector of the accumulator type), `func = relu`,
    and for an i8 D the requantisation by `scale` and `shift` (docs/mxu.md,
    `activate`). bf16 D rounds the f32 sums to nearest even. `dataflow = os`
    asks for the output-stationary array (`matmul_os`) instead of the
    weight-stationary default.
    """

    name = "mxu.gemm"

    a = operand_def(MemRefType)
    b = operand_def(MemRefType)
    d = operand_def(MemRefType)
    bias = opt_operand_def(MemRefType)
    epilogue = prop_def(DictionaryAttr)
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    EPILOGUE_DEFAULTS: ClassVar[dict[str, int]] = {
        "accumulate": 0,
        "func": 0,
        "scale": 1,
        "shift": 0,
        "dataflow": 0,
    }

    def __init__(
        self,
        a: SSAValue,
        b: SSAValue,
        d: SSAValue,
        bias: SSAValue | None = None,
        *,
        accumulate: bool = False,
        func: isa.Func = isa.Func.NONE,
        scale: int = 1,
        shift: int = 0,
        dataflow: str = "ws",
    ):
        epilogue = {
            "accumulate": int(accumulate),
            "func": int(func),
            "scale": scale,
            "shift": shift,
            "dataflow": DATAFLOWS.index(dataflow),
        }
        super().__init__(
            operands=[a, b, d, [bias] if bias is not None else []],
            properties={
                "epilogue": DictionaryAttr({k: IntegerAttr(v, 64) for k, v in epilogue.items()})
            },
        )

    def _value(self, key: str) -> int:
        attr = self.epilogue.data.get(key)
        return attr.value.data if isinstance(attr, IntegerAttr) else self.EPILOGUE_DEFAULTS[key]

    @property
    def accumulate(self) -> bool:
        return bool(self._value("accumulate"))

    @property
    def func(self) -> isa.Func:
        return isa.Func(self._value("func"))

    @property
    def scale(self) -> int:
        return self._value("scale")

    @property
    def shift(self) -> int:
        return self._value("shift")

    @property
    def dataflow(self) -> str:
        value = self._value("dataflow")
        return DATAFLOWS[value] if 0 <= value < len(DATAFLOWS) else f"<{value}>"

    @classmethod
    def parse(cls, parser: Parser) -> GemmOp:
        a = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        b = parser.parse_unresolved_operand()
        parser.parse_punctuation("->")
        d = parser.parse_unresolved_operand()
        bias = None
        if parser.parse_optional_keyword("bias") is not None:
            bias = parser.parse_unresolved_operand()
        pos = parser.pos
        raw = _parse_fields(parser)
        kwargs: dict[str, object] = {}
        for key, value in raw.items():
            if key in ("func", "accumulate", "scale", "shift"):
                kwargs[key] = _field_value(key, value, parser)
            elif key == "dataflow" and value[0] in DATAFLOWS:
                kwargs[key] = value[0]
            else:
                parser.raise_error(
                    f"unknown or malformed field '{key}' (fields: accumulate, func, scale, "
                    "shift, dataflow = ws | os)",
                    pos,
                    parser.pos,
                )
        parser.parse_punctuation(":")
        types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
        names = [a, b, d] + ([bias] if bias is not None else [])
        if len(types) != len(names):
            parser.raise_error(f"expected {len(names)} types, got {len(types)}")
        values = [parser.resolve_operand(n, t) for n, t in zip(names, types, strict=True)]
        op = cls(*values[:3], values[3] if bias is not None else None, **kwargs)  # pyright: ignore
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.a)
        printer.print_string(", ")
        printer.print_operand(self.b)
        printer.print_string(" -> ")
        printer.print_operand(self.d)
        if self.bias is not None:
            printer.print_string(" bias ")
            printer.print_operand(self.bias)
        items: list[tuple[str, str]] = []
        if self.accumulate:
            items.append(("accumulate", "true"))
        if self.func is not isa.Func.NONE:
            items.append(("func", self.func.mnemonic))
        if self.scale != 1:
            items.append(("scale", str(self.scale)))
        if self.shift:
            items.append(("shift", str(self.shift)))
        if self.dataflow != "ws":
            items.append(("dataflow", self.dataflow))
        _print_fields(printer, items)
        printer.print_string(" : ")
        operands = [self.a, self.b, self.d] + ([self.bias] if self.bias is not None else [])
        printer.print_list(operands, lambda v: printer.print_attribute(v.type))
        printer.print_op_attributes(self.attributes)

    def shapes(self) -> tuple[int, int, int, int]:
        """(batch, M, K, N)."""
        a, d = self.a.type, self.d.type
        assert isinstance(a, MemRefType) and isinstance(d, MemRefType)
        *batch, m, k = a.get_shape()
        n = d.get_shape()[-1]
        return (batch[0] if batch else 1, m, k, n)

    def dtypes(self) -> tuple[isa.DType, isa.DType]:
        """(input type, result type)."""
        a, d = self.a.type, self.d.type
        assert isinstance(a, MemRefType) and isinstance(d, MemRefType)
        ins, out = dtype_of(a.element_type), dtype_of(d.element_type)
        assert ins is not None and out is not None
        return ins, out

    def verify_(self) -> None:
        config = _launch_config(self)
        if self.dataflow not in DATAFLOWS:
            raise VerifyException(f"unknown dataflow {self.dataflow}; expected ws or os")
        a = _check_dram_operand(self.a, "A")
        b = _check_dram_operand(self.b, "B")
        d = _check_dram_operand(self.d, "D")
        rank = a.get_num_dims()
        if rank not in (2, 3) or b.get_num_dims() != rank or d.get_num_dims() != rank:
            raise VerifyException("A, B and D must all be 2-D, or all 3-D (batched)")
        *ba, m, k = a.get_shape()
        *bb, k2, n = b.get_shape()
        *bd, m2, n2 = d.get_shape()
        if ba != bb or ba != bd or k != k2 or m != m2 or n != n2:
            raise VerifyException(
                f"shapes do not compose: A {list(a.get_shape())}, B {list(b.get_shape())}, "
                f"D {list(d.get_shape())}"
            )
        ins, out = self.dtypes()
        b_type = dtype_of(b.element_type)
        if b_type is not ins or ins is isa.DType.I32:
            raise VerifyException("A and B must have the same element type, one of i8, bf16, f32")
        allowed = (
            (isa.DType.I8, isa.DType.I32)
            if ins is isa.DType.I8
            else (isa.DType.BF16, isa.DType.F32)
        )
        if out not in allowed:
            raise VerifyException(
                f"{ins.mnemonic} inputs give {' or '.join(t.mnemonic for t in allowed)} results, "
                f"not {out.mnemonic}"
            )
        acc = isa.DType.F32 if ins.is_float else isa.DType.I32
        if self.accumulate and (
            out is not acc or self.bias is not None or self.func is not isa.Func.NONE
        ):
            raise VerifyException(
                f"'accumulate' needs a {acc.mnemonic} result and no bias or activation"
            )
        if (self.scale != 1 or self.shift) and out is not isa.DType.I8:
            raise VerifyException("'scale' and 'shift' requantise to i8; the result is not i8")
        if not -(1 << 31) <= self.scale < 1 << 31 or not 0 <= self.shift < 64:
            raise VerifyException("'scale' must be a signed 32-bit integer and 'shift' in 0..63")
        if self.bias is not None:
            bias = _check_dram_operand(self.bias, "the bias")
            if bias.get_shape() != (n,) or dtype_of(bias.element_type) is not acc:
                raise VerifyException(f"the bias must be memref<{n}x{acc.mnemonic}>")
        for what, memref, row in (("A", a, k), ("B", b, n), ("D", d, n)):
            element = dtype_of(memref.element_type)
            assert element is not None
            if row * element.bytes >= 1 << 24:
                raise VerifyException(f"rows of {what} are longer than a DMA stride can step")
        total = sum(memref_bytes(t) for t in (a, b, d))
        if total > config.dram_bytes:
            raise VerifyException(
                f"the operands take {total} bytes; the mxu's DRAM has {config.dram_bytes}"
            )


Mxu = Dialect(
    "mxu",
    [GemmOp, *INSTRUCTION_OPS.values()],
    [],
)

__all__ = [
    "DATAFLOWS",
    "INSTRUCTION_OPS",
    "GemmOp",
    "InstructionOp",
    "LaunchOp",
    "Mxu",
    "config_of",
    "dtype_of",
    "instruction_op",
    "memref_bytes",
    "target_of",
]
