"""What the CPU and CUDA GEMM kernels share: the element arithmetic of a matmul and
the elementwise epilogue they fold into their write-back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xdsl.dialects import arith, math, memref
from xdsl.dialects.builtin import (
    Float32Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    f32,
    i32,
)
from xdsl.dialects.linalg.attrs import IteratorType
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Attribute, Block, Operation, OpResult, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineMap

from ziggurat.dialects.linalg import MatmulOp
from ziggurat.dialects.memory_effects import is_view


@dataclass(frozen=True)
class Arithmetic:
    """The element type the packed panels and the accumulator hold, and its operations."""

    acc: Attribute
    zero: Callable[[], SSAValue]
    widen: Callable[[SSAValue], SSAValue]
    multiply_add: Callable[[SSAValue, SSAValue, SSAValue], SSAValue]
    add: Callable[[SSAValue, SSAValue], SSAValue]


F32 = Arithmetic(
    f32,
    lambda: arith.ConstantOp(FloatAttr(0.0, f32)).result,
    lambda v: v,
    lambda a, b, c: math.FmaOp(a, b, c).result,
    lambda a, b: arith.AddfOp(a, b).result,
)
"""f32: `math.fma` (C's fmaf), since -std=c11 does not contract `a * b + c`."""

I8_I32 = Arithmetic(
    i32,
    lambda: arith.ConstantOp(IntegerAttr(0, i32)).result,
    lambda v: arith.ExtSIOp(v, i32).result,
    lambda a, b, c: arith.AddiOp(c, arith.MuliOp(a, b).result).result,
    lambda a, b: arith.AddiOp(a, b).result,
)
"""i8 x i8 -> i32: operands sign-extended (MLIR's cast_signed) while packing; i32 wraps."""


def kernel_arithmetic(a: SSAValue, b: SSAValue, c: SSAValue) -> Arithmetic | None:
    """The kernel arithmetic for these operands, or None when the kernel does not apply."""
    types = [v.type for v in (a, b, c)]
    if not all(isinstance(t, MemRefType) and t.get_num_dims() == 2 for t in types):
        return None
    return arithmetic_for([t.element_type for t in types])  # pyright: ignore


def arithmetic_for(elements: list[Attribute]) -> Arithmetic | None:
    """The GEMM arithmetic for A, B, C element types: f32, or i8 x i8 -> i32."""
    if all(isinstance(e, Float32Type) for e in elements):
        return F32
    i8 = IntegerType(8)
    if elements == [i8, i8, i32]:
        return I8_I32
    return None


def captured_values(op: Operation) -> list[SSAValue]:
    """Values the ops nested in `op` use that are defined outside it."""
    inside = set(op.walk())
    found: dict[SSAValue, None] = {}
    for inner in op.walk():
        for value in inner.operands:
            owner = value.owner
            if isinstance(owner, Operation) and owner in inside:
                continue
            if isinstance(owner, Block) and owner.parent_op() in inside:
                continue
            found.setdefault(value, None)
    return list(found)


@dataclass(frozen=True)
class Epilogue:
    """An elementwise `linalg.generic` on C, to apply to each element of C once it is final.

    `sources` has one entry per body argument: None for an element of C (an input or the
    output that is C itself), else a rank-1 memref and the C dimension (0 row, 1 column)
    that indexes it (a per-row or per-column vector, read-only).
    """

    generic: GenericOp
    sources: tuple[tuple[SSAValue, int] | None, ...]

    def apply(
        self,
        value: SSAValue,
        row: SSAValue,
        col: SSAValue,
        captured: dict[SSAValue, SSAValue] | None = None,
    ) -> SSAValue:
        """The body's result for C's element `value` at (row, col), built in place;
        `captured` maps values the body reads from outside (a kernel's arguments)."""
        body = self.generic.body.block
        mapping: dict[SSAValue, SSAValue] = dict(captured or {})
        for arg, source in zip(body.args, self.sources, strict=True):
            if source is None:
                mapping[arg] = value
            else:
                vector, dim = source
                mapping[arg] = memref.LoadOp.get(vector, [(row, col)[dim]]).res
        result = value
        for op in body.ops:
            if op is body.last_op:
                result = mapping.get(op.operands[0], op.operands[0])
                break
            op.clone(value_mapper=mapping)  # inserted by the implicit builder
        return result


_IDENTITY = AffineMap.identity(2)


def fusable_epilogue(matmul: MatmulOp, c: SSAValue) -> Epilogue | None:
    """The generic right after `matmul` if it can run in the write-back, else None.

    It must be all-parallel on memrefs with C as its only output and every C operand
    through the identity map, its other inputs rank-1 vectors indexed by d0 or d1 (not
    views, which could alias C), and a body of pure scalar arith/math ops.
    """
    op = matmul.next_op
    while isinstance(op, memref.DeallocOp):  # frees of other buffers may stand between
        op = op.next_op
    if not isinstance(op, GenericOp) or op.res or tuple(op.outputs) != (c,):
        return None
    between = matmul.next_op
    while between is not op:
        assert between is not None
        if between.operands[0] in op.operands:  # it frees something the epilogue reads
            return None
        between = between.next_op
    if any(kind.data != IteratorType.PARALLEL for kind in op.iterator_types):
        return None
    maps = [m.data for m in op.indexing_maps]
    elt = c.type.element_type  # pyright: ignore
    sources: list[tuple[SSAValue, int] | None] = []
    for operand, amap in zip([*op.inputs, *op.outputs], maps, strict=True):
        if operand is c:
            if amap != _IDENTITY:
                return None
            sources.append(None)
            continue
        ty = operand.type
        if not isinstance(ty, MemRefType) or ty.get_num_dims() != 1 or amap.num_dims != 2:
            return None
        if len(amap.results) != 1 or not isinstance(amap.results[0], AffineDimExpr):
            return None
        if isinstance(operand, OpResult) and is_view(operand.op):
            return None
        sources.append((operand, amap.results[0].position))
    body = op.body.block
    if any(arg.type != elt for arg, s in zip(body.args, sources, strict=True) if s is None):
        return None
    for inner in body.ops:
        if inner is body.last_op:
            if inner.name != "linalg.yield" or [v.type for v in inner.operands] != [elt]:
                return None
        elif inner.name.split(".")[0] not in ("arith", "math") or inner.regions:
            return None
    return Epilogue(op, tuple(sources))
