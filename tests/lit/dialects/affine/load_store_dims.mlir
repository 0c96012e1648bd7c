// RUN: ziggurat-opt %s | FileCheck %s
// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: ziggurat-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// Subscripts written as %i are dims and symbol(%n) are symbols, as in MLIR.

// CHECK-LABEL: func.func @shift
func.func @shift(%m: memref<8x8xf32>, %n: index) {
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 7 {
      // CHECK: %{{.*}} = affine.load %m[%i, %j + 1] : memref<8x8xf32>
      // GENERIC: "affine.load"(%{{.*}}, %{{.*}}, %{{.*}}) <{map = affine_map<(d0, d1) -> (d0, (d1 + 1))>}>
      %v = affine.load %m[%i, %j + 1] : memref<8x8xf32>
      // CHECK: affine.store %{{.*}}, %m[%i, symbol(%n) - 1] : memref<8x8xf32>
      // GENERIC: "affine.store"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{map = affine_map<(d0)[s0] -> (d0, (s0 + -1))>}>
      affine.store %v, %m[%i, symbol(%n) - 1] : memref<8x8xf32>
      // CHECK: affine.load %m[%i * 2 + %j floordiv 4, (%i + %j) mod 8] : memref<8x8xf32>
      %w = affine.load %m[%i * 2 + %j floordiv 4, (%i + %j) mod 8] : memref<8x8xf32>
    }
  }
  return
}
