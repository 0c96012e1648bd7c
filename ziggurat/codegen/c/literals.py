"""C literals for MLIR constants: exact (hex floats), defined for every bit pattern."""

from __future__ import annotations

import math

from xdsl.dialects.builtin import FloatAttr, IntegerAttr
from xdsl.ir import Attribute, Operation

from ziggurat.codegen.c.ctypes_map import c_type, int_width, is_float
from ziggurat.diagnostics import CompileError


def int_literal(value: int, width: int) -> str:
    """The C literal of `value` as a `width`-bit signless integer (wrapped)."""
    if width == 1:
        return "true" if value & 1 else "false"
    value %= 1 << width
    if value >= 1 << (width - 1):
        return f"(int{width}_t)UINT{width}_C({value})"
    return f"INT64_C({value})" if width == 64 else str(value)


def float_literal(value: float, is_f32: bool) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INFINITY" if value > 0 else "-INFINITY"
    suffix = "f" if is_f32 else ""
    if value == int(value) and abs(value) < 2**24:
        return (
            f"{int(value)}.0{suffix}"
            if not (value == 0 and math.copysign(1, value) < 0)
            else (f"-0.0{suffix}")
        )
    return f"{value.hex()}{suffix}"


def scalar_literal(attr: Attribute, type_: Attribute, op: Operation | None) -> str:
    """The literal of an `IntegerAttr`/`FloatAttr` of scalar type `type_`."""
    c_type(type_, op)
    width = int_width(type_)
    if width is not None and isinstance(attr, IntegerAttr):
        return int_literal(attr.value.data, width)
    if is_float(type_) and isinstance(attr, FloatAttr):
        return float_literal(attr.value.data, c_type(type_) == "float")
    raise CompileError(f"c: cannot emit the constant {attr}", op)


def number_literal(value: float | int, type_: Attribute) -> str:
    """The literal of a Python number in the C type of `type_`."""
    width = int_width(type_)
    if width is not None:
        return int_literal(int(value), width)
    return float_literal(float(value), c_type(type_) == "float")
