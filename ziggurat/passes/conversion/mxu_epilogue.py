"""Recognise what the mxu's activation unit can do in an elementwise `linalg.generic` body.

The activation unit computes, per element of a GEMM result `v`:

    v + bias[col]  ->  relu  ->  i8: clamp((v64 * scale + 2^(shift-1)) >> shift, -128, 127)
                                 bf16: round to nearest even

`match_epilogue` reads a body written the way MLIR programs write these steps and
returns their parameters, or the reason it cannot. Accepted spellings:

- bias: `arith.addi`/`arith.addf` of the value and the bias argument, either order;
- ReLU: `arith.maxsi`/`arith.maximumf`/`arith.maxnumf` with a zero constant, before
  or after requantisation (the same result: requantisation by a positive scale
  keeps the sign, and the clamp keeps zero);
- requantisation: `arith.extsi` to i64, `arith.muli` by a constant scale, `arith.addi`
  of the constant 2^(shift-1) (absent when shift is 0), `arith.shrsi` by the constant
  shift, a clamp to [-128, 127] by `arith.maxsi`/`arith.minsi` in either order,
  `arith.trunci` to i8. The product is taken in 64 bits as the hardware does; a body
  that multiplies in 32 bits could wrap where the hardware does not, and is refused;
- bf16 results: `arith.truncf` from f32 to bf16.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    BFloat16Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
)
from xdsl.ir import Block, BlockArgument, Operation, SSAValue

_MAX = (arith.MaxSIOp, arith.MaximumfOp, arith.MaxnumfOp)


@dataclass(frozen=True)
class Epilogue:
    """What the activation unit must do; `bias_arg` is the body argument of the bias."""

    bias_arg: int | None = None
    relu: bool = False
    scale: int = 1
    shift: int = 0
    requantize: bool = False
    to_bf16: bool = False


class NotAnEpilogue(Exception):
    """The body does something the activation unit cannot."""


def constant_value(value: SSAValue) -> int | float | None:
    owner = value.owner
    if isinstance(owner, arith.ConstantOp):
        attr = owner.value
        if isinstance(attr, IntegerAttr):
            return attr.value.data
        if isinstance(attr, FloatAttr):
            return attr.value.data
    return None


def _other(op: Operation, value: SSAValue) -> SSAValue:
    """The operand of binary `op` that is not `value`."""
    a, b = op.operands
    return b if a is value else a


def match_epilogue(body: Block, value_arg: int, bias_arg: int | None) -> Epilogue:
    """The epilogue that `body` computes from argument `value_arg` (the GEMM's result).

    `bias_arg` is the body argument that may be added as a bias (a per-column
    vector), or None. Raises NotAnEpilogue with the reason when the body is
    anything else.
    """
    value: SSAValue = body.args[value_arg]
    found: dict[str, object] = {}
    ops = list(body.ops)
    terminator = ops.pop()
    for op in ops:
        if isinstance(op, arith.ConstantOp):
            continue
        if value not in op.operands:
            raise NotAnEpilogue(f"'{op.name}' does not work on the running value")
        if value.uses.get_length() != 1:
            raise NotAnEpilogue("an intermediate value is used twice")
        value = _step(op, value, bias_arg, body, found)
    if list(terminator.operands) != [value]:
        raise NotAnEpilogue("the body does not yield the computed value")
    if "extend" in found and not found.get("requantize"):
        raise NotAnEpilogue("a value is extended to i64 but not requantised")
    return Epilogue(
        bias_arg=bias_arg if found.get("bias") else None,
        relu=bool(found.get("relu")),
        scale=int(found.get("scale", 1)),  # pyright: ignore[reportArgumentType]
        shift=int(found.get("shift", 0)),  # pyright: ignore[reportArgumentType]
        requantize=bool(found.get("requantize")),
        to_bf16=bool(found.get("to_bf16")),
    )


def _step(
    op: Operation, value: SSAValue, bias_arg: int | None, body: Block, found: dict[str, object]
) -> SSAValue:
    """Check one op of the chain against the stages left; its result is the new value."""
    (result,) = op.results

    def once(stage: str, after: tuple[str, ...] = ()) -> None:
        if stage in found or any(s in found for s in after):
            raise NotAnEpilogue(f"'{op.name}' comes in an order the activation unit cannot follow")
        found[stage] = True

    if isinstance(op, arith.AddiOp | arith.AddfOp):
        other = _other(op, value)
        if isinstance(other, BlockArgument) and other.block is body and other.index == bias_arg:
            once("bias", ("relu", "extend", "to_bf16"))
            return result
        if "multiply" in found and constant_value(other) is not None and "round" not in found:
            found["round"] = constant_value(other)
            return result
        raise NotAnEpilogue(f"'{op.name}' adds something other than the bias")
    if isinstance(op, _MAX):
        other = _other(op, value)
        bound = constant_value(other)
        if bound == 0 and ("shift" not in found or "clamped" in found):
            once("relu", ("to_bf16",))
            return result
        if bound == -128 and "shift" in found:
            once("clamp_low")
            return _clamped(result, found)
        raise NotAnEpilogue(f"'{op.name}' with a bound the activation unit does not have")
    if isinstance(op, arith.MinSIOp):
        if constant_value(_other(op, value)) == 127 and "shift" in found:
            once("clamp_high")
            return _clamped(result, found)
        raise NotAnEpilogue("'arith.minsi' with a bound other than 127")
    if isinstance(op, arith.ExtSIOp):
        if not isinstance(result.type, IntegerType) or result.type.width.data != 64:
            raise NotAnEpilogue("'arith.extsi' to a type other than i64")
        once("extend", ("multiply",))
        return result
    if isinstance(op, arith.MuliOp):
        scale = constant_value(_other(op, value))
        if "extend" not in found:
            raise NotAnEpilogue(
                "the scale must multiply in i64 (after 'arith.extsi'), as the unit does"
            )
        if not isinstance(scale, int) or not -(1 << 31) <= scale < 1 << 31:
            raise NotAnEpilogue("the scale must be a constant signed 32-bit integer")
        once("multiply")
        found["scale"] = scale
        return result
    if isinstance(op, arith.ShRSIOp):
        if op.operands[0] is not value:
            raise NotAnEpilogue("'arith.shrsi' must shift the value")
        shift = constant_value(op.operands[1])
        if "multiply" not in found or not isinstance(shift, int) or not 0 <= shift < 64:
            raise NotAnEpilogue("'arith.shrsi' must shift the scaled value by a constant 0..63")
        expected = 1 << (shift - 1) if shift else 0
        if found.get("round", 0) != expected:
            raise NotAnEpilogue(
                "requantisation must round by adding 2^(shift-1) before the shift, as the unit does"
            )
        once("shift")
        found["shift"] = shift
        return result
    if isinstance(op, arith.TruncIOp):
        if "clamped" not in found or not isinstance(result.type, IntegerType):
            raise NotAnEpilogue("'arith.trunci' of a value not clamped to [-128, 127]")
        if result.type.width.data != 8:
            raise NotAnEpilogue("requantisation must produce i8")
        once("requantize")
        return result
    if isinstance(op, arith.TruncFOp):
        if not isinstance(result.type, BFloat16Type):
            raise NotAnEpilogue("'arith.truncf' to a type other than bf16")
        once("to_bf16")
        return result
    raise NotAnEpilogue(f"'{op.name}' is not something the activation unit does")


def _clamped(result: SSAValue, found: dict[str, object]) -> SSAValue:
    if "clamp_low" in found and "clamp_high" in found:
        found["clamped"] = True
    return result
