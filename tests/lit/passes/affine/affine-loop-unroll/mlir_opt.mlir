// REQUIRES: mlir-opt
// RUN: ziggurat-opt %s -p 'affine-loop-unroll{factor=4}' | %mlir-opt | FileCheck %s

// Real MLIR reads the unrolled loops: the main loop with its run-time
// bound map, the copies' affine.apply, and the remainder's max bound.

// CHECK:     affine.for %[[I:.*]] = 0 to #{{.*}}()[%[[N:.*]]] step 4 iter_args
// CHECK:       affine.apply #{{.*}}(%[[I]])
// CHECK:     affine.for %{{.*}} = max #{{.*}}()[%[[N]]] to %[[N]] iter_args
func.func @sum(%m: memref<?xi32>) -> i32 {
  %c0 = arith.constant 0 : index
  %n = memref.dim %m, %c0 : memref<?xi32>
  %zero = arith.constant 0 : i32
  %r = affine.for %i = 0 to %n iter_args(%acc = %zero) -> (i32) {
    %v = affine.load %m[%i] : memref<?xi32>
    %s = arith.addi %acc, %v : i32
    affine.yield %s : i32
  }
  return %r : i32
}
