// REQUIRES: mlir-opt
// Generalizing gives, op for op, what mlir-opt's own linalg-generalize-named-ops gives.
// RUN: ziggurat-opt %S/../../conversion/convert-linalg-to-affine-loops/mlir_opt.mlir -p linalg-generalize-named-ops | %mlir-opt > %t.ours
// RUN: %mlir-opt %S/../../conversion/convert-linalg-to-affine-loops/mlir_opt.mlir --linalg-generalize-named-ops > %t.theirs
// RUN: diff %t.ours %t.theirs
// RUN: ziggurat-opt %s -p linalg-generalize-named-ops | %mlir-opt > %t.ours
// RUN: %mlir-opt %s --linalg-generalize-named-ops > %t.theirs
// RUN: diff %t.ours %t.theirs
// RUN: FileCheck %s < %t.ours

// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.copy
func.func @tensors(%A: tensor<16x8xi8>, %B: tensor<8x32xi8>, %C: tensor<16x32xi32>, %D: tensor<16x8xi32>) -> (tensor<16x32xi32>, tensor<16x8xi32>) {
  %0 = linalg.matmul ins(%A, %B : tensor<16x8xi8>, tensor<8x32xi8>) outs(%C : tensor<16x32xi32>) -> tensor<16x32xi32>
  %1 = linalg.copy ins(%A : tensor<16x8xi8>) outs(%D : tensor<16x8xi32>) -> tensor<16x8xi32>
  return %0, %1 : tensor<16x32xi32>, tensor<16x8xi32>
}
