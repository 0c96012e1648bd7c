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
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr,
    FloatAttr,
    IntegerAttr,
)
from xdsl.ir import Attribute, Operation

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.arith import IndexCastUIOp, RemFOp
from ziggurat.elements import SplatElementsAttr, elements_array, storage_dtype
from ziggurat.targets.ref.handlers import Env, Handler, OpHandlers, Results, Value, Values
from ziggurat.targets.ref.types import BF16, is_shaped, unsigned_dtype, value_dtype

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

OpHandler: TypeAlias = "Handler[Interpreter, Operation]"
"""A handler that works on any op with the operands and result its factory expects."""

HANDLERS: OpHandlers[Interpreter] = OpHandlers()


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


def _int_binary(fn: Callable[[Value, Value, Operation], Value], signed: bool = True) -> OpHandler:
    """A handler for a binary integer op; `i1` operands are widened first."""

    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
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


def _shift(kind: str) -> OpHandler:
    """`shli`, `shrsi`, `shrui`: shifting by the bit width or more gives 0 (or the sign)."""

    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
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


def _float_binary(ufunc: Callable[[Value, Value], Value]) -> OpHandler:
    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
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


@HANDLERS.on(arith.CmpiOp)
def _cmpi(interp: Interpreter, env: Env, op: arith.CmpiOp, vals: Values) -> Results:
    a, b = vals
    predicate = op.predicate.value.data
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


@HANDLERS.on(arith.CmpfOp)
def _cmpf(interp: Interpreter, env: Env, op: arith.CmpfOp, vals: Values) -> Results:
    a, b = vals
    predicate = op.predicate.value.data
    if predicate in (0, 15):
        return (finish(np.full(np.broadcast(a, b).shape, predicate == 15), op),)
    unordered = np.isnan(a) | np.isnan(b)
    base = predicate if predicate < 8 else predicate - 7
    # 1 eq, 2 gt, 3 ge, 4 lt, 5 le, 6 ne, 7 ord (unordered: 8 eq ... 13 ne, 14 uno)
    if base == 7:
        r = ~unordered if predicate == 7 else unordered
    else:
        fn = (np.equal, np.greater, np.greater_equal, np.less, np.less_equal, np.not_equal)
        r = fn[base - 1](a, b)
        r = (r & ~unordered) if predicate < 8 else (r | unordered)
    return (finish(r, op),)


@HANDLERS.on(arith.SelectOp)
def select(interp: Interpreter, env: Env, op: arith.SelectOp, vals: Values) -> Results:
    c, a, b = vals
    if not isinstance(c, np.ndarray):
        return (a if c else b,)
    return (finish(np.where(c, a, b), op),)


@HANDLERS.on(arith.ConstantOp)
def _constant(interp: Interpreter, env: Env, op: arith.ConstantOp, vals: Values) -> Results:
    return (constant_value(op.value, result_info(op.result.type)[0], op),)


def constant_value(attr: Attribute, dtype: np.dtype, op: Operation) -> Value:
    """The numpy value of a constant attribute (`arith.constant`, `memref.global`)."""
    if isinstance(attr, DenseIntOrFPElementsAttr):
        if storage_dtype(attr.get_element_type()) is not None:
            return _dense_value(attr, dtype)
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


def _dense_value(attr: DenseIntOrFPElementsAttr, dtype: np.dtype) -> np.ndarray:
    """The elements as `dtype`, read from the attribute's buffer (a splat's one element)."""
    stored = elements_array(attr)
    if isinstance(attr, SplatElementsAttr):
        stored = stored.reshape(-1)[:1]
    if dtype == np.bool_:
        data = stored != 0
    elif dtype == BF16 and stored.dtype != BF16:
        data = stored.astype(np.float32).astype(dtype)
    else:
        data = stored.astype(dtype)
    if isinstance(attr, SplatElementsAttr):
        return np.full(attr.get_shape(), data[0], dtype=dtype)
    return data


# Casts ------------------------------------------------------------------------


