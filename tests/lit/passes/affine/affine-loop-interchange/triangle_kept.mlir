// RUN: ziggurat-opt %s -p 'affine-loop-interchange{permutation=0,2,1}' | FileCheck %s

// Bounds that depend on an outer loop (a triangle) are fine as long as the
// permutation keeps that loop outside: here %j (bounds from %i) and %k swap.

// CHECK-LABEL: func.func @triangle
// CHECK-NEXT:   affine.for %[[I:.*]] = 0 to 8 {
// CHECK-NEXT:     affine.for %{{.*}} = 0 to 4 {
// CHECK-NEXT:       affine.for %{{.*}} = affine_map<(d0) -> (d0)>(%[[I]]) to 8 {
func.func @triangle(%A: memref<8x8x4xf32>) {
  affine.for %i = 0 to 8 {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to 8 {
      affine.for %k = 0 to 4 {
        %v = affine.load %A[%j, %i, %k] : memref<8x8x4xf32>
        affine.store %v, %A[%i, %j, %k] : memref<8x8x4xf32>
      }
    }
  }
  return
}
