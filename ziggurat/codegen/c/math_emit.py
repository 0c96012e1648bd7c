"""`math` ops through <math.h> (float variants for f32: `expf`, ...)."""

from __future__ import annotations

from xdsl.ir import Operation

from ziggurat.codegen.c.arith_emit import unsigned_view, wrap
from ziggurat.codegen.c.ctypes_map import c_type, float_suffix, int_width
from ziggurat.codegen.c.emitter import FunctionEmitter, Handler
from ziggurat.diagnostics import CompileError

_UNARY = {
    "absf": "fabs",
    "ceil": "ceil",
    "floor": "floor",
    "trunc": "trunc",
    "round": "round",
    "roundeven": "rint",
    "sqrt": "sqrt",
    "cbrt": "cbrt",
    "exp": "exp",
    "exp2": "exp2",
    "expm1": "expm1",
    "log": "log",
    "log2": "log2",
    "log10": "log10",
    "log1p": "log1p",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "asin": "asin",
    "acos": "acos",
    "atan": "atan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "asinh": "asinh",
    "acosh": "acosh",
    "atanh": "atanh",
    "erf": "erf",
    "erfc": "erfc",
}
_BINARY = {"atan2": "atan2", "powf": "pow", "copysign": "copysign"}
_PREDICATES = {"isnan": "isnan", "isinf": "isinf", "isfinite": "isfinite"}


def _float_op(em: FunctionEmitter, op: Operation) -> None:
    kind = op.name.removeprefix("math.")
    type_ = op.operands[0].type
    t = c_type(type_, op)
    if t not in ("float", "double"):
        raise CompileError(f"c: '{op.name}' on {type_} is not supported", op)
    s = float_suffix(type_)
    args = ", ".join(em.value(v) for v in op.operands)
    if kind in _UNARY:
        expr = f"{_UNARY[kind]}{s}({args})"
    elif kind == "rsqrt":
        expr = f"({t})1 / sqrt{s}({args})"
    elif kind in _BINARY:
        expr = f"{_BINARY[kind]}{s}({args})"
    elif kind == "fma":
        expr = f"fma{s}({args})"
    elif kind in _PREDICATES:
        expr = f"({_PREDICATES[kind]}({args}) != 0)"
    else:
        raise CompileError(f"c: cannot emit '{op.name}'", op)
    em.bind(op.results[0], expr, op)


def _int_op(em: FunctionEmitter, op: Operation) -> None:
    kind = op.name.removeprefix("math.")
    type_ = op.operands[0].type
    w = int_width(type_)
    c_type(type_, op)
    if w is None or w == 1:
        raise CompileError(f"c: '{op.name}' on {type_} is not supported", op)
    a = em.value(op.operands[0])
    u = f"(uint64_t){unsigned_view(a, w)}"
    if kind == "absi":
        expr = f"({a} < 0 ? {wrap(f'(uint64_t)0 - (uint64_t){a}', w)} : {a})"
    elif kind == "ctpop":
        expr = f"(int{w}_t)__builtin_popcountll({u})"
    elif kind == "ctlz":
        expr = f"(int{w}_t)({u} == 0 ? {w} : __builtin_clzll({u}) - {64 - w})"
    elif kind == "cttz":
        expr = f"(int{w}_t)({u} == 0 ? {w} : __builtin_ctzll({u}))"
    else:
        raise CompileError(f"c: cannot emit '{op.name}'", op)
    em.bind(op.results[0], expr, op)


HANDLERS: dict[str, Handler] = {
    **{f"math.{n}": _float_op for n in (*_UNARY, *_BINARY, *_PREDICATES, "rsqrt", "fma")},
    **{f"math.{n}": _int_op for n in ("absi", "ctpop", "ctlz", "cttz")},
}
