"""Which slice of each operand one tile of a structured op reads or writes.

A tile is a box of the iteration space: in each loop, a start (the tile
loop's induction variable, or 0 for an untiled loop) and a size (a constant,
or an `affine.min` for the last, partial tile). An operand indexed by
`e(d)` is reached, by the points `start + d'` of the tile, at
`e_lin(start) + e(d')`, where `e_lin` is `e` without its constant. So the
slice starts at `e_lin(start)` and spans `e(size - 1) + 1` elements, and the
op on the slices keeps its indexing maps unchanged. This holds for any `e`
that is a sum of loop indices with non-negative coefficients, plus a
constant: projected permutations, and the `oh * stride + kh * dilation`
windows of convolution and pooling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.dialects import memref, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AffineMapAttr,
    DenseArrayBase,
    MemRefType,
    ShapedType,
    TensorType,
    i64,
)
from xdsl.dialects.utils.dynamic_index_list import split_dynamic_index_list
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
)

from ziggurat.dialects.affine import ApplyOp

Index = int | SSAValue
"""A static index, or one computed at run time."""


@dataclass(frozen=True)
class LoopTile:
    """One loop of a tile: where it starts and how many points it has."""

    start: SSAValue | None
    """The tile loop's induction variable; None when the loop is not tiled."""
    size: Index
    """The points of the tile in this loop: the whole range when not tiled."""

    @property
    def tiled(self) -> bool:
        return self.start is not None


def linear_form(expr: AffineExpr) -> tuple[dict[int, int], int] | None:
    """`expr` as `({dim: coefficient}, constant)`, or None if not linear in the dims."""
    if isinstance(expr, AffineDimExpr):
        return {expr.position: 1}, 0
    if isinstance(expr, AffineConstantExpr):
        return {}, expr.value
    if not isinstance(expr, AffineBinaryOpExpr):
        return None
    lhs, rhs = linear_form(expr.lhs), linear_form(expr.rhs)
    if lhs is None or rhs is None:
        return None
    if expr.kind == AffineBinaryOpKind.Add:
        coefficients = dict(lhs[0])
        for dim, coefficient in rhs[0].items():
            coefficients[dim] = coefficients.get(dim, 0) + coefficient
        return coefficients, lhs[1] + rhs[1]
    if expr.kind == AffineBinaryOpKind.Mul:
        if not rhs[0]:
            factor, form = rhs[1], lhs
        elif not lhs[0]:
            factor, form = lhs[1], rhs
        else:
            return None
        return {d: c * factor for d, c in form[0].items()}, form[1] * factor
    return None


def affine_sum(builder: Builder, terms: Sequence[tuple[Index, int]], constant: int) -> Index:
    """`sum(coefficient * value) + constant`, folded to an int when every value is."""
    dynamic: list[tuple[SSAValue, int]] = []
    for value, coefficient in terms:
        if coefficient == 0:
            continue
        if isinstance(value, int):
            constant += coefficient * value
        else:
            dynamic.append((value, coefficient))
    if not dynamic:
        return constant
    if len(dynamic) == 1 and dynamic[0][1] == 1 and constant == 0:
        return dynamic[0][0]
    expr: AffineExpr = AffineExpr.constant(constant)
    for position, (_, coefficient) in enumerate(dynamic):
        expr = AffineExpr.dimension(position) * coefficient + expr
    map_ = AffineMap(len(dynamic), 0, (expr,))
    apply = builder.insert(ApplyOp([v for v, _ in dynamic], AffineMapAttr(map_)))
    return apply.result


class UntileableOperand(Exception):
    """An operand dimension that a tiled loop reaches through a non-linear index."""

    def __init__(self, operand: int, expr: AffineExpr):
        super().__init__(f"operand #{operand} is indexed by {expr}")
        self.operand = operand
        self.expr = expr


def operand_slice(
    builder: Builder,
    number: int,
    value: SSAValue,
    map_: AffineMap,
    tiles: Sequence[LoopTile],
) -> tuple[list[Index], list[Index]] | None:
    """Offsets and sizes of the slice of `value` that the tile reaches.

    None when no tiled loop indexes the operand: the tile then needs all of it.
    """
    assert isinstance(value.type, ShapedType)
    shape = value.type.get_shape()
    if not any(tiles[d].tiled for d in map_.used_dims()):
        return None
    offsets: list[Index] = []
    sizes: list[Index] = []
    for expr, full in zip(map_.results, shape, strict=True):
        if not any(tiles[d].tiled for d in expr.used_dims()):
            offsets.append(0)
            sizes.append(full)
            continue
        form = linear_form(expr)
        if form is None or any(c < 0 for c in form[0].values()):
            raise UntileableOperand(number, expr)
        coefficients, constant = form
        starts = [(tiles[d].start, c) for d, c in coefficients.items() if tiles[d].tiled]
        offsets.append(affine_sum(builder, starts, 0))  # pyright: ignore[reportArgumentType]
        extents = [(tiles[d].size, c) for d, c in coefficients.items()]
        sizes.append(affine_sum(builder, extents, constant + 1 - sum(coefficients.values())))
    return offsets, sizes


def _dense(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, values)


def _static_shape(sizes: Sequence[Index]) -> list[int]:
    return [s if isinstance(s, int) else DYNAMIC_INDEX for s in sizes]


def extract(
    builder: Builder, value: SSAValue, offsets: Sequence[Index], sizes: Sequence[Index]
) -> SSAValue:
    """The slice as a `memref.subview` of a memref or `tensor.extract_slice` of a tensor."""
    source_type = value.type
    strides = [1] * len(sizes)
    op: Operation
    if isinstance(source_type, MemRefType):
        result_type = memref.SubviewOp.infer_result_type(source_type, offsets, sizes, strides)
        op = memref.SubviewOp.get(value, offsets, sizes, strides, result_type)
    else:
        assert isinstance(source_type, TensorType)
        element = source_type.get_element_type()
        op = tensor.ExtractSliceOp(
            value, offsets, sizes, strides, TensorType(element, _static_shape(sizes))
        )
    return builder.insert(op).results[0]


def insert(
    builder: Builder,
    source: SSAValue,
    dest: SSAValue,
    offsets: Sequence[Index],
    sizes: Sequence[Index],
) -> SSAValue:
    """`tensor.insert_slice` of a tile's result back into the full tensor."""
    static_offsets, dynamic_offsets = split_dynamic_index_list(offsets, DYNAMIC_INDEX)
    static_sizes, dynamic_sizes = split_dynamic_index_list(sizes, DYNAMIC_INDEX)
    op = tensor.InsertSliceOp.build(
        operands=[source, dest, dynamic_offsets, dynamic_sizes, []],
        properties={
            "static_offsets": _dense(static_offsets),
            "static_sizes": _dense(static_sizes),
            "static_strides": _dense([1] * len(sizes)),
        },
        result_types=[dest.type],
    )
    return builder.insert(op).result
