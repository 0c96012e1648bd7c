// RUN: not ziggurat-opt %s -p 'affine-loop-interchange{permutation=1,0}' 2>&1 | FileCheck %s

// %j starts at %i: it cannot move outside %i. The pass refuses, at %j.

// CHECK: triangular.mlir:[[# @LINE + 3]]:5: error: affine-loop-interchange: cannot interchange 'affine.for' with permutation=1,0: its bounds depend on '%i', the induction variable of an enclosing loop of the band, which the permutation would move inside it
func.func @tri(%A: memref<16x16xf32>) {
  affine.for %i = 0 to 16 {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to 16 {
      %v = affine.load %A[%i, %j] : memref<16x16xf32>
      affine.store %v, %A[%j, %i] : memref<16x16xf32>
    }
  }
  return
}
