// RUN: ziggurat-opt %s -p affine-parallelize | FileCheck %s
// RUN: ziggurat-opt %s -p 'affine-parallelize{max-nested=1}' | FileCheck %s --check-prefix=NESTED

// C[i, j] += A[i, k] * B[k, j]: iterations of %i and of %j touch different
// elements of C, those of %k all update the same one. %i and %j become
// affine.parallel, %k stays a sequential affine.for. max-nested=1 stops
// after the outermost parallel loop.

// CHECK-LABEL: func.func @matmul
// CHECK-NEXT:   affine.parallel (%[[I:.*]]) = (0) to (10) {
// CHECK-NEXT:     affine.parallel (%[[J:.*]]) = (0) to (9) {
// CHECK-NEXT:       affine.for %[[K:.*]] = 0 to 7 {
// CHECK-NEXT:         affine.load %{{.*}}[%[[I]], %[[K]]] : memref<10x7xf32>
// CHECK:              affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<10x9xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }

// NESTED:      affine.parallel (%{{.*}}) = (0) to (10) {
// NESTED-NEXT:   affine.for %{{.*}} = 0 to 9 {
// NESTED-NEXT:     affine.for %{{.*}} = 0 to 7 {
func.func @matmul(%A: memref<10x7xf32>, %B: memref<7x9xf32>, %C: memref<10x9xf32>) {
  affine.for %i = 0 to 10 {
    affine.for %j = 0 to 9 {
      affine.for %k = 0 to 7 {
        %a = affine.load %A[%i, %k] : memref<10x7xf32>
        %b = affine.load %B[%k, %j] : memref<7x9xf32>
        %c = affine.load %C[%i, %j] : memref<10x9xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<10x9xf32>
      }
    }
  }
  return
}
