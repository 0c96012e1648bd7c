"""MLIR scalar types as C types; f16/bf16, vectors and tensors are refused.

A C-family target whose language has more types (CUDA's `__nv_bfloat16`, WMMA
fragments) names them for the duration of its emission with `extra_types`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from xdsl.dialects.builtin import (
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    MemRefType,
)
from xdsl.ir import Attribute, Operation

from ziggurat.diagnostics import CompileError

INT_WIDTHS = (1, 8, 16, 32, 64)

TypeNamer = Callable[[Attribute], str]
_EXTRA: ContextVar[Mapping[type, tuple[str, TypeNamer]]] = ContextVar(
    "extra_c_types", default=MappingProxyType({})
)


@contextmanager
def extra_types(names: Mapping[type, tuple[str, TypeNamer]]) -> Iterator[None]:
    """Within the block, types of these classes print as `namer(type)`; the string is
    the short code descriptor struct names use (`bf16`)."""
    token = _EXTRA.set({**_EXTRA.get(), **names})
    try:
        yield
    finally:
        _EXTRA.reset(token)


def int_width(type_: Attribute) -> int | None:
    """The bit width of a signless integer or index type, else None."""
    if isinstance(type_, IndexType):
        return 64
    if isinstance(type_, IntegerType):
        return type_.width.data
    return None


def is_float(type_: Attribute) -> bool:
    return isinstance(type_, Float32Type | Float64Type)


def float_suffix(type_: Attribute) -> str:
    """The <math.h> suffix of a float type: `expf` for f32, `exp` for f64."""
    return "f" if isinstance(type_, Float32Type) else ""


def c_type(type_: Attribute, op: Operation | None = None) -> str:
    """The C type of a scalar value of `type_`."""
    width = int_width(type_)
    if width is not None:
        if width == 1:
            return "bool"
        if width in INT_WIDTHS:
            return f"int{width}_t"
        raise CompileError(f"c: integers of width {width} are not supported ({type_})", op)
    if isinstance(type_, Float32Type):
        return "float"
    if isinstance(type_, Float64Type):
        return "double"
    extra = _EXTRA.get().get(type(type_))
    if extra is not None:
        return extra[1](type_)
    raise CompileError(f"c: values of type {type_} are not supported", op)


def unsigned_type(width: int) -> str:
    """The unsigned C type that holds `width` bits (i1 in a byte)."""
    return "uint8_t" if width == 1 else f"uint{width}_t"


def element_code(type_: Attribute, op: Operation | None = None) -> str:
    """A short code of an element type for descriptor struct names: f32, i8, index, ..."""
    if isinstance(type_, IndexType):
        return "index"
    width = int_width(type_)
    if width is not None:
        c_type(type_, op)
        return f"i{width}"
    c_type(type_, op)
    extra = _EXTRA.get().get(type(type_))
    if extra is not None:
        return extra[0]
    return "f32" if isinstance(type_, Float32Type) else "f64"


def memref_type(type_: Attribute, op: Operation | None = None) -> MemRefType:
    if not isinstance(type_, MemRefType):
        raise CompileError(f"c: values of type {type_} are not supported", op)
    c_type(type_.element_type, op)
    return type_
