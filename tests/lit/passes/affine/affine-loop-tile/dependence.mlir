// RUN: not ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=4,4}' 2>&1 | FileCheck %s
// RUN: ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=4,0}' | FileCheck %s --check-prefix=OUTER
// RUN: ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=4,4 skip-illegal=true}' | FileCheck %s --check-prefix=SKIP

// A wavefront: A[i][j] reads A[i-1][j+1], a dependence of direction (<, >).
// Tiling j would run a tile that needs a later tile's result first: refused.
// Tiling i alone keeps every dependence forwards.

// CHECK: dependence.mlir:[[# @LINE + 10]]:3: error: affine-loop-tile: cannot tile 'affine.for': the dependence between 'affine.load' at [[# @LINE + 12]]:7 and 'affine.store' at [[# @LINE + 14]]:7 has direction (<, >), negative in a tiled loop

// With skip-illegal (as cpu-pipeline runs it) the band is left as it was.
// SKIP: affine.for %i = 1 to 16 {
// SKIP-NEXT: affine.for %j = 0 to 15 {

// OUTER: affine.for %i_tile = 1 to 16 step 4 {
// OUTER-NEXT: affine.for %i =
// OUTER-NEXT: affine.for %j = 0 to 15 {
func.func @wave(%a: memref<16x16xf32>) {
  affine.for %i = 1 to 16 {
    affine.for %j = 0 to 15 {
      %v = affine.load %a[%i - 1, %j + 1] : memref<16x16xf32>
      %w = arith.addf %v, %v : f32
      affine.store %w, %a[%i, %j] : memref<16x16xf32>
    }
  }
  return
}
