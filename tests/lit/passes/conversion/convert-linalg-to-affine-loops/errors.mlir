// RUN: not ziggurat-opt %s --split-input-file -p convert-linalg-to-affine-loops 2>&1 | FileCheck %s

// Ops on tensors have no buffers to load from and store to.
// CHECK: errors.mlir:[[# @LINE + 2]]:3: error: convert-linalg-to-affine-loops: cannot lower 'linalg.matmul': it works on tensors; bufferize first (ziggurat-bufferize) so that it reads and writes memrefs
func.func @on_tensors(%A: tensor<4x4xf32>, %C: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul ins(%A, %A : tensor<4x4xf32>, tensor<4x4xf32>) outs(%C : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// CHECK: errors.mlir:[[# @LINE + 3]]:3: error: convert-linalg-to-affine-loops: cannot lower 'linalg.generic': it works on tensors
func.func @generic_on_tensors(%A: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%A : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
