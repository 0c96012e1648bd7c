"""`arith` ops with MLIR's exact semantics, on numpy scalars or arrays.

Every handler works on scalars (scalar interpretation), on arrays of the
op's tensor or vector type, and on arrays of lanes (vectorised loops and
linalg bodies), because numpy broadcasts all three the same way.

Signless integers are held as signed numpy integers; the ops that MLIR
defines as unsigned (`divui`, `cmpi ult`, `extui`, ...) reinterpret the bits
as unsigned. `i1` is `bool`: read as a signed 1-bit integer its `true` is -1,
which is what `extsi`, `sitofp` and signed comparisons see.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IntegerAttr,
)
from xdsl.ir import Attribute, Operation

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.types import BF16, is_shaped, unsigned_dtype, value_dtype

Value = Any
Handler = Callable[[Any, dict, Operation, list], "tuple | list | None"]


@cache
def result_info(type_: Attribute) -> tuple[np.dtype, bool]:
    """The dtype of a result type, and whether it is shaped (tensor/vector)."""
    return value_dtype(type_), is_shaped(type_)


def finish(value: Value, op: Operation) -> Value:
    """`value` in the dtype of `op`'s result; a numpy scalar if that is a scalar."""
    dtype, shaped = result_info(op.results[0].type)
    if not isinstance(value, np.ndarray | np.generic) or value.dtype != dtype:
        value = np.asarray(value).astype(dtype)
    if not shaped and isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def _sext1(a: Value) -> Value:
    """An `i1` read as a signed integer: true is -1."""
    return np.negative(np.asarray(a).astype(np.int8))


def _to_i1(r: Value) -> Value:
    return (np.asarray(r) & 1).astype(np.bool_)


def _unsigned(a: Value) -> Value:
    return a.astype(unsigned_dtype(a.dtype))


def _check_divisor(b: Value, op: Operation) -> None:
    if np.any(np.asarray(b) == 0):
        raise CompileError(f"ref: integer division by zero in '{op.name}'", op)


def _int_binary(fn: Callable[[Value, Value, Operation], Value], signed: bool = True) -> Handler:
    """A handler for a binary integer op; `i1` operands are widened first."""

    def handler(interp, env, op, vals):
        a, b = vals
        if a.dtype == np.bool_:
            if signed:
                r = fn(_sext1(a), _sext1(b), op)
            else:
                r = fn(np.asarray(a).astype(np.uint8), np.asarray(b).astype(np.uint8), op)
            return (finish(_to_i1(r), op),)
        if not signed:
            r = fn(_unsigned(a), _unsigned(b), op)
            return (finish(np.asarray(r).astype(a.dtype), op),)
        return (finish(fn(a, b, op), op),)

    return handler


def _divsi(a, b, op):
    _check_divisor(b, op)
    q = np.floor_divide(a, b)
    inexact = (np.remainder(a, b) != 0) & ((a < 0) != (b < 0))
    return q + np.asarray(inexact).astype(q.dtype)


def _ceildiv(a, b, op):
    _check_divisor(b, op)
    q = np.floor_divide(a, b)
    return q + np.asarray(np.remainder(a, b) != 0).astype(q.dtype)


def _floordiv(a, b, op):
    _check_divisor(b, op)
    return np.floor_divide(a, b)


def _remsi(a, b, op):
    _check_divisor(b, op)
    return np.fmod(a, b)


def _remui(a, b, op):
    _check_divisor(b, op)
    return np.remainder(a, b)


def _shift(kind: str) -> Handler:
    """`shli`, `shrsi`, `shrui`: shifting by the bit width or more gives 0 (or the sign)."""

    def handler(interp, env, op, vals):
        a, b = vals
        is_bool = a.dtype == np.bool_
        if is_bool:
            a, b = np.asarray(a).astype(np.int8), np.asarray(b).astype(np.int8)
        width = 1 if is_bool else a.dtype.itemsize * 8
        amount = np.asarray(_unsigned(np.asarray(b))).astype(np.uint64)
        big = amount >= width
        safe = np.where(big, 0, amount).astype(a.dtype)
        if kind == "shli":
            r = np.where(big, 0, np.left_shift(a, safe))
        elif kind == "shrsi":
            fill = np.where(np.asarray(a) < 0, -1, 0)
            r = np.where(big, fill, np.right_shift(a, safe))
        else:
            u = _unsigned(np.asarray(a))
            r = np.where(big, 0, np.right_shift(u, safe.astype(u.dtype)))
        r = np.asarray(r).astype(a.dtype)
        return (finish(_to_i1(r) if is_bool else r, op),)

    return handler


def _float_binary(ufunc: Callable[[Value, Value], Value]) -> Handler:
    def handler(interp, env, op, vals):
        return (finish(ufunc(vals[0], vals[1]), op),)

    return handler


def maximumf(a: Value, b: Value) -> Value:
    """IEEE maximum: NaN wins, and +0 is larger than -0."""
    r = np.maximum(a, b)
    zeros = (a == 0) & (b == 0)
    if np.any(zeros):
        r = np.where(zeros, np.where(np.signbit(a), b, a), r)
    return r


