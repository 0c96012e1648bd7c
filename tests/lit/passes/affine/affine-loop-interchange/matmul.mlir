// RUN: ziggurat-opt %s -p 'affine-loop-interchange{permutation=2,0,1}' | FileCheck %s
// RUN: ziggurat-opt %s -p 'affine-loop-interchange{permutation=1,0}' | FileCheck %s --check-prefix=PREFIX

// Loop i moves to position permutation[i] (MLIR's permuteLoops): 2,0,1 puts
// %i last, %j first and %k second. Matmul's only dependence (on C[i, j],
// carried by %k) allows every order. A shorter permutation applies to the
// outermost loops of the band.

// CHECK-LABEL: func.func @matmul
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 9 {
// CHECK-NEXT:     affine.for %[[K:.*]] = 0 to 7 {
// CHECK-NEXT:       affine.for %[[I:.*]] = 0 to 10 {
// CHECK-NEXT:         affine.load %{{.*}}[%[[I]], %[[K]]] : memref<10x7xf32>
// CHECK-NEXT:         affine.load %{{.*}}[%[[K]], %[[J]]] : memref<7x9xf32>
// CHECK-NEXT:         affine.load %{{.*}}[%[[I]], %[[J]]] : memref<10x9xf32>
// CHECK-NEXT:         arith.mulf
// CHECK-NEXT:         arith.addf
// CHECK-NEXT:         affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<10x9xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return

// PREFIX:      affine.for %{{.*}} = 0 to 9 {
// PREFIX-NEXT:   affine.for %{{.*}} = 0 to 10 {
// PREFIX-NEXT:     affine.for %{{.*}} = 0 to 7 {
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
