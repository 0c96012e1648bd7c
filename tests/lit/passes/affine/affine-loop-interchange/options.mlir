// RUN: not ziggurat-opt %s -p 'affine-loop-interchange{permutation=0,2}' 2>&1 | FileCheck %s
// RUN: ziggurat-opt %s -p 'affine-loop-interchange{permutation=2,1,0}' | FileCheck %s --check-prefix=SHALLOW

// CHECK: error: affine-loop-interchange: permutation=0,2 is not a permutation of 0..1

// A band with fewer loops than the permutation is left as it is.
// SHALLOW:      affine.for %[[I:.*]] = 0 to 4 {
// SHALLOW-NEXT:   affine.for %[[J:.*]] = 0 to 5 {
// SHALLOW-NEXT:     affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]]
func.func @shallow(%A: memref<4x5xf32>, %x: f32) {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 5 {
      affine.store %x, %A[%i, %j] : memref<4x5xf32>
    }
  }
  return
}
