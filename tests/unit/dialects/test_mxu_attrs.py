"""The mxu dialect's typed properties and attributes.

Each instruction op is generated from its ISA dataclass; these tests check
that the op holds every field as a typed property, that any instruction
survives the trip through the op and both textual forms, and that the enum,
dependency and plan attributes read back what they print.
"""

from __future__ import annotations

import io
from dataclasses import fields

import pytest
from hypothesis import given, settings
from mxu_strategies import instructions
from semantics import parse
from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, UnitAttr
from xdsl.printer import Printer

from ziggurat.dialects.mxu import INSTRUCTION_OPS, GemmOp, InstructionOp, PlanAttr
from ziggurat.dialects.mxu_attrs import DataflowAttr, DepsAttr, DTypeAttr, FuncAttr, MemoryAttr
from ziggurat.hardware.mxu import isa
from ziggurat.parser import ParseError

_LAUNCH = """
func.func @k(%buf: memref<64x64xi8>) {{
  device.launch target(#device.target<mxu, {{rows = 16 : i64, cols = 16 : i64}}>) {{
    {body}
  }}
  func.return
}}
"""


def _text(op: InstructionOp, generic: bool = False) -> str:
    out = io.StringIO()
    Printer(stream=out, print_generic_format=generic).print_op(op)
    return out.getvalue()


def _ops(module_text: str) -> list[InstructionOp]:
    return [op for op in parse(module_text).walk() if isinstance(op, InstructionOp)]


def test_every_instruction_has_an_op_with_a_property_per_field() -> None:
    assert set(INSTRUCTION_OPS) == set(isa.INSTRUCTIONS)
    for cls, op in INSTRUCTION_OPS.items():
        assert op.name == f"mxu.{cls.MNEMONIC}"
        assert list(op.KINDS) == [f.name for f in fields(cls)]


@settings(max_examples=200, deadline=None)
@given(instructions())
def test_an_instruction_survives_the_op(instruction: isa.Instruction) -> None:
    op = INSTRUCTION_OPS[type(instruction)](instruction)
    assert op.instruction() == instruction
    for f in fields(instruction):
        value = getattr(instruction, f.name)
        attr = op.properties.get(f.name)
        if isinstance(value, bool):
            assert (attr == UnitAttr()) is value
        elif isinstance(value, isa.DType):
            assert attr == DTypeAttr(value)
        elif isinstance(value, isa.Memory):
            assert attr == MemoryAttr(value)
        elif isinstance(value, isa.Func):
            assert attr == FuncAttr(value)
        elif isinstance(value, isa.Deps):
            assert attr == DepsAttr(value)
        else:
            assert attr == IntegerAttr(value, 64)


def test_custom_and_generic_forms_read_back_the_same_ops() -> None:
    body = (
        "mxu.load %buf <memory = spad, row = 8, dram_addr = 64, stride = 64, rows = 8, "
        "cols = 16, dtype = i8, transpose = true, deps = [push_next]> : memref<64x64xi8>\n"
        "    mxu.loadw <row = 8, rows = 16, cols = 16, dtype = i8, deps = [pop_prev]>\n"
        "    mxu.matmul <row = 0, rows = 8, acc_row = 0, dtype = i8, accumulate = true>\n"
        "    mxu.halt"
    )
    ops = _ops(_LAUNCH.format(body=body))
    load = ops[0]
    assert load.properties["memory"] == MemoryAttr(isa.Memory.SPAD)
    assert load.properties["transpose"] == UnitAttr()
    assert load.properties["deps"] == DepsAttr(isa.Deps(push_next=True))
    generic = "\n    ".join(_text(op, generic=True) for op in ops)
    assert '"mxu.loadw"() <{row = 8 : i64' in generic
    assert "#mxu<dtype i8>" in generic
    again = _ops(_LAUNCH.format(body=generic))
    assert [op.instruction() for op in again] == [op.instruction() for op in ops]
    assert [_text(op) for op in again] == [_text(op) for op in ops]


def test_a_wrong_enum_in_the_generic_form_is_a_located_error() -> None:
    body = (
        '"mxu.loadw"() <{row = 0 : i64, rows = 8 : i64, cols = 8 : i64, '
        "dtype = #mxu<dtype i4>}> : () -> ()"
    )
    with pytest.raises(ParseError, match=r"'i4' is not a mxu\.dtype; expected one of: i8, bf16"):
        parse(_LAUNCH.format(body=body))


def test_a_wrong_field_value_names_the_choices() -> None:
    body = "mxu.loadw <row = 0, rows = 8, cols = 8, dtype = f64>"
    with pytest.raises(ParseError, match="field 'dtype' must be one of: i8, bf16, f32, i32"):
        parse(_LAUNCH.format(body=body))


def test_gemm_epilogue_is_typed() -> None:
    text = """
    func.func @g(%a: memref<8x8xi8>, %b: memref<8x8xi8>, %d: memref<8x8xi32>) {
      device.launch target(#device.target<mxu, {}>) {
        mxu.gemm %a, %b -> %d <accumulate = true, dataflow = os>
            : memref<8x8xi8>, memref<8x8xi8>, memref<8x8xi32>
      }
      func.return
    }
    """
    gemm = next(op for op in parse(text).walk() if isinstance(op, GemmOp))
    assert gemm.properties["dataflow"] == DataflowAttr(isa.Dataflow.OS)
    assert gemm.properties["accumulate"] == UnitAttr()
    assert gemm.dataflow is isa.Dataflow.OS and gemm.accumulate
    assert gemm.func is isa.Func.NONE and gemm.scale == 1 and gemm.shift == 0
    with pytest.raises(ParseError, match=r"'mxu\.gemm' has no field 'sclae'"):
        parse(text.replace("accumulate = true", "sclae = 3"))


def test_plan_attribute_reads_back_what_it_prints() -> None:
    plan = PlanAttr.of(
        [
            ("m_tile", 20),
            ("loop_order", "m, n, k"),
            ("double_buffered", True),
            ("dataflow", isa.Dataflow.OS),
        ]
    )
    assert plan["m_tile"] == 20 and plan["dataflow"] == "os" and plan["double_buffered"] is True
    text = f"module attributes {{mxu.plans = [{plan}]}} {{\n}}"
    assert str(plan) == (
        '#mxu.plan<m_tile = 20, loop_order = "m, n, k", double_buffered = true, dataflow = "os">'
    )
    assert parse(text).attributes["mxu.plans"] == ArrayAttr([plan])
