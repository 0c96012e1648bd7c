"""MLIR's verifier rules for ops that take offsets, sizes and strides into a shaped value.

`tensor.extract_slice`, `tensor.insert_slice` and `memref.subview` name one
offset, size and stride per dimension of the sliced value, and the slice's
type is the sizes, possibly with unit dimensions dropped (rank-reducing).
xDSL checks only that each list's dynamic entries match its operands; these
are the rest of MLIR's rules, with MLIR's messages.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, TensorType
from xdsl.utils.exceptions import VerifyException


def check_slice(
    sliced: TensorType | MemRefType,
    slice_type: TensorType | MemRefType,
    offsets: Sequence[int],
    sizes: Sequence[int],
    strides: Sequence[int],
    what: str = "result",
) -> None:
    """Raise VerifyException unless the slice of `sliced` is well formed.

    `slice_type` is the type of the slice (the result of an extract or a
    subview, the source of an insert); `what` names it in messages. The
    messages are MLIR's, so tests written for mlir-opt match.
    """
    rank = sliced.get_num_dims()
    for name, values in (("offset", offsets), ("size", sizes), ("stride", strides)):
        if len(values) != rank:
            raise VerifyException(f"expected {rank} {name} values, got {len(values)}")
    for name, values in (("offset", offsets), ("size", sizes)):
        for value in values:
            if value != DYNAMIC_INDEX and value < 0:
                raise VerifyException(f"expected {name}s to be non-negative, but got {value}")
    shape = sliced.get_shape()
    for dim, (offset, size, stride) in enumerate(zip(offsets, sizes, strides, strict=True)):
        if DYNAMIC_INDEX in (offset, size, stride) or shape[dim] == DYNAMIC_INDEX or size == 0:
            continue
        last = offset + (size - 1) * stride
        if last >= shape[dim] or last < 0:
            raise VerifyException(
                f"slice along dimension {dim} runs out-of-bounds: {last} >= {shape[dim]}"
            )
    if slice_type.element_type != sliced.element_type:
        raise VerifyException(
            f"expected {what} element type to be '{sliced.element_type}', "
            f"but got '{slice_type.element_type}'"
        )
    if not _rank_reduces_to(list(sizes), list(slice_type.get_shape())):
        element = sliced.element_type
        if isinstance(slice_type, MemRefType):
            inferred = MemRefType(element, sizes, slice_type.layout, slice_type.memory_space)
            message = f"expected {what} type to be '{inferred}' or a rank-reduced version. "
            raise VerifyException(f"{message}(mismatch of {what} sizes), but got '{slice_type}'")
        inferred = TensorType(element, sizes)
        raise VerifyException(
            f"expected type to be '{inferred}' or a rank-reduced version. (size mismatch)"
        )


def _rank_reduces_to(sizes: list[int], shape: list[int]) -> bool:
    """Whether dropping some unit sizes from `sizes` gives `shape`."""
    j = 0
    for size in sizes:
        if j < len(shape) and shape[j] == size:
            j += 1
        elif size != 1:
            return False
    return j == len(shape)
