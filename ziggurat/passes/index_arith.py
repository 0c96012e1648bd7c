"""Index arithmetic for passes that build loop nests and kernels with xDSL's
`ImplicitBuilder`: each helper creates its op at the builder's insertion point and
returns the result."""

from __future__ import annotations

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr
from xdsl.ir import SSAValue


def index(value: int) -> SSAValue:
    return arith.ConstantOp(IntegerAttr(value, IndexType())).result


def add(a: SSAValue, b: SSAValue) -> SSAValue:
    return arith.AddiOp(a, b).result


def mul(a: SSAValue, b: SSAValue) -> SSAValue:
    return arith.MuliOp(a, b).result


def less(a: SSAValue, b: SSAValue) -> SSAValue:
    """Signed `a < b`."""
    return arith.CmpiOp(a, b, "slt").result


def both(a: SSAValue, b: SSAValue) -> SSAValue:
    """`a && b` on i1."""
    return arith.AndIOp(a, b).result
