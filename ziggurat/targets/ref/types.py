"""How MLIR types map to numpy: element dtypes, shapes, random inputs.

Signless `iN` is numpy's signed `intN` (two's complement, so wrap-around is
numpy's), `i1` is `bool`, `index` is `int64`; `si`/`ui` types map to
signed/unsigned numpy types. `bf16` is `ml_dtypes.bfloat16`.
"""

from __future__ import annotations

from collections.abc import Sequence

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntegerType,
    MemRefType,
    Signedness,
    TensorType,
    VectorType,
)
from xdsl.ir import Attribute, Operation

from ziggurat.diagnostics import CompileError

BF16 = np.dtype(ml_dtypes.bfloat16)
LOW_PRECISION = (np.dtype(np.float16), BF16)
"""Float types whose sums the executor accumulates in their own precision, in order."""

_FLOATS: dict[type, np.dtype] = {
    Float16Type: np.dtype(np.float16),
    BFloat16Type: BF16,
    Float32Type: np.dtype(np.float32),
    Float64Type: np.dtype(np.float64),
}

_UNSIGNED = {
    np.dtype(np.int8): np.dtype(np.uint8),
    np.dtype(np.int16): np.dtype(np.uint16),
    np.dtype(np.int32): np.dtype(np.uint32),
    np.dtype(np.int64): np.dtype(np.uint64),
    np.dtype(np.bool_): np.dtype(np.uint8),
}


def unsigned_dtype(dtype: np.dtype) -> np.dtype:
    """The unsigned numpy type with the same width, to reinterpret bits."""
    return _UNSIGNED.get(dtype, dtype)


def element_dtype(type_: Attribute, op: Operation | None = None) -> np.dtype:
    """The numpy dtype of a scalar MLIR type, or a located error."""
    if isinstance(type_, IndexType):
        return np.dtype(np.int64)
    if isinstance(type_, IntegerType):
        width = type_.width.data
        if width == 1:
            return np.dtype(np.bool_)
        if width in (8, 16, 32, 64):
            unsigned = type_.signedness.data == Signedness.UNSIGNED
            return np.dtype(f"{'u' if unsigned else ''}int{width}")
        raise CompileError(f"ref: cannot execute values of type {type_} (only i1/8/16/32/64)", op)
    dtype = _FLOATS.get(type(type_))
    if dtype is None:
        raise CompileError(f"ref: cannot execute values of type {type_}", op)
    return dtype


def value_dtype(type_: Attribute, op: Operation | None = None) -> np.dtype:
    """The dtype of a scalar, or of the elements of a shaped type."""
    if isinstance(type_, TensorType | MemRefType | VectorType):
        return element_dtype(type_.get_element_type(), op)
    return element_dtype(type_, op)


def static_shape(type_: Attribute, op: Operation | None = None) -> tuple[int, ...]:
    """The shape of a tensor, memref or vector type, which must be static."""
    assert isinstance(type_, TensorType | MemRefType | VectorType)
    shape = tuple(type_.get_shape())
    if any(size == DYNAMIC_INDEX for size in shape):
        raise CompileError(f"ref: cannot make a value of dynamic type {type_} here", op)
    return shape


def is_shaped(type_: Attribute) -> bool:
    return isinstance(type_, TensorType | MemRefType | VectorType)


def random_value(type_: Attribute, rng: np.random.Generator, op: Operation | None) -> np.ndarray:
    """A random argument of `type_`: see `random_inputs` for the distribution."""
    shape = static_shape(type_, op) if is_shaped(type_) else ()
    dtype = value_dtype(type_, op)
    if isinstance(type_, IndexType):
        return rng.integers(0, 8, shape, dtype=np.int64)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if dtype.kind == "f" or dtype == BF16:
        return rng.uniform(-1.0, 1.0, shape).astype(dtype)
    if dtype.kind == "u":
        high = 16 if dtype.itemsize == 1 else 256
        return rng.integers(0, high, shape).astype(dtype)
    bound = {1: 8, 2: 128}.get(dtype.itemsize, 1024)
    return rng.integers(-bound, bound, shape).astype(dtype)


def random_values(types: Sequence[Attribute], seed: int, op: Operation | None) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [random_value(t, rng, op) for t in types]