def minimumf(a: Value, b: Value) -> Value:
    """IEEE minimum: NaN wins, and -0 is smaller than +0."""
    r = np.minimum(a, b)
    zeros = (a == 0) & (b == 0)
    if np.any(zeros):
        r = np.where(zeros, np.where(np.signbit(a), a, b), r)
    return r


def _cmpi(interp, env, op, vals):
    a, b = vals
    predicate = op.properties["predicate"].value.data  # pyright: ignore
    if predicate >= 6:
        ua = np.asarray(a).astype(np.uint8) if a.dtype == np.bool_ else _unsigned(a)
        ub = np.asarray(b).astype(np.uint8) if b.dtype == np.bool_ else _unsigned(b)
        a, b = ua, ub
        predicate -= 4
    elif predicate >= 2 and a.dtype == np.bool_:
        a, b = _sext1(a), _sext1(b)
    r = (np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal)[predicate](
        a, b
    )
    return (finish(r, op),)


def _cmpf(interp, env, op, vals):
    a, b = vals
    predicate = op.properties["predicate"].value.data  # pyright: ignore
    if predicate in (0, 15):
        return (finish(np.full(np.broadcast(a, b).shape, predicate == 15), op),)
    unordered = np.isnan(a) | np.isnan(b)
    base = predicate if predicate < 8 else predicate - 7
    # 1 eq, 2 gt, 3 ge, 4 lt, 5 le, 6 ne, 7 ord (unordered: 8 eq ... 13 ne, 14 uno)
    if base == 7:
        r = ~unordered if predicate == 7 else unordered
    else:
        fn = (None, np.equal, np.greater, np.greater_equal, np.less, np.less_equal, np.not_equal)
        r = fn[base](a, b)  # pyright: ignore[reportOptionalCall]
        r = (r & ~unordered) if predicate < 8 else (r | unordered)
    return (finish(r, op),)


def _select(interp, env, op, vals):
    c, a, b = vals
    if not isinstance(c, np.ndarray):
        return (a if c else b,)
    return (finish(np.where(c, a, b), op),)


def _constant(interp, env, op, vals):
    return (constant_value(op.properties["value"], result_info(op.results[0].type)[0], op),)


def constant_value(attr: Attribute, dtype: np.dtype, op: Operation) -> Value:
    """The numpy value of a constant attribute (`arith.constant`, `memref.global`)."""
    if isinstance(attr, DenseIntOrFPElementsAttr):
        values = attr.get_values()
        shape = attr.get_shape()
        if dtype == np.bool_:
            data = np.array([v != 0 for v in values], dtype=np.bool_)
        elif dtype == BF16:
            data = np.array(values, dtype=np.float32).astype(dtype)
        else:
            data = np.array(values).astype(dtype)
        if data.size == 1 and int(np.prod(shape)) != 1:
            return np.full(shape, data[0], dtype=dtype)
        return data.reshape(shape)
    if isinstance(attr, IntegerAttr):
        v = attr.value.data
        if dtype == np.bool_:
            return np.bool_(v != 0)
        bits = np.array(v % (1 << (8 * dtype.itemsize))).astype(unsigned_dtype(dtype))
        return bits.astype(dtype)[()]
    if isinstance(attr, FloatAttr):
        return np.asarray(attr.value.data, dtype=np.float64).astype(dtype)[()]
    raise CompileError(f"ref: cannot execute '{op.name}' with value {attr}", op)


# Casts ------------------------------------------------------------------------


def _cast(fn: Callable[[Value, np.dtype], Value]) -> Handler:
    def handler(interp, env, op, vals):
        dtype, _ = result_info(op.results[0].type)
        return (finish(fn(vals[0], dtype), op),)

    return handler


def _extsi(a, dtype):
    if a.dtype == np.bool_:
        return np.asarray(_sext1(a)).astype(dtype)
    return np.asarray(a).astype(dtype)


def _extui(a, dtype):
    if a.dtype == np.bool_:
        return np.asarray(a).astype(dtype)
    return np.asarray(_unsigned(a)).astype(dtype)


def _trunci(a, dtype):
    if dtype == np.bool_:
        return _to_i1(a)
    return np.asarray(a).astype(dtype)


def _index_cast(a, dtype):
    return _trunci(a, dtype) if a.dtype.itemsize > dtype.itemsize else _extsi(a, dtype)


def _index_castui(a, dtype):
    return _trunci(a, dtype) if a.dtype.itemsize > dtype.itemsize else _extui(a, dtype)


def _sitofp(a, dtype):
    if a.dtype == np.bool_:
        a = _sext1(a)
    return np.asarray(a).astype(np.float64 if dtype == BF16 else dtype).astype(dtype)


def _uitofp(a, dtype):
    u = np.asarray(a).astype(np.uint8) if a.dtype == np.bool_ else _unsigned(a)
    return np.asarray(u).astype(np.float64 if dtype == BF16 else dtype).astype(dtype)


def _fptosi(a, dtype):
    t = np.trunc(np.asarray(a).astype(np.float64))
    if dtype == np.bool_:
        return t != 0
    return t.astype(dtype)


