// RUN: not ziggurat-opt %s -p 'affine-loop-unroll{factor=2}' 2>&1 | FileCheck %s
// RUN: not ziggurat-opt %s -p 'affine-loop-unroll{factor=0}' 2>&1 | FileCheck %s --check-prefix=FACTOR

// The point loop of a tile over a run-time size: its trip count is unknown
// and its upper bound is a min, so the remainder loop would have to start
// at a min, which an affine lower bound (a max) cannot say. MLIR refuses
// this too.

// CHECK: errors.mlir:[[# @LINE + 7]]:5: error: affine-loop-unroll: cannot unroll 'affine.for' by a factor: its trip count is not a constant and its lower bound is a max or its upper bound a min of several expressions

// FACTOR: error: affine-loop-unroll: factor must be at least 1, got 0
func.func @tiled(%A: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?xf32>
  affine.for %ii = 0 to %n step 8 {
    affine.for %i = affine_map<(d0) -> (d0)>(%ii) to min affine_map<(d0)[s0] -> (d0 + 8, s0)>(%ii)[%n] {
      %v = affine.load %A[%i] : memref<?xf32>
      affine.store %v, %A[%i] : memref<?xf32>
    }
  }
  return
}
