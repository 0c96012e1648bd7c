"""The reductions of `affine.parallel`, as `scf.parallel` needs them.

An `affine.parallel` result is the reduction of the values its iterations
yield; an `scf.parallel` result is its init combined with them. Starting
from the kind's identity keeps the meaning, also for an empty loop.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AnyFloat,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    Signedness,
)
from xdsl.dialects.scf import ReduceReturnOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.scf import ReduceOp

_FLOAT_KINDS: dict[str, tuple[float, type[arith.FloatingPointLikeBinaryOperation]]] = {
    "addf": (0.0, arith.AddfOp),
    "mulf": (1.0, arith.MulfOp),
    "maximumf": (float("-inf"), arith.MaximumfOp),
    "minimumf": (float("inf"), arith.MinimumfOp),
}

_INTEGER_KINDS: dict[str, tuple[int, type[arith.SignlessIntegerBinaryOperation]]] = {
    "addi": (0, arith.AddiOp),
    "muli": (1, arith.MuliOp),
    "ori": (0, arith.OrIOp),
    "andi": (-1, arith.AndIOp),
}


def _refuse(op: Operation, kind: str, type_: Attribute) -> CompileError:
    return CompileError(
        f"cannot lower '{op.name}': no scf reduction for kind '{kind}' on {type_} "
        f"(supported: {', '.join([*_FLOAT_KINDS, *_INTEGER_KINDS])} on signless types)",
        op,
    )


def identity(op: Operation, kind: str, type_: Attribute) -> arith.ConstantOp:
    """The constant that reduction `kind` leaves unchanged, of type `type_`."""
    if kind in _FLOAT_KINDS and isinstance(type_, AnyFloat):
        return arith.ConstantOp(FloatAttr(_FLOAT_KINDS[kind][0], type_))
    if (
        kind in _INTEGER_KINDS
        and isinstance(type_, IntegerType)
        and type_.signedness.data == Signedness.SIGNLESS
    ):
        value = _INTEGER_KINDS[kind][0]
        return arith.ConstantOp(IntegerAttr(value, type_, truncate_bits=True))
    raise _refuse(op, kind, type_)


def combiner(op: Operation, kind: str, type_: Attribute) -> Region:
    """`^bb0(%lhs, %rhs): scf.reduce.return (lhs kind rhs)`: one region of scf.reduce."""
    block = Block(arg_types=[type_, type_])
    lhs, rhs = block.args
    if kind in _FLOAT_KINDS and isinstance(type_, AnyFloat):
        combined: Operation = _FLOAT_KINDS[kind][1](lhs, rhs)
    elif kind in _INTEGER_KINDS and isinstance(type_, IntegerType):
        combined = _INTEGER_KINDS[kind][1](lhs, rhs)
    else:
        raise _refuse(op, kind, type_)
    block.add_ops([combined, ReduceReturnOp(combined.results[0])])
    return Region(block)


def reduce_terminator(op: Operation, kinds: Sequence[str], values: Sequence[SSAValue]) -> ReduceOp:
    """The `scf.reduce` ending a parallel loop body that yields `values`."""
    regions = [combiner(op, k, v.type) for k, v in zip(kinds, values, strict=True)]
    return ReduceOp(values, regions)
