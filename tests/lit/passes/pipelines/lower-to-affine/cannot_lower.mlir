// RUN: not ziggurat-opt %s -p lower-to-affine 2>&1 | FileCheck %s

// An op the pipeline has no lowering for stops it at that op, naming the pass,
// with exit status 1 and no traceback.

// CHECK: cannot_lower.mlir:[[# @LINE + 3]]:3: error: ziggurat-bufferize: cannot lower 'tensor.reshape'
// CHECK-NOT: Traceback
func.func @flatten(%x: tensor<4x8xf32>, %shape: tensor<1xindex>) -> tensor<32xf32> {
  %y = tensor.reshape %x(%shape) : (tensor<4x8xf32>, tensor<1xindex>) -> tensor<32xf32>
  return %y : tensor<32xf32>
}