def _fptoui(a, dtype):
    t = np.trunc(np.asarray(a).astype(np.float64))
    if dtype == np.bool_:
        return t != 0
    return t.astype(unsigned_dtype(dtype)).astype(dtype)


def _float_cast(a, dtype):
    return np.asarray(a).astype(dtype)


def _bitcast(a, dtype):
    return np.ascontiguousarray(a).view(dtype)


def _unary_float(fn: Callable[[Value], Value]) -> Handler:
    def handler(interp, env, op, vals):
        return (finish(fn(vals[0]), op),)

    return handler


HANDLERS: dict[str, Handler] = {
    "arith.constant": _constant,
    "arith.addi": _int_binary(lambda a, b, op: np.add(a, b)),
    "arith.subi": _int_binary(lambda a, b, op: np.subtract(a, b)),
    "arith.muli": _int_binary(lambda a, b, op: np.multiply(a, b)),
    "arith.divsi": _int_binary(_divsi),
    "arith.divui": _int_binary(_floordiv, signed=False),
    "arith.ceildivsi": _int_binary(_ceildiv),
    "arith.ceildivui": _int_binary(_ceildiv, signed=False),
    "arith.floordivsi": _int_binary(_floordiv),
    "arith.remsi": _int_binary(_remsi),
    "arith.remui": _int_binary(_remui, signed=False),
    "arith.maxsi": _int_binary(lambda a, b, op: np.maximum(a, b)),
    "arith.minsi": _int_binary(lambda a, b, op: np.minimum(a, b)),
    "arith.maxui": _int_binary(lambda a, b, op: np.maximum(a, b), signed=False),
    "arith.minui": _int_binary(lambda a, b, op: np.minimum(a, b), signed=False),
    "arith.andi": _int_binary(lambda a, b, op: np.bitwise_and(a, b)),
    "arith.ori": _int_binary(lambda a, b, op: np.bitwise_or(a, b)),
    "arith.xori": _int_binary(lambda a, b, op: np.bitwise_xor(a, b)),
    "arith.shli": _shift("shli"),
    "arith.shrsi": _shift("shrsi"),
    "arith.shrui": _shift("shrui"),
    "arith.addf": _float_binary(np.add),
    "arith.subf": _float_binary(np.subtract),
    "arith.mulf": _float_binary(np.multiply),
    "arith.divf": _float_binary(np.divide),
    "arith.remf": _float_binary(np.fmod),
    "arith.maximumf": _float_binary(maximumf),
    "arith.minimumf": _float_binary(minimumf),
    "arith.maxnumf": _float_binary(np.fmax),
    "arith.minnumf": _float_binary(np.fmin),
    "arith.negf": _unary_float(np.negative),
    "arith.cmpi": _cmpi,
    "arith.cmpf": _cmpf,
    "arith.select": _select,
    "arith.extsi": _cast(_extsi),
    "arith.extui": _cast(_extui),
    "arith.trunci": _cast(_trunci),
    "arith.index_cast": _cast(_index_cast),
    "arith.index_castui": _cast(_index_castui),
    "arith.sitofp": _cast(_sitofp),
    "arith.uitofp": _cast(_uitofp),
    "arith.fptosi": _cast(_fptosi),
    "arith.fptoui": _cast(_fptoui),
    "arith.extf": _cast(_float_cast),
    "arith.truncf": _cast(_float_cast),
    "arith.bitcast": _cast(_bitcast),
}

COMBINERS: dict[str, np.ufunc] = {
    "arith.addf": np.add,
    "arith.addi": np.add,
    "arith.mulf": np.multiply,
    "arith.muli": np.multiply,
    "arith.maximumf": np.maximum,
    "arith.minimumf": np.minimum,
    "arith.maxnumf": np.fmax,
    "arith.minnumf": np.fmin,
    "arith.maxsi": np.maximum,
    "arith.minsi": np.minimum,
    "arith.andi": np.bitwise_and,
    "arith.ori": np.bitwise_or,
    "arith.xori": np.bitwise_xor,
}
"""Associative, commutative ops, and the numpy ufunc that reduces with each.

Not for `i1` operands, whose `addi` is a xor and `muli` an and.
"""


KIND_COMBINE: dict[str, Callable[[Value, Value], Value]] = {
    "addf": np.add,
    "addi": np.add,
    "mulf": np.multiply,
    "muli": np.multiply,
    "andi": np.bitwise_and,
    "ori": np.bitwise_or,
    "xori": np.bitwise_xor,
    "maximumf": maximumf,
    "minimumf": minimumf,
    "maxnumf": np.fmax,
    "minnumf": np.fmin,
    "maxs": np.maximum,
    "mins": np.minimum,
    "maxu": lambda a, b: np.maximum(_unsigned(a), _unsigned(b)).astype(a.dtype),
    "minu": lambda a, b: np.minimum(_unsigned(a), _unsigned(b)).astype(a.dtype),
    "assign": lambda acc, v: v,
}
"""How each `arith::AtomicRMWKind` (of `affine.parallel`, `memref.atomic_rmw`) combines."""
