// RUN: ziggurat-opt %s -p cpu-matmul-kernel | FileCheck %s

// Only f32 matmuls on memrefs with the default indexing maps are rewritten; the rest is
// left to the ordinary lowering.

// CHECK-LABEL: func.func @ints
// CHECK:         linalg.matmul
func.func @ints(%a: memref<4x4xi32>, %b: memref<4x4xi32>, %c: memref<4x4xi32>) {
  linalg.matmul ins(%a, %b : memref<4x4xi32>, memref<4x4xi32>) outs(%c : memref<4x4xi32>)
  return
}

// CHECK-LABEL: func.func @tensors
// CHECK:         linalg.matmul
func.func @tensors(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}
