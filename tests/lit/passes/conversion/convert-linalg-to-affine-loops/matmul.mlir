// RUN: ziggurat-opt %s -p convert-linalg-to-affine-loops | FileCheck %s

// One affine.for per iteration dimension (m, n, k), in the op's order; the
// accumulator is read and written through the output buffer.

// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.*]]: memref<16x8xf32>, %[[B:.*]]: memref<8x32xf32>, %[[C:.*]]: memref<16x32xf32>)
// CHECK-NEXT:   affine.for %[[M:.*]] = 0 to 16 {
// CHECK-NEXT:     affine.for %[[N:.*]] = 0 to 32 {
// CHECK-NEXT:       affine.for %[[K:.*]] = 0 to 8 {
// CHECK-NEXT:         %[[a:.*]] = affine.load %[[A]][%[[M]], %[[K]]] : memref<16x8xf32>
// CHECK-NEXT:         %[[b:.*]] = affine.load %[[B]][%[[K]], %[[N]]] : memref<8x32xf32>
// CHECK-NEXT:         %[[c:.*]] = affine.load %[[C]][%[[M]], %[[N]]] : memref<16x32xf32>
// CHECK-NEXT:         %[[p:.*]] = arith.mulf %[[a]], %[[b]] : f32
// CHECK-NEXT:         %[[s:.*]] = arith.addf %[[c]], %[[p]] : f32
// CHECK-NEXT:         affine.store %[[s]], %[[C]][%[[M]], %[[N]]] : memref<16x32xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return
// CHECK-NOT: linalg.
func.func @gemm(%A: memref<16x8xf32>, %B: memref<8x32xf32>, %C: memref<16x32xf32>) {
  linalg.matmul ins(%A, %B : memref<16x8xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>)
  return
}

// A transposed operand reads through its own map.
// CHECK-LABEL: func.func @gemm_transposed_a
// CHECK:       affine.for %[[M:.*]] = 0 to 16 {
// CHECK-NEXT:    affine.for %[[N:.*]] = 0 to 32 {
// CHECK-NEXT:      affine.for %[[K:.*]] = 0 to 8 {
// CHECK-NEXT:        affine.load %{{.*}}[%[[K]], %[[M]]] : memref<8x16xf32>
func.func @gemm_transposed_a(%At: memref<8x16xf32>, %B: memref<8x32xf32>, %C: memref<16x32xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%At, %B : memref<8x16xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>)
  return
}

// int8 x int8 accumulated in i32: the body's sign extensions are kept.
// CHECK-LABEL: func.func @int8_dot
// CHECK:       affine.for %[[K:.*]] = 0 to 8 {
// CHECK-NEXT:    %[[x:.*]] = affine.load %{{.*}}[%[[K]]] : memref<8xi8>
// CHECK-NEXT:    %[[y:.*]] = affine.load %{{.*}}[%[[K]]] : memref<8xi8>
// CHECK-NEXT:    %[[acc:.*]] = affine.load %[[D:.*]][] : memref<i32>
// CHECK-NEXT:    %[[xe:.*]] = arith.extsi %[[x]] : i8 to i32
// CHECK-NEXT:    %[[ye:.*]] = arith.extsi %[[y]] : i8 to i32
// CHECK-NEXT:    %[[p:.*]] = arith.muli %[[xe]], %[[ye]] : i32
// CHECK-NEXT:    %[[s:.*]] = arith.addi %[[acc]], %[[p]] : i32
// CHECK-NEXT:    affine.store %[[s]], %[[D]][] : memref<i32>
func.func @int8_dot(%x: memref<8xi8>, %y: memref<8xi8>, %d: memref<i32>) {
  linalg.dot ins(%x, %y : memref<8xi8>, memref<8xi8>) outs(%d : memref<i32>)
  return
}
