"""The `bufferization` dialect, with the ops MLIR has and xDSL lacks.

Adds `bufferization.dealloc_tensor`, which one-shot bufferization turns into
a `memref.dealloc` of the tensor's buffer.
"""

from __future__ import annotations

from xdsl.dialects import bufferization as xbufferization
from xdsl.dialects.builtin import TensorType, UnrankedTensorType
from xdsl.ir import SSAValue
from xdsl.irdl import IRDLOperation, base, irdl_op_definition, operand_def

from ziggurat.dialects.extend import extend_dialect


@irdl_op_definition
class DeallocTensorOp(IRDLOperation):
    """`bufferization.dealloc_tensor %t : tensor<4xf32>`"""

    name = "bufferization.dealloc_tensor"

    tensor = operand_def(base(TensorType) | base(UnrankedTensorType))

    assembly_format = "$tensor attr-dict `:` type($tensor)"

    def __init__(self, tensor: SSAValue) -> None:
        super().__init__(operands=[tensor])


Bufferization = extend_dialect(xbufferization.Bufferization, [DeallocTensorOp])
