"""The `mxu` dialect: the systolic matrix unit's instructions, and the GEMM they implement.

Two levels, both inside a `device.launch target(#device.target<mxu, {...}>)`,
whose options are the machine's config (docs/mxu.md, "Configuration"):

- `mxu.gemm`: D = epilogue(A x B (+ C)) on DRAM buffers (memrefs), the unit's
  whole job for one matmul; `mxu-schedule` tiles it into instructions.
- one op per instruction (`mxu.load`, `mxu.loadw`, `mxu.matmul`, `mxu.activate`,
  `mxu.store`, `mxu.config`, `mxu.fence`, `mxu.halt`), whose fields are those of
  `ziggurat.hardware.mxu.isa`, held as typed properties (`mxu_attrs`). `load`
  and `store` name the DRAM buffer as an operand; their `dram_addr` is a byte
  offset into it.

Every op checks itself against the launch's config, so a tile that does not fit
the scratchpad is reported on the op that asks for it.
"""

from __future__ import annotations

from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from typing import ClassVar, cast, get_type_hints

from xdsl.dialects.builtin import (
    IntegerAttr,
    MemRefType,
    UnitAttr,
)
from xdsl.ir import Attribute, Dialect, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    var_operand_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.device import LaunchOp
from ziggurat.dialects.mxu_attrs import (
    DataflowAttr,
    DepsAttr,
    DTypeAttr,
    FuncAttr,
    MemoryAttr,
    PlanAttr,
)
from ziggurat.dialects.mxu_machine import (
    check_dram_operand,
    config_of,
    dtype_of,
    launch_config,
    memref_bytes,
    target_of,
)
from ziggurat.dialects.mxu_syntax import (
    field_value,
    format_value,
    from_attr,
    parse_fields,
    print_fields,
    property_def,
    to_attr,
)
from ziggurat.hardware.mxu import isa

# --- Instruction ops ------------------------------------------------------------------


class InstructionOp(IRDLOperation):
    """An op that is one mxu instruction; each ISA field is a typed property.

    The ops are built from the ISA dataclasses (`instruction_op_class`), so an
    instruction's fields are written down once, in `ziggurat.hardware.mxu.isa`.
    """

    ISA: ClassVar[type[isa.Instruction]]
    KINDS: ClassVar[dict[str, type]]
    """Each field's Python type: int, bool, an ISA enum or `isa.Deps`."""

    dram = var_operand_def(MemRefType)

    def __init__(self, instruction: isa.Instruction, dram: SSAValue | None = None):
        properties: dict[str, Attribute] = {}
        for f in dataclass_fields(instruction):
            attr = to_attr(getattr(instruction, f.name))
            if attr is not None:
                properties[f.name] = attr
        super().__init__(operands=[[dram] if dram is not None else []], properties=properties)

    @property
    def takes_dram(self) -> bool:
        return "dram_addr" in self.KINDS

    def instruction(self, dram_base: int = 0) -> isa.Instruction:
        """The ISA instruction, its DRAM offset moved by `dram_base` (the buffer's address)."""
        kwargs: dict[str, object] = {}
        for name, kind in self.KINDS.items():
            attr = self.properties.get(name)
            if attr is None and kind is not bool:
                continue
            try:
                kwargs[name] = from_attr(kind, attr)
            except TypeError as error:
                raise VerifyException(f"field '{name}': {error}") from None
        if "dram_addr" in kwargs:
            kwargs["dram_addr"] = cast(int, kwargs["dram_addr"]) + dram_base
        try:
            return self.ISA(**kwargs)
        except (TypeError, ValueError) as error:
            raise VerifyException(f"malformed instruction fields: {error}") from None

    @classmethod
    def parse(cls, parser: Parser) -> InstructionOp:
        operand: UnresolvedOperand | None = None
        if "dram_addr" in cls.KINDS:
            operand = parser.parse_unresolved_operand()
        pos = parser.pos
        kwargs: dict[str, object] = {}
        for name, value in parse_fields(parser).items():
            kind = cls.KINDS.get(name)
            if kind is None:
                parser.raise_error(
                    f"'{cls.name}' has no field '{name}' (fields: {', '.join(sorted(cls.KINDS))})",
                    pos,
                    parser.pos,
                )
            kwargs[name] = field_value(name, kind, value, parser)
        try:
            instruction = cls.ISA(**kwargs)
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
                items.append((f.name, format_value(value)))
        print_fields(printer, items)
        if self.dram:
            printer.print_string(" : ")
            printer.print_attribute(self.dram[0].type)
        printer.print_op_attributes(self.attributes)

    def verify_(self) -> None:
        if len(self.dram) != (1 if self.takes_dram else 0):
            raise VerifyException(
                "expects a DRAM buffer operand" if self.takes_dram else "takes no operands"
            )
        config = launch_config(self)
        instruction = self.instruction()
        try:
            instruction.check(config)
        except isa.IsaError as error:
            raise VerifyException(str(error)) from None
        if isinstance(instruction, isa.Load | isa.Store):
            memref = check_dram_operand(self.dram[0], "the DRAM buffer")
            size = memref_bytes(memref)
            end = (
                instruction.dram_addr
                + (instruction.rows - 1) * instruction.stride
                + instruction.cols * instruction.dtype.bytes
            )
            if end > size:
                raise VerifyException(
                    f"reads or writes bytes up to {end} of a {size}-byte buffer ({memref})"
                )


