// REQUIRES: mlir-opt
// RUN: ziggurat-opt %s -p 'affine-parallelize{parallel-reductions=true}' | %mlir-opt | FileCheck %s

// Real MLIR reads the affine.parallel ops, reductions included.

// CHECK:      affine.parallel (%[[I:.*]]) = (0) to (10) {
// CHECK:        affine.parallel (%{{.*}}) = (0) to (7) reduce ("addf") -> (f32) {
func.func @rowsum(%A: memref<10x7xf32>, %S: memref<10xf32>) {
  affine.for %i = 0 to 10 {
    %zero = arith.constant 0.0 : f32
    %r = affine.for %k = 0 to 7 iter_args(%acc = %zero) -> (f32) {
      %a = affine.load %A[%i, %k] : memref<10x7xf32>
      %s = arith.addf %acc, %a : f32
      affine.yield %s : f32
    }
    affine.store %r, %S[%i] : memref<10xf32>
  }
  return
}
