// RUN: ziggurat-opt %s --split-input-file -p 'linalg-tile{tile-sizes=2,4}' | FileCheck %s

// Every structured op is tiled the same way, from its indexing maps: fill
// (whose scalar input is not sliced), transpose, broadcast, reduce, pooling.

// CHECK-LABEL: func.func @fill
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             %[[S:.*]] = tensor.extract_slice %{{.*}}[%{{.*}}, %{{.*}}] [2, 4] [1, 1] : tensor<6x8xf32> to tensor<2x4xf32>
// CHECK-NEXT:        linalg.fill ins(%c : f32) outs(%[[S]] : tensor<2x4xf32>) -> tensor<2x4xf32>
func.func @fill(%O: tensor<6x8xf32>) -> tensor<6x8xf32> {
  %c = arith.constant 1.0 : f32
  %r = linalg.fill ins(%c : f32) outs(%O : tensor<6x8xf32>) -> tensor<6x8xf32>
  return %r : tensor<6x8xf32>
}

// -----

// The loops of a transpose are the output's: the input slice is transposed.

// CHECK-LABEL: func.func @transpose
// CHECK:         scf.for %[[I:.*]] = {{.*}} {
// CHECK:           scf.for %[[J:.*]] = {{.*}} {
// CHECK-NEXT:        %[[SA:.*]] = memref.subview %A[%[[J]], %[[I]]] [4, 2] [1, 1]
// CHECK-NEXT:        %[[SB:.*]] = memref.subview %B[%[[I]], %[[J]]] [2, 4] [1, 1]
// CHECK-NEXT:        linalg.transpose ins(%[[SA]]:{{.*}}) outs(%[[SB]]:{{.*}}) permutation = [1, 0]
func.func @transpose(%A: memref<8x6xf32>, %B: memref<6x8xf32>) {
  linalg.transpose ins(%A : memref<8x6xf32>) outs(%B : memref<6x8xf32>) permutation = [1, 0]
  return
}

// -----

// CHECK-LABEL: func.func @broadcast
// CHECK:           tensor.extract_slice %A[%{{.*}}] [4] [1] : tensor<8xf32> to tensor<4xf32>
// CHECK:           linalg.broadcast ins(%{{.*}}:tensor<4xf32>) outs(%{{.*}}:tensor<2x4xf32>) dimensions = [0]
func.func @broadcast(%A: tensor<8xf32>, %B: tensor<6x8xf32>) -> tensor<6x8xf32> {
  %r = linalg.broadcast ins(%A : tensor<8xf32>) outs(%B : tensor<6x8xf32>) dimensions = [0]
  return %r : tensor<6x8xf32>
}

// -----

// Tiling the reduced dimension of linalg.reduce: each tile accumulates into
// the same output slice.

// CHECK-LABEL: func.func @reduce
// CHECK:         scf.for %[[I:.*]] = {{.*}} iter_args(%[[ACC0:.*]] = %B) -> (tensor<6xf32>) {
// CHECK-NEXT:      scf.for %[[K:.*]] = {{.*}} iter_args(%[[ACC1:.*]] = %[[ACC0]]) -> (tensor<6xf32>) {
// CHECK-NEXT:        %[[TK:.*]] = affine.min affine_map<(d0) -> (4, ((d0 * -1) + 10))>(%[[K]])
// CHECK-NEXT:        %[[IN:.*]] = tensor.extract_slice %A[%[[I]], %[[K]]] [2, %[[TK]]] [1, 1] : tensor<6x10xf32> to tensor<2x?xf32>
// CHECK-NEXT:        %[[OUT:.*]] = tensor.extract_slice %[[ACC1]][%[[I]]] [2] [1] : tensor<6xf32> to tensor<2xf32>
// CHECK-NEXT:        linalg.reduce ins(%[[IN]]:tensor<2x?xf32>) outs(%[[OUT]]:tensor<2xf32>) dimensions = [1]
func.func @reduce(%A: tensor<6x10xf32>, %B: tensor<6xf32>) -> tensor<6xf32> {
  %r = linalg.reduce ins(%A : tensor<6x10xf32>) outs(%B : tensor<6xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %s = arith.addf %in, %init : f32
      linalg.yield %s : f32
    }
  return %r : tensor<6xf32>
}
