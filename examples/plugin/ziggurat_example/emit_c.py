"""The `poly-c` target: each `poly` op as one C declaration, in Horner form.

For `%y = poly.eval %x [1.0, -2.0, 3.0] : f64` inside `func.func @f` it prints

    /* @f */
    double y = 1.0 + x * (-2.0 + x * 3.0);

Values keep their IR names where those are valid C identifiers, so the output
can be pasted next to hand-written C that defines the inputs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import Float32Type, ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation, SSAValue
from xdsl.utils.target import Target

from ziggurat_example.dialect import EvalOp, RationalOp, coefficients_of

_C_KEYWORDS = frozenset(
    {"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
     "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
     "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
     "typedef", "union", "unsigned", "void", "volatile", "while"}
)  # fmt: skip


class _Namer:
    """C names for SSA values, unique within one function."""

    def __init__(self) -> None:
        self._names: dict[SSAValue, str] = {}
        self._taken: set[str] = set()

    def __call__(self, value: SSAValue) -> str:
        if value not in self._names:
            self._names[value] = self._fresh(value.name_hint)
        return self._names[value]

    def _fresh(self, hint: str | None) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", hint or "v")
        if base[0].isdigit() or base in _C_KEYWORDS:
            base = f"v_{base}"
        name, suffix = base, 0
        while name in self._taken:
            suffix += 1
            name = f"{base}_{suffix}"
        self._taken.add(name)
        return name


def _literal(value: float, single: bool) -> str:
    """A C floating literal; `repr` keeps every digit, so the value round-trips."""
    text = repr(value)
    return f"{text}f" if single else text


def _group(expr: str) -> str:
    """Parenthesise `expr` unless it is a single non-negative term."""
    return f"({expr})" if " " in expr or expr.startswith("-") else expr


def horner_expression(coeffs: Sequence[float], x: str, single: bool) -> str:
    """`c0 + x * (c1 + x * (... cn))` as C source."""
    expr = _literal(coeffs[-1], single)
    for coeff in reversed(coeffs[:-1]):
        expr = f"{_literal(coeff, single)} + {x} * {_group(expr)}"
    return expr


def _expression(op: EvalOp | RationalOp, x: str, single: bool) -> str:
    if isinstance(op, EvalOp):
        return horner_expression(op.coefficients, x, single)
    numerator = horner_expression(coefficients_of(op.numerator), x, single)
    denominator = horner_expression(coefficients_of(op.denominator), x, single)
    return f"{_group(numerator)} / {_group(denominator)}"


def _function_of(op: Operation) -> FuncOp | None:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, FuncOp):
        parent = parent.parent_op()
    return parent


@dataclass(frozen=True)
class PolyCTarget(Target):
    """Print the C expression of every `poly` op, grouped by function."""

    name = "poly-c"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        current: FuncOp | None = None
        namer = _Namer()
        first = True
        for op in module.walk():
            if not isinstance(op, EvalOp | RationalOp):
                continue
            function = _function_of(op)
            if first or function is not current:
                current, namer, first = function, _Namer(), False
                label = "top level" if function is None else f"@{function.sym_name.data}"
                print(f"/* {label} */", file=output)
            single = isinstance(op.result.type, Float32Type)
            c_type = "float" if single else "double"
            x = namer(op.x)
            expr = _expression(op, x, single)
            print(f"{c_type} {namer(op.result)} = {expr};", file=output)
