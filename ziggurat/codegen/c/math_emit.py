"""`math` ops through <math.h> (float variants for f32: `expf`, ...)."""

from __future__ import annotations

from xdsl.dialects import math

from ziggurat.codegen.c.arith_emit import unsigned_view, wrap
from ziggurat.codegen.c.ctypes_map import c_type, float_suffix, int_width
from ziggurat.codegen.c.emitter import EmitHandlers, FunctionEmitter
from ziggurat.diagnostics import CompileError

HANDLERS = EmitHandlers()
"""The `math` ops every C-family target prints the same way."""

_LIBM = {
    math.AbsFOp: "fabs",
    math.CeilOp: "ceil",
    math.FloorOp: "floor",
    math.TruncOp: "trunc",
    math.RoundOp: "round",
    math.RoundEvenOp: "rint",
    math.SqrtOp: "sqrt",
    math.CbrtOp: "cbrt",
    math.ExpOp: "exp",
    math.Exp2Op: "exp2",
    math.ExpM1Op: "expm1",
    math.LogOp: "log",
    math.Log2Op: "log2",
    math.Log10Op: "log10",
    math.Log1pOp: "log1p",
    math.SinOp: "sin",
    math.CosOp: "cos",
    math.TanOp: "tan",
    math.AsinOp: "asin",
    math.AcosOp: "acos",
    math.AtanOp: "atan",
    math.SinhOp: "sinh",
    math.CoshOp: "cosh",
    math.TanhOp: "tanh",
    math.AsinhOp: "asinh",
    math.AcoshOp: "acosh",
    math.AtanhOp: "atanh",
    math.ErfOp: "erf",
    math.Atan2Op: "atan2",
    math.PowFOp: "pow",
    math.CopySignOp: "copysign",
    math.FmaOp: "fma",
}
"""The <math.h> function (`f` suffixed for f32) each op is a call of."""

_LIBM_BY_NAME = {cls.name: function for cls, function in _LIBM.items()}

FloatOp = (
    math.FloatingPointLikeUnaryMathOperation
    | math.FloatingPointLikeBinaryMathOperation
    | math.FmaOp
)


def _float_operands(em: FunctionEmitter, op: FloatOp) -> tuple[str, str, str]:
    """The C type, <math.h> suffix and argument list of a float op (f32 or f64 only)."""
    type_ = op.operands[0].type
    t = c_type(type_, op)
    if t not in ("float", "double"):
        raise CompileError(f"c: '{op.name}' on {type_} is not supported", op)
    return t, float_suffix(type_), ", ".join(em.value(v) for v in op.operands)


@HANDLERS.on(*_LIBM)
def _libm_call(em: FunctionEmitter, op: FloatOp) -> None:
    _, s, args = _float_operands(em, op)
    em.bind(op.results[0], f"{_LIBM_BY_NAME[op.name]}{s}({args})", op)


@HANDLERS.on(math.RsqrtOp)
def _rsqrt(em: FunctionEmitter, op: math.RsqrtOp) -> None:
    t, s, args = _float_operands(em, op)
    em.bind(op.results[0], f"({t})1 / sqrt{s}({args})", op)


@HANDLERS.on(math.AbsIOp, math.CtPopOp, math.CountLeadingZerosOp, math.CountTrailingZerosOp)
def _int_op(em: FunctionEmitter, op: math.SignlessIntegerLikeUnaryMathOperation) -> None:
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
