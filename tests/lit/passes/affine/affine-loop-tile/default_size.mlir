// RUN: ziggurat-opt %s -p affine-loop-tile | FileCheck %s
// RUN: ziggurat-opt %s -p 'affine-loop-tile{tile-size=16}' | FileCheck %s --check-prefix=SIXTEEN

// Without tile-sizes every loop of the band is tiled by tile-size (32).

// CHECK-LABEL: func.func @copy
// CHECK-NEXT:   affine.for %[[IT:.*]] = 0 to 64 step 32 {
// CHECK-NEXT:     affine.for %[[JT:.*]] = 0 to 100 step 32 {
// CHECK-NEXT:       affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[IT]]) to affine_map<(d0) -> ((d0 + 32))>(%[[IT]]) {
// CHECK-NEXT:         affine.for %[[J:.*]] = affine_map<(d0) -> (d0)>(%[[JT]]) to min affine_map<(d0) -> ((d0 + 32), 100)>(%[[JT]]) {
// CHECK-NEXT:           affine.load %{{.*}}[%[[I]], %[[J]]]

// SIXTEEN: affine.for %{{.*}} = 0 to 64 step 16 {
// SIXTEEN-NEXT: affine.for %{{.*}} = 0 to 100 step 16 {
func.func @copy(%A: memref<64x100xf32>, %B: memref<64x100xf32>) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 100 {
      %v = affine.load %A[%i, %j] : memref<64x100xf32>
      affine.store %v, %B[%i, %j] : memref<64x100xf32>
    }
  }
  return
}
