// RUN: ziggurat-opt %s -p 'convert-linalg-to-affine-loops,affine-loop-interchange{permutation=1,2,0}' | FileCheck %s

// The nest convert-linalg-to-affine-loops makes of a matmul, reordered to
// k, i, j (loop 0 to position 1, loop 1 to 2, loop 2 to 0).

// CHECK-LABEL: func.func @mm
// CHECK-NEXT:   affine.for %[[K:.*]] = 0 to 5 {
// CHECK-NEXT:     affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT:       affine.for %[[J:.*]] = 0 to 6 {
// CHECK-NEXT:         affine.load %{{.*}}[%[[I]], %[[K]]] : memref<4x5xf32>
// CHECK-NEXT:         affine.load %{{.*}}[%[[K]], %[[J]]] : memref<5x6xf32>
func.func @mm(%A: memref<4x5xf32>, %B: memref<5x6xf32>, %C: memref<4x6xf32>) {
  linalg.matmul ins(%A, %B : memref<4x5xf32>, memref<5x6xf32>) outs(%C : memref<4x6xf32>)
  return
}
