"""The scalar body of a named op, built from its formula in the table.

A formula is Python syntax over the operand names (`C + cast(A) * cast(B)`);
`build_body` turns it into arith and math ops on the block arguments,
choosing the float or integer op from the operand types as MLIR's OpDSL
does, and `cast_to` converts a scalar to the output element type, signed
(`cast_signed`, MLIR's default) or unsigned.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from xdsl.dialects import arith, math
from xdsl.dialects.builtin import AnyFloat, FloatAttr, IndexType, IntegerAttr, IntegerType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.linalg_opdsl import NamedOpSpec, TypeFn


def cast_to(value: SSAValue, to: Attribute, fn: TypeFn = TypeFn.CAST_SIGNED) -> SSAValue:
    """Convert a scalar to `to` as MLIR's `cast_signed`/`cast_unsigned` do; no-op if equal."""
    source = value.type
    unsigned = fn == TypeFn.CAST_UNSIGNED
    if source == to:
        return value
    if isinstance(source, IntegerType) and isinstance(to, IntegerType):
        if source.width.data < to.width.data:
            return (arith.ExtUIOp if unsigned else arith.ExtSIOp)(value, to).result
        return arith.TruncIOp(value, to).result
    if isinstance(source, IntegerType) and isinstance(to, AnyFloat):
        return (arith.UIToFPOp if unsigned else arith.SIToFPOp)(value, to).result
    if isinstance(source, AnyFloat) and isinstance(to, AnyFloat):
        if source.bitwidth < to.bitwidth:
            return arith.ExtFOp(value, to).result
        return arith.TruncFOp(value, to).result
    if isinstance(source, AnyFloat) and isinstance(to, IntegerType):
        return (arith.FPToUIOp if unsigned else arith.FPToSIOp)(value, to).result
    raise VerifyException(f"cannot cast {source} to {to}")


def _is_float(value: SSAValue) -> bool:
    return isinstance(value.type, AnyFloat)


def _is_int(value: SSAValue) -> bool:
    return isinstance(value.type, IntegerType | IndexType)


def _float_only(fn: str, op: Callable[[SSAValue], Operation]) -> Callable[[SSAValue], SSAValue]:
    def apply(x: SSAValue) -> SSAValue:
        if not _is_float(x):
            raise VerifyException(f"unsupported operation: {fn} not on float, got {x.type}")
        return op(x).results[0]

    return apply


def _either(
    name: str,
    on_float: Callable[[SSAValue, SSAValue], Operation] | None,
    on_int: Callable[[SSAValue, SSAValue], Operation] | None,
) -> Callable[[SSAValue, SSAValue], SSAValue]:
    def apply(a: SSAValue, b: SSAValue) -> SSAValue:
        if a.type != b.type:
            raise VerifyException(f"{name} of {a.type} and {b.type}: element types must match")
        op = on_float if _is_float(a) else on_int if _is_int(a) else None
        if op is None:
            kind = "float" if _is_float(a) else "integer"
            raise VerifyException(f"unsupported operation: {name} not on {kind}")
        return op(a, b).results[0]

    return apply


_UNARY: dict[str, Callable[[SSAValue], SSAValue]] = {
    "ceil": _float_only("ceil", math.CeilOp),
    "floor": _float_only("floor", math.FloorOp),
    "neg": _float_only("negf", arith.NegfOp),
    "round": _float_only("round", math.RoundOp),
    "sqrt": _float_only("sqrt", math.SqrtOp),
    "rsqrt": _float_only("rsqrt", math.RsqrtOp),
    "tanh": _float_only("tanh", math.TanhOp),
    "erf": _float_only("erf", math.ErfOp),
    "exp": _float_only("exp", math.ExpOp),
    "log": _float_only("log", math.LogOp),
    "abs": _float_only("abs", math.AbsFOp),
    "square": _float_only("square", lambda x: arith.MulfOp(x, x)),
}

_BINARY: dict[str, Callable[[SSAValue, SSAValue], SSAValue]] = {
    "+": _either("add", arith.AddfOp, arith.AddiOp),
    "-": _either("sub", arith.SubfOp, arith.SubiOp),
    "*": _either("mul", arith.MulfOp, arith.MuliOp),
    "/": _either("div", arith.DivfOp, arith.DivSIOp),
    "div_unsigned": _either("unsigned div", None, arith.DivUIOp),
    "max": _either("max", arith.MaximumfOp, arith.MaxSIOp),
    "min": _either("min", arith.MinimumfOp, arith.MinSIOp),
    "max_unsigned": _either("max_unsigned", arith.MaximumfOp, arith.MaxUIOp),
    "min_unsigned": _either("min_unsigned", arith.MinimumfOp, arith.MinUIOp),
    "powf": _either("powf", math.PowFOp, None),
}

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _constant(value: float, like: SSAValue) -> SSAValue:
    if isinstance(like.type, AnyFloat):
        return arith.ConstantOp(FloatAttr(float(value), like.type)).result
    if isinstance(like.type, IntegerType):
        return arith.ConstantOp(IntegerAttr(int(value), like.type)).result
    raise VerifyException(f"no constant of type {like.type}")


def build_body(spec: NamedOpSpec, args: Sequence[SSAValue], cast: TypeFn) -> SSAValue:
    """The value the body yields: `spec.body` over the block arguments `args`.

    Must run inside a block builder: the ops are inserted as they are made.
    """
    values = {s.name: a for s, a in zip(spec.operands, args, strict=True)}
    out_type = args[-1].type

    def emit(expr: ast.expr, like: SSAValue | None = None) -> SSAValue:
        if isinstance(expr, ast.Name):
            return values[expr.id]
        if isinstance(expr, ast.Constant) and isinstance(expr.value, int | float):
            assert like is not None, f"{spec.name}: a constant needs a typed partner"
            return _constant(expr.value, like)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
            return _UNARY["neg"](emit(expr.operand))
        if isinstance(expr, ast.BinOp):
            left, right = expr.left, expr.right
            if isinstance(left, ast.Constant):
                b = emit(right)
                a = emit(left, b)
            else:
                a = emit(left)
                b = emit(right, a)
            return _BINARY[_OPERATORS[type(expr.op)]](a, b)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
            fn, operands = expr.func.id, [emit(a) for a in expr.args]
            if fn == "cast":
                return cast_to(operands[0], out_type, cast)
            if fn == "select":
                cond, a, b = operands
                return arith.SelectOp(cond, a, b).result
            if fn in _UNARY:
                return _UNARY[fn](*operands)
            return _BINARY[fn](*operands)
        raise ValueError(f"{spec.name}: cannot build {ast.unparse(expr)}")

    return emit(spec.body_expr)
