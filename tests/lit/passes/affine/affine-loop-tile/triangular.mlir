// RUN: not ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=4,4}' 2>&1 | FileCheck %s
// RUN: ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=4,0}' | FileCheck %s --check-prefix=OUTER
// RUN: ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=0,4}' | FileCheck %s --check-prefix=INNER

// The bounds of %j depend on %i: tiling both would put the tile loop of %j
// outside %i. The pass refuses, at the loop. Tiling only %i is fine, and so
// is tiling only %j: untiled outer loops stay outside the tile loops.

// CHECK: triangular.mlir:[[# @LINE + 10]]:5: error: affine-loop-tile: cannot tile 'affine.for': its bounds depend on '%i', the induction variable of an enclosing loop of the band, which tiling would move inside it (a non-rectangular band); give this loop tile size 0

// OUTER:      affine.for %[[IT:.*]] = 0 to 16 step 4 {
// OUTER-NEXT:   affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[IT]]) to affine_map<(d0) -> ((d0 + 4))>(%[[IT]]) {
// OUTER-NEXT:     affine.for %{{.*}} = affine_map<(d0) -> (d0)>(%[[I]]) to 16 {
// INNER:      affine.for %[[I:.*]] = 0 to 16 {
// INNER-NEXT:   affine.for %[[JT:.*]] = affine_map<(d0) -> (d0)>(%[[I]]) to 16 step 4 {
// INNER-NEXT:     affine.for %{{.*}} = affine_map<(d0) -> (d0)>(%[[JT]]) to min affine_map<(d0) -> ((d0 + 4), 16)>(%[[JT]]) {
func.func @tri(%A: memref<16x16xf32>) {
  affine.for %i = 0 to 16 {
    affine.for %j = affine_map<(d0) -> (d0)>(%i) to 16 {
      %v = affine.load %A[%i, %j] : memref<16x16xf32>
      affine.store %v, %A[%j, %i] : memref<16x16xf32>
    }
  }
  return
}
