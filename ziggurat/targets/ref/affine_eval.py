"""Evaluating affine maps and integer sets, on integers or numpy arrays.

Each expression is compiled once into a Python function of its operands
(dims first, then symbols), so that the same map evaluates one index in a
scalar loop or a million lanes in a vectorised one. `floordiv` and `mod`
round toward minus infinity as Python's and numpy's `//` and `%` do, which
is MLIR's rule (`mod` is non-negative for a positive divisor).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineBinaryOpKind,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.ir.affine.affine_set import AffineConstraintKind, AffineSet

Evaluator = Callable[[Sequence[Any]], Any]


def _source(expr: AffineExpr, num_dims: int) -> str:
    """Python source for `expr` over the operand list `v`."""
    match expr:
        case AffineDimExpr(position=p):
            return f"v[{p}]"
        case AffineSymExpr(position=p):
            return f"v[{num_dims + p}]"
        case AffineConstantExpr(value=c):
            return f"({c})"
        case AffineBinaryOpExpr(kind=kind, lhs=lhs, rhs=rhs):
            a, b = _source(lhs, num_dims), _source(rhs, num_dims)
            if kind == AffineBinaryOpKind.Add:
                return f"({a} + {b})"
            if kind == AffineBinaryOpKind.Mul:
                return f"({a} * {b})"
            if kind == AffineBinaryOpKind.FloorDiv:
                return f"({a} // {b})"
            if kind == AffineBinaryOpKind.CeilDiv:
                return f"(-((-{a}) // {b}))"
            return f"({a} % {b})"
    raise ValueError(f"unknown affine expression {expr}")


@cache
def compile_map(affine_map: AffineMap) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A function from the map's operands to the tuple of its results."""
    results = ", ".join(_source(e, affine_map.num_dims) for e in affine_map.results)
    return eval(f"lambda v: ({results}{',' if results else ''})")


@cache
def compile_expr(expr: AffineExpr, num_dims: int) -> Evaluator:
    return eval(f"lambda v: {_source(expr, num_dims)}")


@cache
def compile_set(affine_set: AffineSet) -> Callable[[Sequence[Any]], bool]:
    """A function from the set's operands to whether every constraint holds."""
    tests: list[str] = []
    for c in affine_set.constraints:
        diff = f"({_source(c.lhs, affine_set.num_dims)} - {_source(c.rhs, affine_set.num_dims)})"
        op = {AffineConstraintKind.eq: "==", AffineConstraintKind.ge: ">="}.get(c.kind, "<=")
        tests.append(f"{diff} {op} 0")
    return eval(f"lambda v: {' and '.join(tests) or 'True'}")


Linear = tuple[int, dict[int, int]]
"""`c + sum(coeff[i] * operand[i])`: a constant and coefficients by operand position."""


def linear_form(expr: AffineExpr, num_dims: int) -> Linear | None:
    """`expr` as a linear combination of its operands, or None (mod, div, products)."""
    match expr:
        case AffineDimExpr(position=p):
            return 0, {p: 1}
        case AffineSymExpr(position=p):
            return 0, {num_dims + p: 1}
        case AffineConstantExpr(value=c):
            return c, {}
        case AffineBinaryOpExpr(kind=AffineBinaryOpKind.Add, lhs=lhs, rhs=rhs):
            a, b = linear_form(lhs, num_dims), linear_form(rhs, num_dims)
            if a is None or b is None:
                return None
            coeffs = dict(a[1])
            for k, v in b[1].items():
                coeffs[k] = coeffs.get(k, 0) + v
            return a[0] + b[0], {k: v for k, v in coeffs.items() if v}
        case AffineBinaryOpExpr(kind=AffineBinaryOpKind.Mul, lhs=lhs, rhs=rhs):
            a, b = linear_form(lhs, num_dims), linear_form(rhs, num_dims)
            if a is None or b is None:
                return None
            if not a[1]:
                a, b = b, a
            if b[1]:
                return None
            k = b[0]
            return a[0] * k, {i: c * k for i, c in a[1].items() if c * k}
    return None
