"""`math` ops on numpy scalars or arrays.

`f32` and `f64` use numpy's functions in their own precision. `f16` and
`bf16` are computed in `f32` and rounded once, as MLIR's CPU lowering does.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.arith_ops import Handler, Value, finish
from ziggurat.targets.ref.types import LOW_PRECISION, unsigned_dtype


def _widen(a: Value) -> Value:
    return np.asarray(a).astype(np.float32) if a.dtype in LOW_PRECISION else a


def _float_fn(fn: Callable[..., Value]) -> Handler:
    def handler(interp, env, op, vals):
        return (finish(fn(*[_widen(v) for v in vals]), op),)

    return handler


def _round(a: Value) -> Value:
    """Round half away from zero (`math.round`), unlike numpy's half-to-even."""
    t = np.trunc(a)
    return t + np.where(np.abs(a - t) >= 0.5, np.sign(a), 0).astype(np.asarray(a).dtype)


_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


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


def _int_fn(fn: Callable[[Value, int], Value]) -> Handler:
    def handler(interp, env, op, vals):
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


def _absi(interp, env, op, vals):
    return (finish(np.abs(vals[0]), op),)


def _ipowi(interp, env, op, vals):
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


def _fpowi(interp, env, op, vals):
    a, n = vals
    return (
        finish(np.power(_widen(a), np.asarray(n).astype(np.float64).astype(_widen(a).dtype)), op),
    )


def _predicate(fn: Callable[[Value], Value]) -> Handler:
    def handler(interp, env, op, vals):
        return (finish(fn(_widen(vals[0])), op),)

    return handler


HANDLERS: dict[str, Handler] = {
    "math.absf": _float_fn(np.abs),
    "math.absi": _absi,
    "math.ceil": _float_fn(np.ceil),
    "math.floor": _float_fn(np.floor),
    "math.trunc": _float_fn(np.trunc),
    "math.round": _float_fn(_round),
    "math.roundeven": _float_fn(np.rint),
    "math.sqrt": _float_fn(np.sqrt),
    "math.rsqrt": _float_fn(lambda a: np.asarray(1, a.dtype) / np.sqrt(a)),
    "math.cbrt": _float_fn(np.cbrt),
    "math.exp": _float_fn(np.exp),
    "math.exp2": _float_fn(np.exp2),
    "math.expm1": _float_fn(np.expm1),
    "math.log": _float_fn(np.log),
    "math.log2": _float_fn(np.log2),
    "math.log10": _float_fn(np.log10),
    "math.log1p": _float_fn(np.log1p),
    "math.sin": _float_fn(np.sin),
    "math.cos": _float_fn(np.cos),
    "math.tan": _float_fn(np.tan),
    "math.asin": _float_fn(np.arcsin),
    "math.acos": _float_fn(np.arccos),
    "math.atan": _float_fn(np.arctan),
    "math.sinh": _float_fn(np.sinh),
    "math.cosh": _float_fn(np.cosh),
    "math.tanh": _float_fn(np.tanh),
    "math.asinh": _float_fn(np.arcsinh),
    "math.acosh": _float_fn(np.arccosh),
    "math.atanh": _float_fn(np.arctanh),
    "math.atan2": _float_fn(np.arctan2),
    "math.powf": _float_fn(np.power),
    "math.copysign": _float_fn(np.copysign),
    "math.erf": _float_fn(_via_double(_erf)),
    "math.erfc": _float_fn(_via_double(_erfc)),
    "math.fma": _float_fn(_fma),
    "math.isnan": _predicate(np.isnan),
    "math.isinf": _predicate(np.isinf),
    "math.isfinite": _predicate(np.isfinite),
    "math.ctpop": _int_fn(_ctpop),
    "math.ctlz": _int_fn(_ctlz),
    "math.cttz": _int_fn(_cttz),
    "math.ipowi": _ipowi,
    "math.fpowi": _fpowi,
}
