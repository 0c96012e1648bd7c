"""The table's elementwise ops: unary, binary and `select`, of any rank.

Each row is an op (see `linalg_opdsl` for the language). Every operand has
the output's shape and is read through the identity map; as in MLIR, these
ops do not convert element types (`linalg.copy` does; it is xDSL's op).
"""

from __future__ import annotations

from ziggurat.dialects.linalg_opdsl import NamedOpSpec


def _unary(name: str, body: str, doc: str) -> NamedOpSpec:
    return NamedOpSpec(name, None, ("I",), "O", body, doc)


def _binary(name: str, body: str, doc: str) -> NamedOpSpec:
    return NamedOpSpec(name, None, ("lhs", "rhs"), "O", body, doc)


ELEMENTWISE = (
    _unary("abs", "abs(I)", "absolute value (floats)"),
    _unary("ceil", "ceil(I)", "round up (floats)"),
    _unary("floor", "floor(I)", "round down (floats)"),
    _unary("negf", "neg(I)", "negation (floats)"),
    _unary("reciprocal", "1 / I", "1 / x (floats)"),
    _unary("round", "round(I)", "round half away from zero (floats)"),
    _unary("sqrt", "sqrt(I)", "square root (floats)"),
    _unary("rsqrt", "rsqrt(I)", "1 / sqrt(x) (floats)"),
    _unary("square", "square(I)", "x * x (floats)"),
    _unary("tanh", "tanh(I)", "hyperbolic tangent (floats)"),
    _unary("erf", "erf(I)", "error function (floats)"),
    _unary("exp", "exp(I)", "e ** x (floats)"),
    _unary("log", "log(I)", "natural logarithm (floats)"),
    _binary("add", "lhs + rhs", "lhs + rhs"),
    _binary("sub", "lhs - rhs", "lhs - rhs"),
    _binary("mul", "lhs * rhs", "lhs * rhs"),
    _binary("div", "lhs / rhs", "lhs / rhs (signed for integers)"),
    _binary("div_unsigned", "div_unsigned(lhs, rhs)", "lhs / rhs on unsigned integers"),
    _binary("max", "max(lhs, rhs)", "maximum (signed for integers, NaN-propagating)"),
    _binary("min", "min(lhs, rhs)", "minimum (signed for integers, NaN-propagating)"),
    _binary("powf", "powf(lhs, rhs)", "lhs ** rhs (floats)"),
    NamedOpSpec(
        "select", None, ("cond", "lhs", "rhs"), "O", "select(cond, lhs, rhs)", "cond ? lhs : rhs"
    ),
)