def instruction_op_class(ISA: type[isa.Instruction], doc: str) -> type[InstructionOp]:
    """The op `mxu.<mnemonic>` for one instruction, a property per ISA field."""
    hints = get_type_hints(ISA)
    kinds = {f.name: hints[f.name] for f in dataclass_fields(ISA)}
    body: dict[str, object] = {
        "__module__": __name__,
        "__doc__": doc,
        "name": f"mxu.{ISA.MNEMONIC}",
    }
    for f in dataclass_fields(ISA):
        body[f.name] = property_def(kinds[f.name], f.default)
    op = irdl_op_definition(type(f"{ISA.__name__}Op", (InstructionOp,), body))
    op.ISA, op.KINDS = ISA, kinds
    return op


LoadOp = instruction_op_class(
    isa.Load,
    "`mxu.load %buf <...> : memref<...>`: DMA from DRAM into the scratchpad or accumulator.",
)
LoadWeightsOp = instruction_op_class(
    isa.LoadWeights,
    "`mxu.loadw <...>`: a weight tile from the scratchpad into the idle weight buffer.",
)
MatmulOp = instruction_op_class(
    isa.Matmul,
    "`mxu.matmul <...>`: stream scratchpad rows through the array into the accumulator.",
)
MatmulOsOp = instruction_op_class(
    isa.MatmulOS,
    "`mxu.matmul_os <...>`: an output-stationary product of scratchpad tiles.",
)
ActivateOp = instruction_op_class(
    isa.Activate,
    "`mxu.activate <...>`: accumulator rows through the activation unit into the scratchpad.",
)
StoreOp = instruction_op_class(
    isa.Store,
    "`mxu.store %buf <...> : memref<...>`: DMA from the scratchpad or accumulator to DRAM.",
)
ConfigOp = instruction_op_class(
    isa.Config,
    "`mxu.config <scale = s, shift = n>`: set the requantisation registers.",
)
FenceOp = instruction_op_class(
    isa.Fence,
    "`mxu.fence`: wait for every earlier instruction to complete.",
)
HaltOp = instruction_op_class(
    isa.Halt,
    "`mxu.halt`: the end of the instruction stream.",
)
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

DATAFLOWS: tuple[isa.Dataflow, ...] = tuple(isa.Dataflow)
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
    accumulate_attr = opt_prop_def(UnitAttr, prop_name="accumulate")
    func_attr = prop_def(FuncAttr, default_value=FuncAttr(isa.Func.NONE), prop_name="func")
    scale_attr = prop_def(IntegerAttr, default_value=IntegerAttr(1, 64), prop_name="scale")
    shift_attr = prop_def(IntegerAttr, default_value=IntegerAttr(0, 64), prop_name="shift")
    dataflow_attr = prop_def(
        DataflowAttr, default_value=DataflowAttr(isa.Dataflow.WS), prop_name="dataflow"
    )
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    EPILOGUE: ClassVar[dict[str, type]] = {
        "accumulate": bool,
        "func": isa.Func,
        "scale": int,
        "shift": int,
        "dataflow": isa.Dataflow,
    }
    """The epilogue's fields and their types, in the order the syntax writes them."""

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
        dataflow: isa.Dataflow | str = isa.Dataflow.WS,
    ):
        values = (accumulate, func, scale, shift, isa.Dataflow(dataflow))
        properties = {
            key: attr
            for key, value in zip(self.EPILOGUE, values, strict=True)
            if (attr := to_attr(value)) is not None
        }
        super().__init__(
            operands=[a, b, d, [bias] if bias is not None else []], properties=properties
        )

    @property
    def accumulate(self) -> bool:
        return self.accumulate_attr is not None

    @property
    def func(self) -> isa.Func:
        return self.func_attr.data

    @property
    def scale(self) -> int:
        return self.scale_attr.value.data

    @property
    def shift(self) -> int:
        return self.shift_attr.value.data

    @property
    def dataflow(self) -> isa.Dataflow:
        return self.dataflow_attr.data

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
        kwargs: dict[str, object] = {}
        for key, value in parse_fields(parser).items():
            kind = cls.EPILOGUE.get(key)
            if kind is None:
                parser.raise_error(
                    f"'mxu.gemm' has no field '{key}' (fields: {', '.join(cls.EPILOGUE)})",
                    pos,
                    parser.pos,
                )
            kwargs[key] = field_value(key, kind, value, parser)
        parser.parse_punctuation(":")
        types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
        names = [a, b, d] + ([bias] if bias is not None else [])
        if len(types) != len(names):
            parser.raise_error(f"expected {len(names)} types, got {len(types)}")
        values = [parser.resolve_operand(n, t) for n, t in zip(names, types, strict=True)]
        a_value, b_value, d_value = values[:3]
        bias_value = values[3] if bias is not None else None
        op = cls(a_value, b_value, d_value, bias_value, **kwargs)  # pyright: ignore[reportArgumentType]
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
        defaults = (False, isa.Func.NONE, 1, 0, isa.Dataflow.WS)
        values = (self.accumulate, self.func, self.scale, self.shift, self.dataflow)
        items = [
            (key, format_value(value))
            for key, value, default in zip(self.EPILOGUE, values, defaults, strict=True)
            if value != default
        ]
        print_fields(printer, items)
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
        config = launch_config(self)
        a = check_dram_operand(self.a, "A")
        b = check_dram_operand(self.b, "B")
        d = check_dram_operand(self.d, "D")
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
            bias = check_dram_operand(self.bias, "the bias")
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
    [DTypeAttr, MemoryAttr, FuncAttr, DataflowAttr, DepsAttr, PlanAttr],
)

__all__ = [
    "DATAFLOWS",
    "INSTRUCTION_OPS",
    "GemmOp",
    "InstructionOp",
    "LaunchOp",
    "Mxu",
    "PlanAttr",
    "config_of",
    "dtype_of",
    "instruction_op",
    "memref_bytes",
    "target_of",
]
