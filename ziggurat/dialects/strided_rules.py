"""MLIR's verifier rules for the layout of memref views: subview and reinterpret_cast.

A strided memref addresses element `(i0, i1, ...)` at `offset + sum(ik * stride_k)`.
`memref.subview` of such a memref has a layout that follows from the source's
and from its offsets and strides, so its result type is fixed up to dropping
unit dimensions; `memref.reinterpret_cast` states its layout outright and
its result type must say the same. The messages are MLIR's, so tests written
for mlir-opt match.

Strides and offsets use `None` for a dynamic value, as xDSL's layouts do.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AffineMapAttr,
    MemRefType,
    NoneAttr,
    ShapedType,
    StridedLayoutAttr,
)
from xdsl.ir.affine import AffineMap
from xdsl.utils.exceptions import VerifyException

Strided = tuple[tuple[int | None, ...], int | None]
"""A layout's strides and offset; `None` is dynamic."""


def strided_form(memref: MemRefType) -> Strided | None:
    """The strides and offset of `memref`'s layout, or None if it is not strided."""
    layout = memref.layout
    if isinstance(layout, NoneAttr) or (
        isinstance(layout, AffineMapAttr)
        and layout.data == AffineMap.identity(memref.get_num_dims())
    ):
        return ShapedType.strides_for_shape(memref.get_shape()), 0
    if isinstance(layout, StridedLayoutAttr):
        return tuple(layout.get_strides()), layout.get_offset()
    return None


def _mul(a: int | None, b: int | None) -> int | None:
    """MLIR's saturated product: zero wins over dynamic, dynamic over the rest."""
    if a == 0 or b == 0:
        return 0
    return None if a is None or b is None else a * b


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _static(value: int) -> int | None:
    return None if value == DYNAMIC_INDEX else value


def infer_subview_type(
    source: MemRefType,
    layout: Strided,
    offsets: Sequence[int],
    sizes: Sequence[int],
    strides: Sequence[int],
) -> MemRefType:
    """The full-rank type of a subview of `source` (laid out as `layout`)."""
    source_strides, offset = layout
    result_strides: list[int | None] = []
    for source_stride, off, stride in zip(source_strides, offsets, strides, strict=True):
        offset = _add(offset, _mul(_static(off), source_stride))
        result_strides.append(_mul(_static(stride), source_stride))
    return MemRefType(
        source.element_type,
        list(sizes),
        StridedLayoutAttr(result_strides, offset),
        source.memory_space,
    )


def check_subview_type(
    source: MemRefType,
    result: MemRefType,
    offsets: Sequence[int],
    sizes: Sequence[int],
    strides: Sequence[int],
) -> None:
    """Raise VerifyException unless `result` is the subview's type, maybe rank-reduced.

    Runs after the counts of offsets, sizes and strides are known to match
    the source's rank.
    """
    if source.memory_space != result.memory_space:
        raise VerifyException(
            f"different memory spaces specified for base memref type '{source}' "
            f"and subview memref type '{result}'"
        )
    layout = strided_form(source)
    if layout is None:
        raise VerifyException(f"base type '{source}' is not strided")
    expected = infer_subview_type(source, layout, offsets, sizes, strides)
    if result.get_num_dims() > expected.get_num_dims():
        raise VerifyException(
            f"expected result rank to be smaller or equal to the source rank, but got '{result}'"
        )
    drops = list(_unit_drops(list(sizes), list(result.get_shape())))
    prefix = f"expected result type to be '{expected}' or a rank-reduced version."
    if not drops:
        raise VerifyException(f"{prefix} (mismatch of result sizes), but got '{result}'")
    if result.element_type != source.element_type:
        raise VerifyException(
            f"expected result element type to be '{source.element_type}', but got '{result}'"
        )
    result_layout = strided_form(result)
    expected_strides, expected_offset = strided_form(expected) or ((), None)
    for dropped in drops:
        kept = tuple(s for dim, s in enumerate(expected_strides) if dim not in dropped)
        if result_layout == (kept, expected_offset):
            return
    raise VerifyException(f"{prefix} (mismatch of result layout), but got '{result}'")


def _unit_drops(sizes: list[int], shape: list[int]) -> list[frozenset[int]]:
    """Each set of unit dims of `sizes` whose removal leaves `shape`."""
    units = [dim for dim, size in enumerate(sizes) if size == 1]
    extra = len(sizes) - len(shape)
    if extra < 0 or extra > len(units):
        return []
    found: list[frozenset[int]] = []
    for dropped in combinations(units, extra):
        kept = [size for dim, size in enumerate(sizes) if dim not in dropped]
        if kept == shape:
            found.append(frozenset(dropped))
    return found


def check_reinterpret_cast(
    source: MemRefType,
    result: MemRefType,
    offsets: Sequence[int],
    sizes: Sequence[int],
    strides: Sequence[int],
) -> None:
    """Raise VerifyException unless `result` has the sizes, strides and offset given."""
    if source.element_type != result.element_type:
        raise VerifyException(
            f"different element types specified for source type '{source}' "
            f"and result memref type '{result}'"
        )
    if source.memory_space != result.memory_space:
        raise VerifyException(
            f"different memory spaces specified for source type '{source}' "
            f"and result memref type '{result}'"
        )
    if len(sizes) != len(strides):
        raise VerifyException(
            f"expected mixed sizes rank to match mixed strides rank ({len(sizes)} vs "
            f"{len(strides)}) so the rank of the result type is well-formed."
        )
    if len(sizes) != result.get_num_dims():
        raise VerifyException(f"expected {result.get_num_dims()} size values, got {len(sizes)}")
    for dim, (given, actual) in enumerate(zip(sizes, result.get_shape(), strict=True)):
        if given != DYNAMIC_INDEX and given != actual:
            raise VerifyException(
                f"expected result type with size = {given} instead of {actual} in dim = {dim}"
            )
    layout = strided_form(result)
    if layout is None:
        raise VerifyException(f"expected result type to have strided layout but found '{result}'")
    result_strides, result_offset = layout
    if offsets and offsets[0] != DYNAMIC_INDEX and offsets[0] != result_offset:
        shown = "?" if result_offset is None else result_offset
        raise VerifyException(f"expected result type with offset = {offsets[0]} instead of {shown}")
    for dim, (given, actual) in enumerate(zip(strides, result_strides, strict=True)):
        if given != DYNAMIC_INDEX and given != actual:
            shown = "?" if actual is None else actual
            raise VerifyException(
                f"expected result type with stride = {given} instead of {shown} in dim = {dim}"
            )
