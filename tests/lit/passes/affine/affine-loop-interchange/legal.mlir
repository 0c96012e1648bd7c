// RUN: ziggurat-opt %s --split-input-file -p 'affine-loop-interchange{permutation=1,0}' | FileCheck %s

// A 2-D prefix sum: A[i, j] reads A[i - 1, j] (direction (<, =)) and
// A[i, j - 1] (direction (=, <)). Both stay positive when swapped, so the
// interchange is legal although every iteration depends on others.

// CHECK-LABEL: func.func @prefix_sum_2d
// CHECK-NEXT:   affine.for %[[J:.*]] = 1 to 8 {
// CHECK-NEXT:     affine.for %[[I:.*]] = 1 to 6 {
// CHECK-NEXT:       affine.load %{{.*}}[%[[I]] - 1, %[[J]]]
// CHECK-NEXT:       affine.load %{{.*}}[%[[I]], %[[J]] - 1]
func.func @prefix_sum_2d(%A: memref<6x8xf32>) {
  affine.for %i = 1 to 6 {
    affine.for %j = 1 to 8 {
      %up = affine.load %A[%i - 1, %j] : memref<6x8xf32>
      %left = affine.load %A[%i, %j - 1] : memref<6x8xf32>
      %s = arith.addf %up, %left : f32
      affine.store %s, %A[%i, %j] : memref<6x8xf32>
    }
  }
  return
}

// -----

// Different function arguments are assumed not to alias: writing %B while
// reading %A carries no dependence.

// CHECK-LABEL: func.func @transpose
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 8 {
// CHECK-NEXT:     affine.for %[[I:.*]] = 0 to 6 {
// CHECK-NEXT:       affine.load %{{.*}}[%[[I]], %[[J]]]
// CHECK-NEXT:       affine.store %{{.*}}, %{{.*}}[%[[J]], %[[I]]]
func.func @transpose(%A: memref<6x8xf32>, %B: memref<8x6xf32>) {
  affine.for %i = 0 to 6 {
    affine.for %j = 0 to 8 {
      %v = affine.load %A[%i, %j] : memref<6x8xf32>
      affine.store %v, %B[%j, %i] : memref<8x6xf32>
    }
  }
  return
}

// -----

// A distance longer than the loop: B[i, j] reads B[i - 8, j + 1], which
// this 8-iteration loop never wrote. No dependence, so swapping is legal.

// CHECK-LABEL: func.func @out_of_reach
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 4 {
// CHECK-NEXT:     affine.for %{{.*}} = 8 to 16 {
func.func @out_of_reach(%B: memref<16x8xf32>) {
  affine.for %i = 8 to 16 {
    affine.for %j = 0 to 4 {
      %v = affine.load %B[%i - 8, %j + 1] : memref<16x8xf32>
      affine.store %v, %B[%i, %j] : memref<16x8xf32>
    }
  }
  return
}
