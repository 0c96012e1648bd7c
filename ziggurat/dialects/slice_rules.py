"""MLIR's verifier rules for ops that take offsets, sizes and strides into a shaped value.

`tensor.extract_slice`, `tensor.insert_slice` and `memref.subview` name one
offset, size and stride per dimension of the sliced value, and the slice's
type is the sizes, possibly with unit dimensions dropped (rank-reducing).
xDSL checks only that each list's dynamic entries match its operands; these
are the rest of MLIR's rules, with MLIR's messages (the layout of a memref
subview is `strided_rules`' business).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, TensorType
from xdsl.ir import Attribute
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.strided_rules import check_subview_type


def check_offsets_sizes_strides(
    rank: int, offsets: Sequence[int], sizes: Sequence[int], strides: Sequence[int]
) -> None:
    """MLIR's `OffsetSizeAndStrideOpInterface` rules: one of each per dim, none negative."""
    for (name_a, a), (name_b, b) in (
        (("offsets", offsets), ("sizes", sizes)),
        (("sizes", sizes), ("strides", strides)),
    ):
        if len(a) != len(b):
            raise VerifyException(
                f"expected mixed {name_a} rank to match mixed {name_b} rank ({len(a)} vs "
                f"{len(b)}) so the rank of the result type is well-formed."
            )
    for name, values in (("offset", offsets), ("size", sizes), ("stride", strides)):
        if len(values) != rank:
            raise VerifyException(f"expected {rank} {name} values, got {len(values)}")
    for name, values in (("offset", offsets), ("size", sizes)):
        for value in values:
            if value != DYNAMIC_INDEX and value < 0:
                raise VerifyException(f"expected {name}s to be non-negative, but got {value}")


def check_in_bounds(
    shape: Sequence[int], offsets: Sequence[int], sizes: Sequence[int], strides: Sequence[int]
) -> None:
    """A static slice must lie inside a static dimension."""
    for dim, (offset, size, stride) in enumerate(zip(offsets, sizes, strides, strict=True)):
        if DYNAMIC_INDEX in (offset, size, stride) or shape[dim] == DYNAMIC_INDEX or size == 0:
            continue
        last = offset + (size - 1) * stride
        if last >= shape[dim] or last < 0:
            raise VerifyException(
                f"slice along dimension {dim} runs out-of-bounds: {last} >= {shape[dim]}"
            )


def check_slice(
    sliced: TensorType | MemRefType,
    slice_type: TensorType | MemRefType,
    offsets: Sequence[int],
    sizes: Sequence[int],
    strides: Sequence[int],
) -> None:
    """Raise VerifyException unless the slice of `sliced` is well formed.

    `slice_type` is the type of the slice (the result of an extract or a
    subview, the source of an insert).
    """
    check_offsets_sizes_strides(sliced.get_num_dims(), offsets, sizes, strides)
    if isinstance(sliced, MemRefType) and isinstance(slice_type, MemRefType):
        check_subview_type(sliced, slice_type, offsets, sizes, strides)
    else:
        _check_tensor_slice_type(sliced, slice_type, sizes)
    check_in_bounds(sliced.get_shape(), offsets, sizes, strides)


def _check_tensor_slice_type(
    sliced: TensorType | MemRefType, slice_type: TensorType | MemRefType, sizes: Sequence[int]
) -> None:
    if slice_type.get_num_dims() > len(sizes):
        raise VerifyException("expected rank to be smaller or equal to the other rank. ")
    if not _rank_reduces_to(list(sizes), list(slice_type.get_shape())):
        inferred = TensorType(sliced.element_type, sizes)
        raise VerifyException(
            f"expected type to be '{inferred}' or a rank-reduced version. (size mismatch) "
        )
    if slice_type.element_type != sliced.element_type:
        raise VerifyException(f"expected element type to be '{sliced.element_type}'")


def _rank_reduces_to(sizes: list[int], shape: list[int]) -> bool:
    """Whether dropping some unit sizes from `sizes` gives `shape`."""
    j = 0
    for size in sizes:
        if j < len(shape) and shape[j] == size:
            j += 1
        elif size != 1:
            return False
    return j == len(shape)


def check_dynamic_sizes(result: Attribute, count: int) -> None:
    """One size operand per dynamic dimension of the memref or tensor an op makes."""
    if isinstance(result, MemRefType | TensorType):
        expected = sum(1 for size in result.get_shape() if size == DYNAMIC_INDEX)
        if count != expected:
            raise VerifyException(
                f"incorrect number of dynamic sizes, has {count}, expected {expected}"
            )
