// REQUIRES: mlir-opt
// mlir-opt accepts what lower-affine prints, and no affine op is left.
// RUN: ziggurat-opt %s -p lower-affine | %mlir-opt --verify-each | FileCheck %s
// RUN: ziggurat-opt %S/../../conversion/convert-linalg-to-affine-loops/mlir_opt.mlir -p convert-linalg-to-affine-loops,lower-affine | %mlir-opt --verify-each | FileCheck %s --check-prefix=LINALG

// CHECK-NOT: affine.
// LINALG-NOT: affine.
// LINALG-NOT: linalg.

#lb = affine_map<(d0)[s0] -> (d0 - 3, s0 floordiv 2)>
#ub = affine_map<(d0)[s0] -> (d0 + 5, s0 * 2 - 1, 10)>
#set = affine_set<(d0, d1)[s0] : (d0 - d1 >= 0, d0 mod 3 == 0, s0 - d0 - 1 >= 0)>
func.func @prog(%A: memref<16xi32>, %n: index, %m: index, %B: memref<8x8xf32>) -> (i32, f32) {
  %z = arith.constant 0 : i32
  %r = affine.for %i = max #lb(%m)[%n] to min #ub(%m)[%n] step 2 iter_args(%acc = %z) -> (i32) {
    %v = affine.load %A[%i mod 16] : memref<16xi32>
    %w = affine.if #set(%i, %m)[%n] -> i32 {
      %q = arith.addi %acc, %v : i32
      affine.yield %q : i32
    } else {
      affine.yield %acc : i32
    }
    affine.yield %w : i32
  }
  %mn = affine.min affine_map<(d0)[s0] -> (d0, s0, 7)>(%n)[%m]
  %mx = affine.max affine_map<(d0)[s0] -> (d0 ceildiv 3, s0, -7)>(%n)[%m]
  %s = affine.parallel (%i, %j) = (0, max(0, %mn - 8)) to (8, min(8, %mx + 1)) reduce ("addf") -> (f32) {
    %x = affine.load %B[%i, %j] : memref<8x8xf32>
    affine.yield %x : f32
  }
  affine.parallel (%i) = (0) to (8) {
    affine.if affine_set<(d0) : (d0 - 2 == 0)>(%i) {
      affine.store %z, %A[%i * 2] : memref<16xi32>
    }
  }
  %vec = affine.vector_load %B[%m, %n * 4] : memref<8x8xf32>, vector<4xf32>
  affine.vector_store %vec, %B[%n, 0] : memref<8x8xf32>, vector<4xf32>
  return %r, %s : i32, f32
}
