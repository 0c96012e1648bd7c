// REQUIRES: mlir-opt
// RUN: ziggurat-opt %s -p 'affine-loop-interchange{permutation=1,0}' | %mlir-opt | FileCheck %s

// Real MLIR reads the interchanged nest.

// CHECK:      affine.for %[[J:.*]] = 0 to 9 {
// CHECK-NEXT:   affine.for %[[I:.*]] = 0 to 10 {
// CHECK:          affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<10x9xf32>
func.func @scale(%A: memref<10x9xf32>, %x: f32) {
  affine.for %i = 0 to 10 {
    affine.for %j = 0 to 9 {
      %v = affine.load %A[%i, %j] : memref<10x9xf32>
      %s = arith.mulf %v, %x : f32
      affine.store %s, %A[%i, %j] : memref<10x9xf32>
    }
  }
  return
}
