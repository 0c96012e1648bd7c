"""The `poly` dialect: polynomials and rational functions of one float variable.

Coefficients are constants stored lowest degree first, so `[1.0, -2.0, 3.0]`
is `1 - 2x + 3x^2`. Keeping them as a property (not as SSA operands) is what
lets a lowering choose an evaluation scheme and an emitter print a closed form.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import DenseArrayBase, Float32Type, Float64Type, f64
from xdsl.ir import Dialect, Operation, SSAValue
from xdsl.irdl import (
    AnyAttr,
    IRDLOperation,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException


def _check_float(value: SSAValue) -> None:
    """f32 and f64 only: both have a C spelling, so every valid op can be emitted.

    Checked here rather than in the operand constraint, whose message would
    not say which types are accepted.
    """
    if not isinstance(value.type, Float32Type | Float64Type):
        raise VerifyException(f"expects an f32 or f64 operand, got {value.type}")


def coefficient_array(values: Sequence[float]) -> DenseArrayBase:
    """The property value for `values`, always stored as f64."""
    return DenseArrayBase.from_list(f64, tuple(float(v) for v in values))


def coefficients_of(array: DenseArrayBase) -> tuple[float, ...]:
    """The coefficients stored in `array`, lowest degree first."""
    return tuple(float(v) for v in array.get_values())


def _check_coefficients(role: str, values: Sequence[float]) -> None:
    """Reject what no evaluation could honour: no terms, or NaN/infinite terms."""
    if not values:
        raise VerifyException(f"expects at least one {role} coefficient")
    for index, value in enumerate(values):
        if not math.isfinite(value):
            raise VerifyException(f"{role} coefficient #{index} is not finite ({value})")


@irdl_op_definition
class EvalOp(IRDLOperation):
    """`%y = poly.eval %x [c0, c1, ...] : f64` computes c0 + c1*x + c2*x^2 + ..."""

    name = "poly.eval"

    T: ClassVar = VarConstraint("T", AnyAttr())

    x = operand_def(T)
    coeffs = prop_def(DenseArrayBase.constr(f64))
    result = result_def(T)

    traits = traits_def(Pure())

    assembly_format = "$x $coeffs attr-dict `:` type($x)"

    def __init__(self, x: SSAValue | Operation, coeffs: Sequence[float]) -> None:
        value = SSAValue.get(x)
        super().__init__(
            operands=[value],
            result_types=[value.type],
            properties={"coeffs": coefficient_array(coeffs)},
        )

    @property
    def coefficients(self) -> tuple[float, ...]:
        return coefficients_of(self.coeffs)

    def verify_(self) -> None:
        _check_float(self.x)
        _check_coefficients("polynomial", self.coefficients)


@irdl_op_definition
class RationalOp(IRDLOperation):
    """`%y = poly.rational %x [n0, ...] / [d0, ...] : f64` computes p(x) / q(x).

    Rational functions are what Padé approximants are made of, e.g.
    `[1.0, 0.5] / [1.0, -0.5]` approximates exp(x) near zero.
    """

    name = "poly.rational"

    T: ClassVar = VarConstraint("T", AnyAttr())

    x = operand_def(T)
    numerator = prop_def(DenseArrayBase.constr(f64))
    denominator = prop_def(DenseArrayBase.constr(f64))
    result = result_def(T)

    traits = traits_def(Pure())

    assembly_format = "$x $numerator `/` $denominator attr-dict `:` type($x)"

    def __init__(
        self,
        x: SSAValue | Operation,
        numerator: Sequence[float],
        denominator: Sequence[float],
    ) -> None:
        value = SSAValue.get(x)
        super().__init__(
            operands=[value],
            result_types=[value.type],
            properties={
                "numerator": coefficient_array(numerator),
                "denominator": coefficient_array(denominator),
            },
        )

    def verify_(self) -> None:
        _check_float(self.x)
        numerator = coefficients_of(self.numerator)
        denominator = coefficients_of(self.denominator)
        _check_coefficients("numerator", numerator)
        _check_coefficients("denominator", denominator)
        if not any(denominator):
            raise VerifyException("denominator is identically zero")


Poly = Dialect("poly", [EvalOp, RationalOp], [])
"""The dialect object the universe hands to xDSL's context."""
