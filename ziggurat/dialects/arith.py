"""The `arith` dialect, with the ops MLIR has and xDSL lacks.

Adds `arith.index_castui` and `arith.remf`, reads MLIR 22's generic form of
`arith.trunci`, and names MLIR's
`arith::AtomicRMWKind`, the reduction kinds that `affine.parallel` and
`memref.atomic_rmw` take.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xdsl.dialects import arith as xarith
from xdsl.dialects.builtin import AnyFloat, ContainerType, IndexType, IntegerType, Signedness
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import IRDLOperation, base, irdl_op_definition, operand_def, result_def, traits_def
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.extend import extend_dialect

ATOMIC_RMW_KINDS: tuple[str, ...] = (
    "addf",
    "addi",
    "andi",
    "assign",
    "maximumf",
    "maxnumf",
    "maxs",
    "maxu",
    "minimumf",
    "minnumf",
    "mins",
    "minu",
    "mulf",
    "muli",
    "ori",
    "xori",
)
"""MLIR's `arith::AtomicRMWKind`; generic forms store a kind as its position here.

MLIR 22 numbers the kinds in alphabetical order.
"""

FLOAT_ATOMIC_KINDS = frozenset({"addf", "mulf", "maximumf", "minimumf", "maxnumf", "minnumf"})
"""The kinds that combine floats; `assign` takes any type, the rest integers."""


def parallel_reduction_accepts(kind: str, type_: Attribute) -> bool:
    """Whether `affine.parallel` may reduce values of `type_` with `kind`.

    MLIR's rule: float kinds take floats, `addi/muli/ori/andi` any integer,
    `maxs/mins` signed and `maxu/minu` unsigned integers (`si32`, `ui32`);
    `maxnumf`, `minnumf` and `xori` are not accepted.
    """
    match kind:
        case "assign":
            return True
        case "addf" | "mulf" | "maximumf" | "minimumf":
            return isinstance(type_, AnyFloat)
        case "addi" | "muli" | "ori" | "andi":
            return isinstance(type_, IntegerType)
        case "maxs" | "mins":
            return isinstance(type_, IntegerType) and type_.signedness.data == Signedness.SIGNED
        case "maxu" | "minu":
            return isinstance(type_, IntegerType) and type_.signedness.data == Signedness.UNSIGNED
        case _:
            return False


@irdl_op_definition
class IndexCastUIOp(IRDLOperation):
    """`arith.index_castui %x : i64 to index`: like `index_cast`, zero-extending."""

    name = "arith.index_castui"

    input = operand_def(base(IntegerType) | base(IndexType))
    result = result_def(base(IntegerType) | base(IndexType))

    traits = traits_def(Pure())

    assembly_format = "$input attr-dict `:` type($input) `to` type($result)"

    def __init__(self, value: SSAValue | Operation, to: Attribute):
        super().__init__(operands=[value], result_types=[to])

    def verify_(self) -> None:
        if isinstance(self.input.type, IndexType) == isinstance(self.result.type, IndexType):
            raise VerifyException(
                f"expects exactly one of {self.input.type} and {self.result.type} to be index"
            )


@irdl_op_definition
class RemFOp(xarith.FloatingPointLikeBinaryOperation):
    """`arith.remf %a, %b : f32`: the remainder of a float division."""

    name = "arith.remf"

    traits = traits_def(Pure())


class TruncIOp(xarith.TruncIOp):
    """`arith.trunci`, also built from MLIR 22's generic form.

    MLIR 22 gives `trunci` overflow flags, and its generic form always
    carries them (`overflowFlags = #arith.overflow<none>`). xDSL's op has no
    flags, which means none: that value is dropped, any other is kept and
    rejected by the verifier.
    """

    @classmethod
    def create(
        cls,
        *,
        properties: Mapping[str, Attribute] = {},
        **kwargs: Any,
    ) -> TruncIOp:
        if properties.get("overflowFlags") == xarith.IntegerOverflowAttr("none"):
            properties = {k: v for k, v in properties.items() if k != "overflowFlags"}
        return super().create(properties=properties, **kwargs)


def _check_comparison(lhs: SSAValue, rhs: SSAValue, predicate: int, kinds: int) -> None:
    """Both sides of one type, and a predicate MLIR defines (it prints it by name)."""
    if lhs.type != rhs.type:
        raise VerifyException("requires all operands to have the same type")
    if not 0 <= predicate < kinds:
        cases = ", ".join(str(i) for i in range(kinds))
        raise VerifyException(
            "attribute 'predicate' failed to satisfy constraint: allowed 64-bit signless "
            f"integer cases: {cases}"
        )


class CmpiOp(xarith.CmpiOp):
    """`arith.cmpi slt, %a, %b : i32`"""

    def verify_(self) -> None:
        _check_comparison(self.lhs, self.rhs, self.predicate.value.data, 10)
        super().verify_()


class CmpfOp(xarith.CmpfOp):
    """`arith.cmpf olt, %a, %b : f32`"""

    def verify_(self) -> None:
        _check_comparison(self.lhs, self.rhs, self.predicate.value.data, 16)
        super().verify_()


def _check_float_width(op: Operation, wider: bool) -> None:
    """`extf` makes floats wider, `truncf` narrower: MLIR's cast rule."""
    source, result = op.operands[0].type, op.results[0].type
    source_element = source.get_element_type() if isinstance(source, ContainerType) else source
    result_element = result.get_element_type() if isinstance(result, ContainerType) else result
    if isinstance(source_element, AnyFloat) and isinstance(result_element, AnyFloat):
        grows = result_element.bitwidth > source_element.bitwidth
        shrinks = result_element.bitwidth < source_element.bitwidth
        if not (grows if wider else shrinks):
            raise VerifyException(
                f"operand type '{source}' and result type '{result}' are cast incompatible"
            )


class ExtFOp(xarith.ExtFOp):
    """`arith.extf %x : f16 to f32`: to a wider float."""

    def verify_(self) -> None:
        _check_float_width(self, wider=True)
        super().verify_()


class TruncFOp(xarith.TruncFOp):
    """`arith.truncf %x : f32 to f16`: to a narrower float."""

    def verify_(self) -> None:
        _check_float_width(self, wider=False)
        super().verify_()


Arith = extend_dialect(
    xarith.Arith, [IndexCastUIOp, RemFOp, TruncIOp, CmpiOp, CmpfOp, ExtFOp, TruncFOp]
)
