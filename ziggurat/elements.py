"""Dense elements that stay cheap: splats in O(1), hex literals as MLIR writes them.

xDSL's `DenseIntOrFPElementsAttr` keeps every element in one bytes buffer, and
its parser expands a splat (`dense<1.0> : tensor<310000000xf32>`) into that many
copies: over a gigabyte and many seconds for what MLIR stores as one element.

`SplatElementsAttr` is the MLIR representation: a subclass of xDSL's attribute
whose buffer holds one element, for a shape of any size. Being a subclass (and
not an attribute of its own) is the point: every xDSL constraint, op and pass
that accepts a `DenseIntOrFPElementsAttr` accepts a splat unchanged, and the
methods that hand out elements (`len`, `get_values`, `iter_values`,
`get_attrs`, `iter_attrs`) give all of them, so a consumer that needs the
elements still gets them right; only a consumer that reads `data` itself sees
one element, and none in ziggurat or in the xDSL passes ziggurat runs does.
A lazily expanded buffer was the other choice, but `bytes` cannot be lazy and
xDSL hashes and compares the buffer. Code that wants the elements uses
`elements_array`, a numpy view (broadcast for a splat), never a Python list.

Splats are canonical: `splat` and `dense_from_buffer` (what the parser uses for
lists and hex alike) return a `SplatElementsAttr` whenever every element is the
same, as MLIR does, so equal constants compare and hash equal.

Hex literals (`dense<"0x...">`) are MLIR's raw storage, little-endian: one
element's bytes for a splat, else every element's; `i1` packs 8 elements a
byte (a splat is `0x00` or `0xFF`); other integers take ceil(width / 8) bytes.
Printing follows mlir-opt: a splat as its one value, and a literal of more than
`PRINT_OPTIONS.hex_if_larger` elements (100 unless `-1`, which turns hex off) in hex.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any, cast

import numpy as np
from xdsl.dialects.builtin import (
    AnyFloat,
    BFloat16Type,
    BytesAttr,
    ComplexType,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    RankedStructure,
    Signedness,
)
from xdsl.ir import Attribute
from xdsl.printer import Printer

from ziggurat.xdsl_compat import replace_dense_printer, subclassing_final

DenseType = RankedStructure[Any]
"""A tensor, memref or vector type of a static shape, as a dense literal is typed."""


@dataclass
class PrintOptions:
    """How dense literals print; `ziggurat-opt` sets these from its flags."""

    hex_if_larger: int = 100
    """Print in hex a literal of more elements than this (-1: never), as mlir-opt does."""


PRINT_OPTIONS = PrintOptions()


def element_count(type_: DenseType) -> int:
    return math.prod(type_.get_shape())


with subclassing_final(DenseIntOrFPElementsAttr):

    class SplatElementsAttr(DenseIntOrFPElementsAttr):
        """Every element of the shape is the one element `data` holds."""

        def __len__(self) -> int:
            return math.prod(self.get_shape())

        @property
        def shape_is_complete(self) -> bool:
            return all(d >= 1 for d in self.get_shape())

        @property
        def value(self) -> Any:
            """The value of every element (int, float, or a (real, imag) pair)."""
            return self.get_element_type().unpack(self.data.data, 1)[0]

        def is_splat(self) -> bool:
            return True

        def iter_values(self) -> Iterator[Any]:
            return repeat(self.value, len(self))

        def get_values(self) -> tuple[Any, ...]:
            return (self.value,) * len(self)

        def iter_attrs(self) -> Iterator[Any]:
            return repeat(self._element_attr(), len(self))

        def get_attrs(self) -> tuple[Any, ...]:
            return (self._element_attr(),) * len(self)

        def _element_attr(self) -> IntegerAttr | FloatAttr:
            element_type = self.get_element_type()
            if isinstance(element_type, IntegerType | IndexType):
                return IntegerAttr(cast(int, self.value), element_type)
            if isinstance(element_type, AnyFloat):
                return FloatAttr(cast(float, self.value), element_type)
            raise NotImplementedError(f"no attribute for an element of {element_type}")


def splat(type_: DenseType, value: Any) -> DenseIntOrFPElementsAttr:
    """`dense<value> : type_`, one element stored whatever the shape."""
    element_type = type_.get_element_type()
    if isinstance(element_type, IntegerType):
        value = element_type.get_normalized_value(value)
    one = element_type.pack((value,))
    if element_count(type_) == 1:
        return DenseIntOrFPElementsAttr(type_, BytesAttr(one))
    return dense_from_buffer(type_, one)


def dense_from_buffer(type_: DenseType, buffer: bytes) -> DenseIntOrFPElementsAttr:
    """The attribute with xDSL's storage `buffer`: one element (a splat) or all of them.

    A buffer of identical elements becomes a splat, so that splats are canonical.
    """
    size = type_.get_element_type().compile_time_size
    count = element_count(type_)
    if count >= 2 and len(buffer) != size:
        rows = np.frombuffer(buffer, np.uint8).reshape(count, size)
        if (rows == rows[0]).all():
            buffer = bytes(rows[0])
    if count >= 2 and len(buffer) == size:
        return SplatElementsAttr(type_, BytesAttr(buffer))
    return DenseIntOrFPElementsAttr(type_, BytesAttr(buffer))


def canonical(attr: DenseIntOrFPElementsAttr) -> DenseIntOrFPElementsAttr:
    """`attr`, as a splat when all its elements are the same."""
    if isinstance(attr, SplatElementsAttr) or len(attr.data.data) == 0:
        return attr
    return dense_from_buffer(cast(DenseType, attr.type), attr.data.data)


# Elements as numpy arrays ------------------------------------------------------


def storage_dtype(element_type: Attribute) -> np.dtype | None:
    """The numpy dtype of xDSL's storage of one element, or None if numpy has none."""
    if isinstance(element_type, IntegerType | IndexType):
        try:
            return np.dtype(element_type.format)
        except NotImplementedError:
            return None
    if isinstance(element_type, BFloat16Type):
        import ml_dtypes  # slow to import, and only bf16 needs it

        return np.dtype(ml_dtypes.bfloat16)
    if isinstance(element_type, ComplexType):
        inner = storage_dtype(cast(ComplexType, element_type).element_type)
        if inner is not None and inner.kind == "f" and inner.itemsize in (4, 8):
            return np.dtype(f"<c{2 * inner.itemsize}")
        return None
    if isinstance(element_type, Float16Type | Float32Type | Float64Type):
        return np.dtype(element_type.format)
    return None


