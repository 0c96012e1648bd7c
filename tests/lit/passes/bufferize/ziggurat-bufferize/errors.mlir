// RUN: not ziggurat-opt %s -p ziggurat-bufferize --split-input-file 2>&1 | FileCheck %s

// Ops the pass does not know are refused with their location, never skipped.

// CHECK: errors.mlir:[[# @LINE + 3]]:3: error: ziggurat-bufferize: cannot lower 'arith.addf': no bufferization is known for this op on tensors
// CHECK-NEXT: {{^}}  %r = arith.addf %a, %a : tensor<4xf32>
func.func @elementwise_arith(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = arith.addf %a, %a : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK: errors.mlir:[[# @LINE + 3]]:3: error: ziggurat-bufferize: cannot lower 'tensor.pad': dynamic shapes are not supported here (tensor<?xf32>)
func.func @dynamic_pad(%t: tensor<4xf32>, %n: index) -> tensor<?xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %t low[%n] high[0] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<4xf32> to tensor<?xf32>
  return %p : tensor<?xf32>
}

// -----

// CHECK: errors.mlir:[[# @LINE + 1]]:1: error: ziggurat-bufferize: cannot lower 'func.func': unranked tensors are not supported (tensor<*xf32>)
func.func @unranked(%t: tensor<*xf32>) -> index {
  %r = tensor.rank %t : tensor<*xf32>
  return %r : index
}

// -----

// CHECK: errors.mlir:[[# @LINE + 3]]:3: error: ziggurat-bufferize: cannot lower 'tensor.reshape': no bufferization is known for this op on tensors
func.func @reshape(%t: tensor<2x3xf32>) -> tensor<6xf32> {
  %shape = arith.constant dense<[6]> : tensor<1xi64>
  %f = tensor.reshape %t(%shape) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<6xf32>
  return %f : tensor<6xf32>
}
