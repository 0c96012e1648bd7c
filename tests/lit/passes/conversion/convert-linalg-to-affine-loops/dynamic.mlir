// RUN: ziggurat-opt %s -p convert-linalg-to-affine-loops | FileCheck %s

// A dynamic dimension bounds its loop through memref.dim, a symbol of the
// upper bound; the first operand dimension indexed by the loop gives it.

// CHECK-LABEL: func.func @gemm_dynamic
// CHECK-SAME: (%[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?x16xf32>, %[[C:.*]]: memref<?x16xf32>)
// CHECK-NEXT:   %[[c0:.*]] = arith.constant 0 : index
// CHECK-NEXT:   %[[M:.*]] = memref.dim %[[A]], %[[c0]] : memref<?x?xf32>
// CHECK-NEXT:   %[[c1:.*]] = arith.constant 1 : index
// CHECK-NEXT:   %[[K:.*]] = memref.dim %[[A]], %[[c1]] : memref<?x?xf32>
// CHECK-NEXT:   affine.for %[[I:.*]] = 0 to %[[M]] {
// CHECK-NEXT:     affine.for %[[J:.*]] = 0 to 16 {
// CHECK-NEXT:       affine.for %[[L:.*]] = 0 to %[[K]] {
// CHECK-NEXT:         affine.load %[[A]][%[[I]], %[[L]]] : memref<?x?xf32>
func.func @gemm_dynamic(%A: memref<?x?xf32>, %B: memref<?x16xf32>, %C: memref<?x16xf32>) {
  linalg.matmul ins(%A, %B : memref<?x?xf32>, memref<?x16xf32>) outs(%C : memref<?x16xf32>)
  return
}
