"""`math` ops on numpy scalars or arrays.

`f32` and `f64` use numpy's functions in their own precision. `f16` and
`bf16` are computed in `f32` and rounded once, as MLIR's CPU lowering does.
"""

from __future__ import annotations

from collections.abc import Callable
from math import erf, erfc
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects import math
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.arith_ops import OpHandler, finish
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Value, Values
from ziggurat.targets.ref.types import LOW_PRECISION, unsigned_dtype

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: OpHandlers[Interpreter] = OpHandlers()


def _widen(a: Value) -> Value:
    return np.asarray(a).astype(np.float32) if a.dtype in LOW_PRECISION else a


def _float_fn(fn: Callable[..., Value]) -> OpHandler:
    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
        return (finish(fn(*[_widen(v) for v in vals]), op),)

    return handler


def _round(a: Value) -> Value:
    """Round half away from zero (`math.round`), unlike numpy's half-to-even."""
    t = np.trunc(a)
    return t + np.where(np.abs(a - t) >= 0.5, np.sign(a), 0).astype(np.asarray(a).dtype)


_erf = np.frompyfunc(erf, 1, 1)
_erfc = np.frompyfunc(erfc, 1, 1)


def _via_double(fn: np.ufunc) -> Callable[[Value], Value]:
    def apply(a: Value) -> Value:
        return np.asarray(fn(np.asarray(a, dtype=np.float64)), dtype=np.float64)

    return apply


def _fma(a: Value, b: Value, c: Value) -> Value:
    if np.asarray(a).dtype == np.float64:
        return a * b + c
    # The product of two f32 is exact in f64, so one rounding at the end.
    wide = np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)
    return wide


def _int_fn(fn: Callable[[Value, int], Value]) -> OpHandler:
    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
        a = np.asarray(vals[0])
        width = 1 if a.dtype == np.bool_ else a.dtype.itemsize * 8
        u = a.astype(unsigned_dtype(a.dtype))
        return (finish(np.asarray(fn(u, width)).astype(a.dtype), op),)

    return handler


def _ctpop(u: Value, width: int) -> Value:
    return np.bitwise_count(u)


def _ctlz(u: Value, width: int) -> Value:
    x = u.copy()
    shift = 1
    while shift < width:
        x |= x >> np.asarray(shift, dtype=x.dtype)
        shift *= 2
    return width - np.bitwise_count(x).astype(np.int64)


def _cttz(u: Value, width: int) -> Value:
    low = u & (~u + np.asarray(1, dtype=u.dtype))
    return np.where(u == 0, width, np.bitwise_count(low - np.asarray(1, dtype=u.dtype)))


@HANDLERS.on(math.AbsIOp)
def _absi(interp: Interpreter, env: Env, op: math.AbsIOp, vals: Values) -> Results:
    return (finish(np.abs(vals[0]), op),)


@HANDLERS.on(math.IPowIOp)
def _ipowi(interp: Interpreter, env: Env, op: math.IPowIOp, vals: Values) -> Results:
    base, exponent = vals
    if np.any(np.asarray(exponent) < 0):
        raise CompileError("ref: 'math.ipowi' with a negative exponent is not supported", op)
    result = np.ones_like(np.asarray(base))
    b, e = np.asarray(base).copy(), np.asarray(exponent).copy()
    while np.any(e > 0):
        result = np.where(e & 1, result * b, result)
        b = b * b
        e = e >> 1
    return (finish(result, op),)


@HANDLERS.on(math.FPowIOp)
def _fpowi(interp: Interpreter, env: Env, op: math.FPowIOp, vals: Values) -> Results:
    a, n = vals
    return (
        finish(np.power(_widen(a), np.asarray(n).astype(np.float64).astype(_widen(a).dtype)), op),
    )


def _predicate(fn: Callable[[Value], Value]) -> OpHandler:
    def handler(interp: Interpreter, env: Env, op: Operation, vals: Values) -> Results:
        return (finish(fn(_widen(vals[0])), op),)

    return handler


HANDLERS.add(math.AbsFOp, _float_fn(np.abs))
HANDLERS.add(math.CeilOp, _float_fn(np.ceil))
HANDLERS.add(math.FloorOp, _float_fn(np.floor))
HANDLERS.add(math.TruncOp, _float_fn(np.trunc))
HANDLERS.add(math.RoundOp, _float_fn(_round))
HANDLERS.add(math.RoundEvenOp, _float_fn(np.rint))
HANDLERS.add(math.SqrtOp, _float_fn(np.sqrt))
HANDLERS.add(math.RsqrtOp, _float_fn(lambda a: np.asarray(1, a.dtype) / np.sqrt(a)))
HANDLERS.add(math.CbrtOp, _float_fn(np.cbrt))
HANDLERS.add(math.ExpOp, _float_fn(np.exp))
HANDLERS.add(math.Exp2Op, _float_fn(np.exp2))
HANDLERS.add(math.ExpM1Op, _float_fn(np.expm1))
HANDLERS.add(math.LogOp, _float_fn(np.log))
HANDLERS.add(math.Log2Op, _float_fn(np.log2))
HANDLERS.add(math.Log10Op, _float_fn(np.log10))
HANDLERS.add(math.Log1pOp, _float_fn(np.log1p))
HANDLERS.add(math.SinOp, _float_fn(np.sin))
HANDLERS.add(math.CosOp, _float_fn(np.cos))
HANDLERS.add(math.TanOp, _float_fn(np.tan))
HANDLERS.add(math.AsinOp, _float_fn(np.arcsin))
HANDLERS.add(math.AcosOp, _float_fn(np.arccos))
HANDLERS.add(math.AtanOp, _float_fn(np.arctan))
HANDLERS.add(math.SinhOp, _float_fn(np.sinh))
HANDLERS.add(math.CoshOp, _float_fn(np.cosh))
HANDLERS.add(math.TanhOp, _float_fn(np.tanh))
HANDLERS.add(math.AsinhOp, _float_fn(np.arcsinh))
HANDLERS.add(math.AcoshOp, _float_fn(np.arccosh))
HANDLERS.add(math.AtanhOp, _float_fn(np.arctanh))
HANDLERS.add(math.Atan2Op, _float_fn(np.arctan2))
HANDLERS.add(math.PowFOp, _float_fn(np.power))
HANDLERS.add(math.CopySignOp, _float_fn(np.copysign))
HANDLERS.add(math.ErfOp, _float_fn(_via_double(_erf)))
HANDLERS.add_name("math.erfc", _float_fn(_via_double(_erfc)))
HANDLERS.add(math.FmaOp, _float_fn(_fma))
HANDLERS.add_name("math.isnan", _predicate(np.isnan))
HANDLERS.add_name("math.isinf", _predicate(np.isinf))
HANDLERS.add_name("math.isfinite", _predicate(np.isfinite))
HANDLERS.add(math.CtPopOp, _int_fn(_ctpop))
HANDLERS.add(math.CountLeadingZerosOp, _int_fn(_ctlz))
HANDLERS.add(math.CountTrailingZerosOp, _int_fn(_cttz))
