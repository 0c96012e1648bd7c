"""`tensor` ops whose only change from xDSL's is MLIR's verifier rules and messages.

Each op checks MLIR's rules before xDSL's own verifier runs, so an invalid
op is reported in MLIR's words (tests written for mlir-opt match), and the
rules xDSL lacks (a pad's result shape, a pad body's yield, a cast between
incompatible shapes) are enforced.
"""

from __future__ import annotations

from math import prod

from xdsl.dialects import tensor as xtensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, IndexType, TensorType, UnrankedTensorType
from xdsl.ir import Attribute
from xdsl.utils.exceptions import VerifyException

from ziggurat.dialects.slice_rules import check_dynamic_sizes


def tensor_cast_compatible(a: Attribute, b: Attribute) -> bool:
    """MLIR's `tensor.cast` rule: same elements, and sizes that agree where both are static."""
    if not isinstance(a, TensorType | UnrankedTensorType) or not isinstance(
        b, TensorType | UnrankedTensorType
    ):
        return False
    if a.element_type != b.element_type:
        return False
    if not isinstance(a, TensorType) or not isinstance(b, TensorType):
        return True
    return a.get_num_dims() == b.get_num_dims() and all(
        x == y or DYNAMIC_INDEX in (x, y) for x, y in zip(a.get_shape(), b.get_shape(), strict=True)
    )


class EmptyOp(xtensor.EmptyOp):
    """`tensor.empty(%n) : tensor<?x4xf32>`: one size per dynamic dimension."""

    def verify_(self) -> None:
        check_dynamic_sizes(self.tensor.type, len(self.dynamic_sizes))
        super().verify_()


class SplatOp(xtensor.SplatOp):
    """`tensor.splat %v[%n] : tensor<?xf32>`: one size per dynamic dimension."""

    def verify_(self) -> None:
        check_dynamic_sizes(self.result.type, len(self.dynamicSizes))
        super().verify_()


class ExtractOp(xtensor.ExtractOp):
    """`tensor.extract %t[%i, %j] : tensor<4x4xf32>`: one index per dimension."""

    def verify_(self) -> None:
        source = self.tensor.type
        if isinstance(source, TensorType) and len(self.indices) != source.get_num_dims():
            raise VerifyException("incorrect number of indices for extract_element")
        super().verify_()


class InsertOp(xtensor.InsertOp):
    """`tensor.insert %v into %t[%i, %j] : tensor<4x4xf32>`: one index per dimension."""

    def verify_(self) -> None:
        dest = self.dest.type
        if isinstance(dest, TensorType) and len(self.indices) != dest.get_num_dims():
            raise VerifyException("incorrect number of indices")
        super().verify_()


class CastOp(xtensor.CastOp):
    """`tensor.cast %t : tensor<4xf32> to tensor<?xf32>`"""

    def verify_(self) -> None:
        if not tensor_cast_compatible(self.source.type, self.dest.type):
            raise VerifyException(
                f"operand type '{self.source.type}' and result type '{self.dest.type}' "
                "are cast incompatible"
            )
        super().verify_()


class ReshapeOp(xtensor.ReshapeOp):
    """`tensor.reshape %t(%shape)`: same elements, same count, one size per result dim."""

    def verify_(self) -> None:
        source, result = self.source.type, self.result.type
        if isinstance(source, TensorType) and isinstance(result, TensorType):
            if source.element_type != result.element_type:
                raise VerifyException(
                    "element types of source and destination tensor types should be the same"
                )
            shapes = (source.get_shape(), result.get_shape())
            if all(DYNAMIC_INDEX not in s for s in shapes) and prod(shapes[0]) != prod(shapes[1]):
                raise VerifyException(
                    "source and destination tensor should have the same number of elements"
                )
        super().verify_()


class PadOp(xtensor.PadOp):
    """`tensor.pad`: the result is the source grown by its low and high padding."""

    def verify_(self) -> None:
        source, result = self.source.type, self.result.type
        if isinstance(source, TensorType) and isinstance(result, TensorType):
            self._check_shape(source, result)
            self._check_body(source, result)
        super().verify_()

    def _check_shape(self, source: TensorType, result: TensorType) -> None:
        low, high = self.static_low.get_values(), self.static_high.get_values()
        rank = source.get_num_dims()
        if len(low) != rank or len(high) != rank:
            raise VerifyException(
                f"failed to infer expectedType from sourceType '{source}', "
                f"specified resultType is '{result}'"
            )
        inferred: list[int] = []
        for size, lo, hi, given in zip(
            source.get_shape(), low, high, result.get_shape(), strict=False
        ):
            if DYNAMIC_INDEX in (size, lo, hi):
                inferred.append(given)
            else:
                inferred.append(size + lo + hi)
        expected = TensorType(result.element_type, inferred)
        if result.get_num_dims() != rank or list(result.get_shape()) != inferred:
            raise VerifyException(
                f"specified type '{result}' does not match the inferred type '{expected}'"
            )

    def _check_body(self, source: TensorType, result: TensorType) -> None:
        block = self.region.blocks.first
        if block is None:
            return
        if len(block.args) != source.get_num_dims():
            raise VerifyException(f"expected the block to have {source.get_num_dims()} arguments")
        for index, arg in enumerate(block.args):
            if not isinstance(arg.type, IndexType):
                raise VerifyException(f"expected block argument {index + 1} to be an index")
        last = block.last_op
        if isinstance(last, xtensor.YieldOp) and (
            len(last.operands) != 1 or last.operands[0].type != result.element_type
        ):
            raise VerifyException("expected yield type to match shape element type")
