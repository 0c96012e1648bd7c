// RUN: ziggurat-opt %s --split-input-file -p linalg-fuse-elementwise | FileCheck %s

// Fusions that would be wrong or wasteful are left alone.

#id = affine_map<(d0, d1) -> (d0, d1)>

// The producer's result is also returned: fusing would compute it twice.

// CHECK-LABEL: func.func @other_use(
// CHECK:         %[[P:.*]] = linalg.generic
// CHECK:           math.exp
// CHECK:         %[[C:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<4x4xf32>)
// CHECK:           arith.negf
// CHECK:         func.return %[[P]], %[[C]]
func.func @other_use(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %e = tensor.empty() : tensor<4x4xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.exp %a : f32
    linalg.yield %s : f32
  } -> tensor<4x4xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%p : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  } -> tensor<4x4xf32>
  return %p, %c : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A reduction is not an elementwise producer: each of its elements is a sum
// over a whole row, not something the consumer can compute per element.

// CHECK-LABEL: func.func @reduction_producer(
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel"]
func.func @reduction_producer(%x: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %p = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%p : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// On memrefs the ops write buffers in place: not fused (tensors only).

// CHECK-LABEL: func.func @on_memrefs(
// CHECK:         linalg.generic
// CHECK:         linalg.generic
func.func @on_memrefs(%x: memref<4x4xf32>, %t: memref<4x4xf32>, %y: memref<4x4xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x4xf32>) outs(%t : memref<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.exp %a : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%t : memref<4x4xf32>) outs(%y : memref<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  }
  return
}
