// RUN: ziggurat-opt %s --split-input-file -p 'linalg-tile{tile-sizes=3,2}' | FileCheck %s

// A generic reading a shifted input (d0 + 1) and a constant column (3): the
// shifted slice starts at the tile's start and spans one more element, so the
// op keeps its indexing maps; the constant column is not reached by a tiled
// loop through d1, so that operand dimension is taken whole.

// CHECK-LABEL: func.func @shifted(
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC0:.*]] = %{{.*}})
// CHECK-NEXT:      scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC1:.*]] = %[[ACC0]])
// CHECK-NEXT:        %[[SX:.*]] = tensor.extract_slice %X[%[[I]], 0] [4, 4] [1, 1] : tensor<10x4xf32> to tensor<4x4xf32>
// CHECK-NEXT:        %[[SY:.*]] = tensor.extract_slice %Y[%[[I]], %[[J]]] [3, 2] [1, 1] : tensor<9x4xf32> to tensor<3x2xf32>
// CHECK-NEXT:        %[[SO:.*]] = tensor.extract_slice %[[ACC1]][%[[I]], %[[J]]] [3, 2] [1, 1] : tensor<9x4xf32> to tensor<3x2xf32>
// CHECK-NEXT:        linalg.generic {indexing_maps = [affine_map<(d0, d1) -> ((d0 + 1), 3)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%[[SX]], %[[SY]] : tensor<4x4xf32>, tensor<3x2xf32>) outs(%[[SO]] : tensor<3x2xf32>)
func.func @shifted(%X: tensor<10x4xf32>, %Y: tensor<9x4xf32>, %O: tensor<9x4xf32>) -> tensor<9x4xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 + 1, 3)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%X, %Y : tensor<10x4xf32>, tensor<9x4xf32>) outs(%O : tensor<9x4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<9x4xf32>
  return %r : tensor<9x4xf32>
}

// -----

// linalg.index counts from the start of the tile inside a tiled op: the
// tile's start is added back, so the body still sees the original indices.

// CHECK-LABEL: func.func @iota(
// CHECK:         scf.for %[[I:.*]] = {{.*}} {
// CHECK:           scf.for %[[J:.*]] = {{.*}} {
// CHECK:             linalg.generic
// CHECK-NEXT:        ^bb0(%o: index):
// CHECK-NEXT:          %[[I0:.*]] = linalg.index 0 : index
// CHECK-NEXT:          %[[I1:.*]] = arith.addi %[[I0]], %[[I]] : index
// CHECK-NEXT:          %[[J0:.*]] = linalg.index 1 : index
// CHECK-NEXT:          %[[J1:.*]] = arith.addi %[[J0]], %[[J]] : index
// CHECK-NEXT:          %[[S:.*]] = arith.muli %[[I1]], %[[J1]] : index
// CHECK-NEXT:          linalg.yield %[[S]] : index
func.func @iota(%O: memref<5x6xindex>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%O : memref<5x6xindex>) {
  ^bb0(%o: index):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %s = arith.muli %i, %j : index
    linalg.yield %s : index
  }
  return
}
