// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t
// RUN: ziggurat-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// How subscripts print: as MLIR writes them, and so that they parse back to
// the same expression (the generic form shows the map that is kept).

// CHECK-LABEL: func.func @expressions
func.func @expressions(%m: memref<1024xf32>, %n: index) {
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 8 {
      // A negative coefficient prints as a subtraction.
      // CHECK: affine.load %m[%i * 4 - %j * 2] : memref<1024xf32>
      // GENERIC: affine_map<(d0, d1) -> (((d0 * 4) + (d1 * -2)))>
      %a = affine.load %m[%i * 4 - %j * 2] : memref<1024xf32>
      // A product by -1 prints as a negation.
      // CHECK: affine.load %m[-%i + 8] : memref<1024xf32>
      // GENERIC: affine_map<(d0) -> (((d0 * -1) + 8))>
      %b = affine.load %m[8 - %i] : memref<1024xf32>
      // A sum on the right of `+` keeps its parentheses: `+` groups to the left.
      // CHECK: affine.load %m[%i + (%j + symbol(%n))] : memref<1024xf32>
      // GENERIC: affine_map<(d0, d1)[s0] -> ((d0 + (d1 + s0)))>
      %c = affine.load %m[%i + (%j + symbol(%n))] : memref<1024xf32>
      // Operands of *, floordiv, ceildiv and mod are parenthesized when compound.
      // CHECK: affine.load %m[((%i + %j) floordiv 2) mod 4 + (%i * 3) ceildiv 2] : memref<1024xf32>
      %d = affine.load %m[((%i + %j) floordiv 2) mod 4 + (%i * 3) ceildiv 2] : memref<1024xf32>
      // A negated compound keeps its parentheses.
      // CHECK: affine.load %m[-(%i floordiv 2) + 16] : memref<1024xf32>
      %e = affine.load %m[16 - %i floordiv 2] : memref<1024xf32>
      // Products distribute over sums and constants fold as the expression is built.
      // CHECK: affine.load %m[%i * 4 + 4 + %j] : memref<1024xf32>
      // GENERIC: affine_map<(d0, d1) -> ((((d0 * 4) + 4) + d1))>
      %f = affine.load %m[(%i + 1) * 4 + %j] : memref<1024xf32>
      // CHECK: affine.load %m[%i + 5] : memref<1024xf32>
      %g = affine.load %m[%i + 2 + 3] : memref<1024xf32>
      // The same value used twice is one dim; as dim and symbol, one of each.
      // CHECK: affine.load %m[%i + %i * 2 + symbol(%n)] : memref<1024xf32>
      // GENERIC: "affine.load"(%{{.*}}, %{{.*}}, %{{.*}}) <{map = affine_map<(d0)[s0] -> (((d0 + (d0 * 2)) + s0))>}>
      %h = affine.load %m[%i + %i * 2 + symbol(%n)] : memref<1024xf32>
      // Negative constants and products by them; constants move to the right.
      // CHECK: affine.load %m[%i * -3 + 30] : memref<1024xf32>
      %k = affine.load %m[%i * -3 + 30] : memref<1024xf32>
      // CHECK: affine.load %m[symbol(%n) - 5] : memref<1024xf32>
      %l = affine.load %m[-5 + symbol(%n)] : memref<1024xf32>
    }
  }
  return
}
