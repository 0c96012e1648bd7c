"""MLIR's verifier rules for `expand_shape` and `collapse_shape`, memref and tensor.

A reassociation groups the dims of the expanded type, in order, one group
per dim of the collapsed type; each collapsed dim is the product of its
group. MLIR states the same rules for both dialects with different
messages, so each rule below raises the dialect's own text. A memref's
layout must also survive the reshape: a collapsed group must be contiguous
in memory, and the result type carries the layout that follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from math import prod

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    IntegerAttr,
    MemRefType,
    NoneAttr,
    StridedLayoutAttr,
    TensorType,
)
from xdsl.ir import Attribute
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.strided_rules import strided_form


def reassociation_groups(reassociation: Attribute) -> list[list[int]]:
    """`[[0, 1], [2]]` as lists of ints."""
    assert isinstance(reassociation, ArrayAttr)
    groups: list[list[int]] = []
    for group in reassociation.data:
        assert isinstance(group, ArrayAttr)
        groups.append([i.value.data for i in group.data if isinstance(i, IntegerAttr)])
    return groups


def _check_memref_groups(
    collapsed: Sequence[int], expanded: Sequence[int], groups: list[list[int]]
) -> None:
    """MLIR's `verifyCollapsedShape`: contiguous groups covering every dim, sizes that agree."""
    if not groups and not collapsed:
        return  # a rank-0 collapse of unit dims
    if len(groups) != len(collapsed):
        raise VerifyException(
            f"invalid number of reassociation groups: found {len(groups)}, "
            f"expected {len(collapsed)}"
        )
    next_dim = 0
    for index, group in enumerate(groups):
        for dim in group:
            if dim != next_dim:
                raise VerifyException("reassociation indices must be contiguous")
            next_dim += 1
        if any(dim >= len(expanded) for dim in group):
            break
        sizes = [expanded[dim] for dim in group]
        group_dynamic = DYNAMIC_INDEX in sizes
        if group_dynamic != (collapsed[index] == DYNAMIC_INDEX):
            raise VerifyException(
                f"collapsed dim ({index}) must be dynamic if and only if reassociation "
                "group is dynamic"
            )
        if not group_dynamic and prod(sizes) != collapsed[index]:
            raise VerifyException(
                f"collapsed dim size ({collapsed[index]}) must equal reassociation group "
                f"size ({prod(sizes)})"
            )
    if next_dim != len(expanded):
        raise VerifyException(
            f"expanded rank ({len(expanded)}) inconsistent with number of reassociation "
            f"indices ({next_dim})"
        )


def check_memref_collapse(source: MemRefType, result: MemRefType, groups: list[list[int]]) -> None:
    """Raise VerifyException unless `result` is `source` collapsed by `groups`."""
    src_rank, res_rank = source.get_num_dims(), result.get_num_dims()
    if src_rank < res_rank:
        raise VerifyException(
            f"has source rank {src_rank} and result rank {res_rank}. "
            f"This is not a collapse ({src_rank} < {res_rank})."
        )
    _check_memref_groups(result.get_shape(), source.get_shape(), groups)
    layout: Attribute = NoneAttr()
    if not isinstance(source.layout, NoneAttr):
        collapsed = _collapsed_layout(source, groups)
        if collapsed is None:
            raise VerifyException("invalid source layout map or collapsing non-contiguous dims")
        layout = collapsed
    expected = MemRefType(source.element_type, result.get_shape(), layout, source.memory_space)
    if expected != result:
        raise VerifyException(f"expected collapsed type to be '{expected}' but found '{result}'")


def _collapsed_layout(source: MemRefType, groups: list[list[int]]) -> StridedLayoutAttr | None:
    """The layout of `source` collapsed by `groups`, or None if a group is not contiguous."""
    form = strided_form(source)
    if form is None:
        return None
    strides, offset = form
    shape = source.get_shape()
    result_strides: list[int | None] = []
    for group in groups:
        # Unit dims may have any stride; the rest must nest exactly.
        real = [dim for dim in group if shape[dim] != 1] or group[-1:]
        for outer, inner in pairwise(real):
            a, b, size = strides[outer], strides[inner], shape[inner]
            if a is not None and b is not None and size != DYNAMIC_INDEX and a != b * size:
                return None
        result_strides.append(strides[real[-1]] if real else 1)
    return StridedLayoutAttr(result_strides, offset)


