// RUN: not ziggurat-opt %s --split-input-file -p 'linalg-tile{tile-sizes=2,2}' 2>&1 | FileCheck %s
// RUN: not ziggurat-opt %s -p 'linalg-tile{tile-sizes=2,-1}' 2>&1 | FileCheck %s --check-prefix=NEGATIVE

// An output written at d0 + d1: tiles of d0 would overlap in the output, so
// the pass refuses, at the op, rather than reorder the writes.

// CHECK: errors.mlir:[[# @LINE + 3]]:3: error: linalg-tile: cannot lower 'linalg.generic': loop d0 indexes output operand #1 through (d0 + d1), so its tiles would overlap; use tile size 0 for that loop
// CHECK-NOT: Traceback
func.func @overlapping_output(%A: tensor<4x4xf32>, %O: tensor<7xf32>) -> tensor<7xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0 + d1)>], iterator_types = ["parallel", "parallel"]} ins(%A : tensor<4x4xf32>) outs(%O : tensor<7xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<7xf32>
  return %r : tensor<7xf32>
}

// -----

// An input read at d0 mod 4 has no contiguous slice per tile of d0.

// CHECK: errors.mlir:[[# @LINE + 3]]:3: error: linalg-tile: cannot lower 'linalg.generic': loop d0 indexes operand #0 through (d0 mod 4), which is not a sum of loops with non-negative coefficients; use tile size 0 for that loop
// CHECK-NOT: Traceback
func.func @modulo(%A: memref<4xf32>, %O: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0 mod 4)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%A : memref<4xf32>) outs(%O : memref<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// Dynamic shapes are not supported: the loop bounds would be run-time values.

// CHECK: errors.mlir:[[# @LINE + 3]]:3: error: linalg-tile: cannot lower 'linalg.matmul': dynamic shape memref<?x8xf32> is not supported
// CHECK-NOT: Traceback
func.func @dynamic(%A: memref<?x8xf32>, %B: memref<8x8xf32>, %C: memref<?x8xf32>) {
  linalg.matmul ins(%A, %B : memref<?x8xf32>, memref<8x8xf32>) outs(%C : memref<?x8xf32>)
  return
}

// NEGATIVE: error: linalg-tile: tile sizes must be non-negative, got 2,-1
