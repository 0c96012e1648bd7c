"""`memref` ops whose only change from xDSL's is MLIR's verifier rules and messages.

Each op checks MLIR's rules before xDSL's own verifier runs, so an invalid
op is reported in MLIR's words (tests written for mlir-opt match) and the
rules xDSL lacks (a reinterpret_cast's offset and strides, an alignment
that is not a power of two) are enforced.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import memref as xmemref
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, UnrankedMemRefType
from xdsl.ir import Attribute
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.slice_rules import check_dynamic_sizes
from ziggurat.dialects.strided_rules import check_reinterpret_cast, strided_form


class LoadOp(xmemref.LoadOp):
    """`memref.load %m[%i, %j] : memref<4x4xf32>`: one index per dimension."""

    def verify_(self) -> None:
        memref = self.memref.type
        if isinstance(memref, MemRefType) and len(self.indices) != memref.get_num_dims():
            raise VerifyException(
                f"incorrect number of indices for load, expected {memref.get_num_dims()} "
                f"but got {len(self.indices)}"
            )
        super().verify_()


class StoreOp(xmemref.StoreOp):
    """`memref.store %v, %m[%i, %j] : memref<4x4xf32>`: one index per dimension."""

    def verify_(self) -> None:
        memref = self.memref.type
        if isinstance(memref, MemRefType) and len(self.indices) != memref.get_num_dims():
            raise VerifyException("store index operand count not equal to memref rank")
        super().verify_()


def _check_alignment(alignment: Attribute | None) -> None:
    value = getattr(getattr(alignment, "value", None), "data", None)
    if isinstance(value, int) and (value <= 0 or value & (value - 1)):
        raise VerifyException(
            "attribute 'alignment' failed to satisfy constraint: 64-bit signless integer "
            "attribute whose value is positive and whose value is a power of two > 0"
        )


class AllocOp(xmemref.AllocOp):
    """`memref.alloc(%n) : memref<?x4xf32>`: one size per dynamic dimension."""

    def verify_(self) -> None:
        check_dynamic_sizes(self.memref.type, len(self.dynamic_sizes))
        _check_alignment(self.alignment)
        super().verify_()


class AllocaOp(xmemref.AllocaOp):
    """`memref.alloca(%n) : memref<?x4xf32>`: one size per dynamic dimension."""

    def verify_(self) -> None:
        check_dynamic_sizes(self.memref.type, len(self.dynamic_sizes))
        _check_alignment(self.alignment)
        super().verify_()


class ViewOp(xmemref.ViewOp):
    """`memref.view %buf[%shift][%n] : memref<2048xi8> to memref<?x4xf32>`"""

    def verify_(self) -> None:
        check_dynamic_sizes(self.result.type, len(self.sizes))
        super().verify_()


class AssumeAlignmentOp(xmemref.AssumeAlignmentOp):
    """`memref.assume_alignment %m, 16 : memref<4xf32>`: a power-of-two byte alignment."""

    def verify_(self) -> None:
        alignment = self.alignment.value.data
        if alignment <= 0 or alignment & (alignment - 1):
            raise VerifyException("alignment must be power of 2")
        super().verify_()


class ReinterpretCastOp(xmemref.ReinterpretCastOp):
    """`memref.reinterpret_cast`: the result type states the offset, sizes and strides given."""

    def verify_(self) -> None:
        source, result = self.source.type, self.result.type
        if isinstance(source, MemRefType) and isinstance(result, MemRefType):
            check_reinterpret_cast(
                source,
                result,
                self.static_offsets.get_values(),
                self.static_sizes.get_values(),
                self.static_strides.get_values(),
            )
        super().verify_()


def memref_cast_compatible(a: Attribute, b: Attribute) -> bool:
    """MLIR's `memref.cast` rule: the same buffer seen with more or less static information.

    Element type and memory space agree; ranked types have one rank, sizes
    and strides that agree where both are static; an unranked type may be
    cast to or from a ranked one but not to another unranked type.
    """
    if isinstance(a, UnrankedMemRefType) and isinstance(b, UnrankedMemRefType):
        return False
    if not isinstance(a, MemRefType | UnrankedMemRefType) or not isinstance(
        b, MemRefType | UnrankedMemRefType
    ):
        return False
    if a.element_type != b.element_type or a.memory_space != b.memory_space:
        return False
    if not isinstance(a, MemRefType) or not isinstance(b, MemRefType):
        return True
    if a.get_num_dims() != b.get_num_dims():
        return False
    if not _agree(a.get_shape(), b.get_shape(), DYNAMIC_INDEX):
        return False
    if a.layout == b.layout:
        return True
    form_a, form_b = strided_form(a), strided_form(b)
    if form_a is None or form_b is None:
        return False
    return _agree(form_a[0], form_b[0], None) and _agree([form_a[1]], [form_b[1]], None)


def _agree(xs: Sequence[int | None], ys: Sequence[int | None], dynamic: int | None) -> bool:
    """Equal wherever both are static."""
    return len(xs) == len(ys) and all(
        x == y or dynamic in (x, y) for x, y in zip(xs, ys, strict=True)
    )
