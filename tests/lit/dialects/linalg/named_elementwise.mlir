// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Elementwise ops from the table, unary and binary, of several ranks.

// CHECK-LABEL: func.func @unary
// CHECK: %0 = linalg.abs ins(%a : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %1 = linalg.ceil ins(%0
// CHECK: %2 = linalg.floor ins(%1
// CHECK: %3 = linalg.negf ins(%2
// CHECK: %4 = linalg.reciprocal ins(%3
// CHECK: %5 = linalg.round ins(%4
// CHECK: %6 = linalg.rsqrt ins(%5
// CHECK: %7 = linalg.square ins(%6
// CHECK: %8 = linalg.tanh ins(%7
// CHECK: %9 = linalg.erf ins(%8
func.func @unary(%a: tensor<2x3xf32>, %e: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = linalg.abs ins(%a : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = linalg.ceil ins(%0 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = linalg.floor ins(%1 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = linalg.negf ins(%2 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = linalg.reciprocal ins(%3 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = linalg.round ins(%4 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = linalg.rsqrt ins(%5 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = linalg.square ins(%6 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %8 = linalg.tanh ins(%7 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %9 = linalg.erf ins(%8 : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %9 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @binary
// CHECK: linalg.div ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%c : memref<4xf32>){{$}}
// CHECK: linalg.powf ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%c : memref<4xf32>){{$}}
// CHECK: linalg.div_unsigned ins(%i, %j : memref<2x2xi32>, memref<2x2xi32>) outs(%k : memref<2x2xi32>){{$}}
func.func @binary(%a: memref<4xf32>, %b: memref<4xf32>, %c: memref<4xf32>, %i: memref<2x2xi32>, %j: memref<2x2xi32>, %k: memref<2x2xi32>) {
  linalg.div ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%c : memref<4xf32>)
  linalg.powf ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%c : memref<4xf32>)
  linalg.div_unsigned ins(%i, %j : memref<2x2xi32>, memref<2x2xi32>) outs(%k : memref<2x2xi32>)
  return
}

// A scalar (rank-0) operand is an elementwise op of no loops.
// CHECK-LABEL: func.func @rank0
// CHECK: linalg.sub ins(%a, %b : tensor<f32>, tensor<f32>) outs(%a : tensor<f32>) -> tensor<f32>
func.func @rank0(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %r = linalg.sub ins(%a, %b : tensor<f32>, tensor<f32>) outs(%a : tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
