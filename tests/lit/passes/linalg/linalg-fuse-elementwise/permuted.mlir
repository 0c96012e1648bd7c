// RUN: ziggurat-opt %s -p linalg-fuse-elementwise | FileCheck %s

// A producer whose output map is a permutation (it writes its result
// transposed), read by a consumer through a broadcast map: the producer's
// input map is composed with the inverse of its output map and with the
// consumer's map. The producer's body reads its init (%acc), so the init
// becomes an input of the fused op.

// CHECK-LABEL: func.func @permuted(
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%a, %init : tensor<5x4xf32>, tensor<5x4xf32>) outs(%e : tensor<3x4x5xf32>) {
// CHECK-NEXT:    ^bb0(%v: f32, %acc: f32, %o: f32):
// CHECK-NEXT:      %[[S:.*]] = arith.addf %v, %acc : f32
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[S]] : f32
// CHECK-NEXT:      linalg.yield %[[N]] : f32
// CHECK-NOT:     linalg.generic
func.func @permuted(%a: tensor<5x4xf32>, %init: tensor<5x4xf32>) -> tensor<3x4x5xf32> {
  %p = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d1, d0)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<5x4xf32>) outs(%init : tensor<5x4xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<5x4xf32>
  %e = tensor.empty() : tensor<3x4x5xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%p : tensor<5x4xf32>) outs(%e : tensor<3x4x5xf32>) {
  ^bb0(%v: f32, %o: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  } -> tensor<3x4x5xf32>
  return %c : tensor<3x4x5xf32>
}
