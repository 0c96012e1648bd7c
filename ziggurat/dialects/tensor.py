"""The `tensor` dialect, with the ops MLIR has and xDSL lacks.

Adds `tensor.generate`, `tensor.rank` and `tensor.bitcast`, and prints the
reassociation of `collapse_shape` and `expand_shape` as MLIR does.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import tensor as xtensor
from xdsl.dialects.builtin import (
    AnyFloat,
    IndexType,
    IntegerType,
    TensorType,
    UnrankedTensorType,
)
from xdsl.ir import Attribute, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    base,
    irdl_op_definition,
    operand_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.printer import Printer
from xdsl.traits import Pure, RecursiveMemoryEffect, SingleBlockImplicitTerminator
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.hints import isa

from ziggurat.dialects.extend import extend_dialect
from ziggurat.dialects.reshape_rules import check_tensor_reshape, reassociation_groups
from ziggurat.dialects.shape_syntax import print_reshape
from ziggurat.dialects.slice_rules import check_dynamic_sizes, check_slice
from ziggurat.dialects.tensor_checks import (
    CastOp,
    EmptyOp,
    ExtractOp,
    InsertOp,
    PadOp,
    ReshapeOp,
    SplatOp,
)


@irdl_op_definition
class GenerateOp(IRDLOperation):
    """`%t = tensor.generate %n { ^bb0(%i: index, %j: index): ... } : tensor<?x4xf32>`

    The body computes the element at each index; one operand per dynamic
    dimension of the result gives its size.
    """

    name = "tensor.generate"

    dynamic_extents = var_operand_def(IndexType)
    result = result_def(TensorType)
    body = region_def("single_block")

    traits = traits_def(RecursiveMemoryEffect(), SingleBlockImplicitTerminator(xtensor.YieldOp))

    assembly_format = "$dynamic_extents $body attr-dict `:` type($result)"

    def __init__(
        self, dynamic_extents: Sequence[SSAValue], body: Region, result_type: Attribute
    ) -> None:
        super().__init__(operands=[dynamic_extents], regions=[body], result_types=[result_type])

    def verify_(self) -> None:
        result_type = self.result.type
        assert isa(result_type, TensorType)
        shape = result_type.get_shape()
        check_dynamic_sizes(result_type, len(self.dynamic_extents))
        block = self.body.block
        if len(block.args) != len(shape) or any(t != IndexType() for t in block.arg_types):
            raise VerifyException(f"expects its body to take {len(shape)} index arguments")
        last = block.last_op
        if isinstance(last, xtensor.YieldOp) and (
            len(last.arguments) != 1 or last.arguments[0].type != result_type.element_type
        ):
            raise VerifyException(
                "body must be terminated with a `yield` operation of the tensor element type"
            )


@irdl_op_definition
class RankOp(IRDLOperation):
    """`%r = tensor.rank %t : tensor<*xf32>`"""

    name = "tensor.rank"

    tensor = operand_def(base(TensorType) | base(UnrankedTensorType))
    result = result_def(IndexType)

    traits = traits_def(Pure())

    assembly_format = "$tensor attr-dict `:` type($tensor)"

    def __init__(self, tensor: SSAValue) -> None:
        super().__init__(operands=[tensor], result_types=[IndexType()])


@irdl_op_definition
class BitcastOp(IRDLOperation):
    """`%b = tensor.bitcast %t : tensor<4xi32> to tensor<4xf32>`: same bits, new type."""

    name = "tensor.bitcast"

    source = operand_def(base(TensorType) | base(UnrankedTensorType))
    dest = result_def(base(TensorType) | base(UnrankedTensorType))

    traits = traits_def(Pure())

    assembly_format = "$source attr-dict `:` type($source) `to` type($dest)"

    def __init__(self, source: SSAValue, to: Attribute) -> None:
        super().__init__(operands=[source], result_types=[to])

    def verify_(self) -> None:
        widths = []
        for type_ in (self.source.type, self.dest.type):
            assert isa(type_, TensorType | UnrankedTensorType)
            element = type_.get_element_type()
            if not isinstance(element, IntegerType | AnyFloat):
                raise VerifyException(f"expects integer or float elements, got {element}")
            widths.append(element.bitwidth)
        if widths[0] != widths[1]:
            raise VerifyException(
                f"operand type '{self.source.type}' and result type '{self.dest.type}' "
                "are cast incompatible"
            )


class CollapseShapeOp(xtensor.CollapseShapeOp):
    """`tensor.collapse_shape %t [[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>`"""

    def verify_(self) -> None:
        source, result = self.src.type, self.result.type
        if isinstance(source, TensorType) and isinstance(result, TensorType):
            check_tensor_reshape(source, result, reassociation_groups(self.reassociation))
        super().verify_()

    def print(self, printer: Printer):
        print_reshape(printer, self, self.src, self.reassociation)


class ExpandShapeOp(xtensor.ExpandShapeOp):
    """`tensor.expand_shape %t [[0, 1]] output_shape [2, 3] : ... into ...`"""

    def verify_(self) -> None:
        source, result = self.src.type, self.result.type
        if isinstance(source, TensorType) and isinstance(result, TensorType):
            check_tensor_reshape(result, source, reassociation_groups(self.reassociation))
        super().verify_()

    def print(self, printer: Printer):
        output_shape = (self.dynamic_output_shape, self.static_output_shape)
        print_reshape(printer, self, self.src, self.reassociation, output_shape)


class ExtractSliceOp(xtensor.ExtractSliceOp):
    """`tensor.extract_slice`, verified by MLIR's rules (`slice_rules`)."""

    def verify_(self) -> None:
        super().verify_()
        source, result = self.source.type, self.result.type
        assert isinstance(source, TensorType) and isinstance(result, TensorType)
        check_slice(
            source,
            result,
            self.static_offsets.get_values(),
            self.static_sizes.get_values(),
            self.static_strides.get_values(),
        )


class InsertSliceOp(xtensor.InsertSliceOp):
    """`tensor.insert_slice`, verified by MLIR's rules (`slice_rules`)."""

    def verify_(self) -> None:
        super().verify_()
        source, dest = self.source.type, self.dest.type
        assert isinstance(source, TensorType) and isinstance(dest, TensorType)
        check_slice(
            dest,
            source,
            self.static_offsets.get_values(),
            self.static_sizes.get_values(),
            self.static_strides.get_values(),
        )


Tensor = extend_dialect(
    xtensor.Tensor,
    [
        GenerateOp,
        RankOp,
        BitcastOp,
        CollapseShapeOp,
        ExpandShapeOp,
        ExtractSliceOp,
        InsertSliceOp,
        EmptyOp,
        SplatOp,
        ExtractOp,
        InsertOp,
        CastOp,
        ReshapeOp,
        PadOp,
    ],
)