def check_memref_expand(
    source: MemRefType,
    result: MemRefType,
    groups: list[list[int]],
    static_output_shape: Sequence[int],
) -> None:
    """Raise VerifyException unless `result` is `source` expanded by `groups`."""
    src_rank, res_rank = source.get_num_dims(), result.get_num_dims()
    if src_rank > res_rank:
        raise VerifyException(
            f"has source rank {src_rank} and result rank {res_rank}. "
            f"This is not an expansion ({src_rank} > {res_rank})."
        )
    _check_memref_groups(source.get_shape(), result.get_shape(), groups)
    layout: Attribute = NoneAttr()
    if not isinstance(source.layout, NoneAttr):
        form = strided_form(source)
        if form is None:
            raise VerifyException("invalid source layout map")
        layout = _expanded_layout(form, result.get_shape(), groups)
    expected = MemRefType(source.element_type, result.get_shape(), layout, source.memory_space)
    if expected != result:
        raise VerifyException(f"expected expanded type to be '{expected}' but found '{result}'")
    if len(static_output_shape) != res_rank:
        raise VerifyException(
            "expected number of static shape bounds to be equal to the output rank "
            f"({res_rank}) but found {len(static_output_shape)} inputs instead"
        )
    for pos, (given, actual) in enumerate(
        zip(static_output_shape, result.get_shape(), strict=True)
    ):
        if given != DYNAMIC_INDEX and given != actual:
            raise VerifyException(f"invalid output shape provided at pos {pos}")


def _expanded_layout(
    form: tuple[tuple[int | None, ...], int | None],
    shape: Sequence[int],
    groups: list[list[int]],
) -> StridedLayoutAttr:
    """Each group's innermost dim keeps the source stride; outer dims nest around it."""
    strides, offset = form
    result: list[int | None] = [None] * len(shape)
    for source_dim, group in enumerate(groups):
        stride = strides[source_dim]
        for dim in reversed(group):
            result[dim] = stride
            if stride is not None:
                stride = None if shape[dim] == DYNAMIC_INDEX else stride * shape[dim]
    return StridedLayoutAttr(result, offset)


def check_tensor_reshape(
    expanded: TensorType, collapsed: TensorType, groups: list[list[int]]
) -> None:
    """MLIR's `verifyTensorReshapeOp`, for `tensor.collapse_shape` and `expand_shape`."""
    if expanded.get_num_dims() < collapsed.get_num_dims():
        raise VerifyException(
            f"expected the expanded type, '{expanded}' to have a higher (or same) rank "
            f"than the collapsed type, '{collapsed}'."
        )
    if collapsed.get_num_dims() != len(groups):
        raise VerifyException(
            f"expected collapsed rank ({collapsed.get_num_dims()}) to equal the number of "
            f"reassociation maps ({len(groups)})."
        )
    if not groups and not collapsed.get_num_dims():
        return
    flat = [dim for group in groups for dim in group]
    for index, group in enumerate(groups):
        start = sum(len(g) for g in groups[:index])
        if not group or group != list(range(start, start + len(group))):
            raise VerifyException(
                f"expected reassociation map #{index} to be valid and contiguous."
            )
    if len(flat) != expanded.get_num_dims():
        raise VerifyException(
            f"expected reassociation map #0 to have size equal to the expanded rank "
            f"({expanded.get_num_dims()}), but it is  {len(flat)}."
        )
    shape, collapsed_shape = expanded.get_shape(), collapsed.get_shape()
    for index, group in enumerate(groups):
        sizes = [shape[dim] for dim in group]
        if DYNAMIC_INDEX in sizes:
            if collapsed_shape[index] != DYNAMIC_INDEX:
                raise VerifyException(
                    f"expected dimension {index} of collapsed type to be dynamic since one "
                    "or more of the corresponding dimensions in the expanded type is dynamic"
                )
        elif collapsed_shape[index] != prod(sizes):
            raise VerifyException(
                f"expected dimension {index} of collapsed type to be static value of {prod(sizes)}"
            )
    expected = TensorType(expanded.element_type, collapsed_shape)
    if expected != collapsed:
        raise VerifyException(f"expected collapsed type to be '{expected}', but got '{collapsed}'")