def elements_array(attr: DenseIntOrFPElementsAttr) -> np.ndarray:
    """The elements as a read-only numpy array of `attr`'s shape, without a copy.

    A splat is a broadcast view of its one element: O(1) whatever the shape.
    `i1` elements are int8 (0 or -1), as xDSL stores them.
    """
    dtype = storage_dtype(attr.get_element_type())
    if dtype is None:
        raise ValueError(f"no numpy type for elements of {attr.get_element_type()}")
    flat = np.frombuffer(attr.data.data, dtype)
    shape = attr.get_shape()
    if isinstance(attr, SplatElementsAttr):
        return np.broadcast_to(flat[0], shape)
    return flat.reshape(shape)


# MLIR's raw storage (hex literals) ---------------------------------------------


class HexError(ValueError):
    """A hex literal that does not fit its type; the message is mlir-opt's."""


def _int_layout(element_type: Attribute) -> tuple[int, bool] | None:
    """(width, signed) of an integer element whose MLIR storage differs from xDSL's."""
    if not isinstance(element_type, IntegerType):
        return None
    width = element_type.width.data
    if width == 1 or (width % 8 == 0 and (width // 8) == element_type.compile_time_size):
        return None
    signed = element_type.signedness.data != Signedness.UNSIGNED
    return width, signed


def from_mlir_bytes(type_: DenseType, raw: bytes) -> DenseIntOrFPElementsAttr:
    """The attribute whose MLIR raw storage is `raw` (one element's for a splat)."""
    element_type = type_.get_element_type()
    count = element_count(type_)
    invalid = HexError(f"elements hex data size is invalid for provided type: '{type_}'")
    if isinstance(element_type, IntegerType) and element_type.width.data == 1:
        if len(raw) == (count + 7) // 8:
            bits = np.unpackbits(np.frombuffer(raw, np.uint8), bitorder="little")[:count]
            return dense_from_buffer(type_, (bits.astype(np.int8) * -1).tobytes())
        if len(raw) == 1 and raw[0] in (0x00, 0xFF):
            return splat(type_, -1 if raw[0] else 0)
        raise invalid
    size = element_type.compile_time_size
    layout = _int_layout(element_type)
    if layout is not None:
        width, signed = layout
        stored = (width + 7) // 8
        if len(raw) not in (stored, stored * count):
            raise invalid
        rows = np.frombuffer(raw, np.uint8).reshape(-1, stored)
        padded = np.zeros((rows.shape[0], 8), np.uint8)
        padded[:, :stored] = rows
        values = padded.view("<u8")[:, 0] & np.uint64((1 << width) - 1)
        if signed:
            sign = np.uint64(1 << (width - 1))
            values = (values ^ sign).astype(np.int64) - np.int64(1 << (width - 1))
        dtype = storage_dtype(element_type)
        assert dtype is not None
        raw, size = values.astype(dtype).tobytes(), dtype.itemsize
    if len(raw) not in (size, size * count):
        raise invalid
    return dense_from_buffer(type_, raw)


def to_mlir_bytes(attr: DenseIntOrFPElementsAttr) -> bytes | None:
    """MLIR's raw storage of `attr`'s elements (one element's for a splat), or None."""
    element_type = attr.get_element_type()
    data = attr.data.data
    if isinstance(element_type, IntegerType) and element_type.width.data == 1:
        if isinstance(attr, SplatElementsAttr):
            return b"\xff" if attr.value else b"\x00"
        bits = np.frombuffer(data, np.int8) != 0
        return np.packbits(bits, bitorder="little").tobytes()
    layout = _int_layout(element_type)
    if layout is None:
        return data
    width, _ = layout
    dtype = storage_dtype(element_type)
    if dtype is None or width > 64:
        return None
    values = np.frombuffer(data, dtype).astype(np.int64).view(np.uint64)
    values = values & np.uint64((1 << width) - 1)
    stored = (width + 7) // 8
    return values.astype("<u8").view(np.uint8).reshape(-1, 8)[:, :stored].tobytes()


# Printing ----------------------------------------------------------------------


def _print_element(printer: Printer, value: Any, element_type: Attribute) -> None:
    if isinstance(element_type, IntegerType | IndexType):
        printer.print_int(value, element_type)
    elif isinstance(element_type, AnyFloat):
        printer.print_float(value, element_type)
    else:
        assert isinstance(element_type, ComplexType)
        printer.print_complex(value, cast(ComplexType[Any], element_type))


def _print_nested(
    printer: Printer, values: tuple[Any, ...], shape: tuple[int, ...], element_type: Attribute
) -> None:
    """`[[a, b], [c, d]]`: one bracket per dimension, in row-major order."""
    strides = [math.prod(shape[i + 1 :]) for i in range(len(shape))]

    def print_level(dim: int, start: int) -> None:
        printer.print_string("[")
        for i in range(shape[dim]):
            if i:
                printer.print_string(", ")
            at = start + i * strides[dim]
            if dim + 1 == len(shape):
                _print_element(printer, values[at], element_type)
            else:
                print_level(dim + 1, at)
        printer.print_string("]")

    print_level(0, 0)


def print_dense(self: DenseIntOrFPElementsAttr, printer: Printer) -> None:
    """`dense<...>` without its type, as mlir-opt prints it.

    Time is O(1) for a splat and linear in the element count otherwise.
    """
    printer.print_string("dense<")
    attr = canonical(self)
    element_type = attr.get_element_type()
    count = len(attr)
    shape = attr.get_shape() if attr.shape_is_complete else (count,)
    limit = PRINT_OPTIONS.hex_if_larger
    if isinstance(attr, SplatElementsAttr):
        _print_element(printer, attr.value, element_type)
    elif count == 1:
        _print_element(printer, attr.get_values()[0], element_type)
    elif count:
        raw = to_mlir_bytes(attr) if limit != -1 and count > limit else None
        if raw is not None:
            printer.print_string(f'"0x{raw.hex().upper()}"')
        else:
            _print_nested(printer, attr.get_values(), shape, element_type)
    printer.print_string(">")


replace_dense_printer(print_dense)


__all__ = [
    "PRINT_OPTIONS",
    "HexError",
    "SplatElementsAttr",
    "canonical",
    "dense_from_buffer",
    "element_count",
    "elements_array",
    "from_mlir_bytes",
    "print_dense",
    "splat",
    "storage_dtype",
    "to_mlir_bytes",
]