def _cast(fn: Callable[[Value, np.dtype], Value]) -> OpHandler:
    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
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


def _unary_float(fn: Callable[[Value], Value]) -> OpHandler:
    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
        return (finish(fn(vals[0]), op),)

    return handler


HANDLERS.add(arith.AddiOp, _int_binary(lambda a, b, op: np.add(a, b)))
HANDLERS.add(arith.SubiOp, _int_binary(lambda a, b, op: np.subtract(a, b)))
HANDLERS.add(arith.MuliOp, _int_binary(lambda a, b, op: np.multiply(a, b)))
HANDLERS.add(arith.DivSIOp, _int_binary(_divsi))
HANDLERS.add(arith.DivUIOp, _int_binary(_floordiv, signed=False))
HANDLERS.add(arith.CeilDivSIOp, _int_binary(_ceildiv))
HANDLERS.add(arith.CeilDivUIOp, _int_binary(_ceildiv, signed=False))
HANDLERS.add(arith.FloorDivSIOp, _int_binary(_floordiv))
HANDLERS.add(arith.RemSIOp, _int_binary(_remsi))
HANDLERS.add(arith.RemUIOp, _int_binary(_remui, signed=False))
HANDLERS.add(arith.MaxSIOp, _int_binary(lambda a, b, op: np.maximum(a, b)))
HANDLERS.add(arith.MinSIOp, _int_binary(lambda a, b, op: np.minimum(a, b)))
HANDLERS.add(arith.MaxUIOp, _int_binary(lambda a, b, op: np.maximum(a, b), signed=False))
HANDLERS.add(arith.MinUIOp, _int_binary(lambda a, b, op: np.minimum(a, b), signed=False))
HANDLERS.add(arith.AndIOp, _int_binary(lambda a, b, op: np.bitwise_and(a, b)))
HANDLERS.add(arith.OrIOp, _int_binary(lambda a, b, op: np.bitwise_or(a, b)))
HANDLERS.add(arith.XOrIOp, _int_binary(lambda a, b, op: np.bitwise_xor(a, b)))
HANDLERS.add(arith.ShLIOp, _shift("shli"))
HANDLERS.add(arith.ShRSIOp, _shift("shrsi"))
HANDLERS.add(arith.ShRUIOp, _shift("shrui"))
HANDLERS.add(arith.AddfOp, _float_binary(np.add))
HANDLERS.add(arith.SubfOp, _float_binary(np.subtract))
HANDLERS.add(arith.MulfOp, _float_binary(np.multiply))
HANDLERS.add(arith.DivfOp, _float_binary(np.divide))
HANDLERS.add(RemFOp, _float_binary(np.fmod))
HANDLERS.add(arith.MaximumfOp, _float_binary(maximumf))
HANDLERS.add(arith.MinimumfOp, _float_binary(minimumf))
HANDLERS.add(arith.MaxnumfOp, _float_binary(np.fmax))
HANDLERS.add(arith.MinnumfOp, _float_binary(np.fmin))
HANDLERS.add(arith.NegfOp, _unary_float(np.negative))
HANDLERS.add(arith.ExtSIOp, _cast(_extsi))
HANDLERS.add(arith.ExtUIOp, _cast(_extui))
HANDLERS.add(arith.TruncIOp, _cast(_trunci))
HANDLERS.add(arith.IndexCastOp, _cast(_index_cast))
HANDLERS.add(IndexCastUIOp, _cast(_index_castui))
HANDLERS.add(arith.SIToFPOp, _cast(_sitofp))
HANDLERS.add(arith.UIToFPOp, _cast(_uitofp))
HANDLERS.add(arith.FPToSIOp, _cast(_fptosi))
HANDLERS.add(arith.FPToUIOp, _cast(_fptoui))
HANDLERS.add(arith.ExtFOp, _cast(_float_cast))
HANDLERS.add(arith.TruncFOp, _cast(_float_cast))
HANDLERS.add(arith.BitcastOp, _cast(_bitcast))

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
