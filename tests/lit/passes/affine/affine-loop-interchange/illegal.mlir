// RUN: not ziggurat-opt %s -p 'affine-loop-interchange{permutation=1,0}' 2>&1 | FileCheck %s

// B[i, j] reads B[i - 1, j + 1], written one iteration of %i earlier and
// one of %j later: direction (<, >). Swapped loops would read it before it
// is written, so the pass refuses, at the band.

// CHECK: illegal.mlir:[[# @LINE + 3]]:3: error: affine-loop-interchange: cannot interchange 'affine.for' with permutation=1,0: the dependence between 'affine.load' at [[# @LINE + 5]]:7 and 'affine.store' at [[# @LINE + 7]]:7 has direction (<, >), which would become (>, <) (a dependence running backwards in time)
// CHECK-NEXT: affine.for %i = 1 to 8 {
func.func @skewed(%B: memref<8x8xf32>) {
  affine.for %i = 1 to 8 {
    affine.for %j = 0 to 7 {
      %v = affine.load %B[%i - 1, %j + 1] : memref<8x8xf32>
      %w = arith.addf %v, %v : f32
      affine.store %w, %B[%i, %j] : memref<8x8xf32>
    }
  }
  return
}
