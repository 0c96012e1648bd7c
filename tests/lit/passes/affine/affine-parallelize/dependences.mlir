// RUN: ziggurat-opt %s --split-input-file -p affine-parallelize | FileCheck %s

// B[i, j] reads B[i - 1, j + 1]: a dependence carried by %i, which stays
// sequential; for a fixed %i, the iterations of %j read row i - 1 and write
// row i, so %j is parallel. Bounds and steps carry over.

// CHECK-LABEL: func.func @skewed
// CHECK-NEXT:   affine.for %[[I:.*]] = 1 to 8 {
// CHECK-NEXT:     affine.parallel (%[[J:.*]]) = (0) to (7) step (2) {
// CHECK-NEXT:       affine.load %{{.*}}[%[[I]] - 1, %[[J]] + 1]
func.func @skewed(%B: memref<8x8xf32>) {
  affine.for %i = 1 to 8 {
    affine.for %j = 0 to 7 step 2 {
      %v = affine.load %B[%i - 1, %j + 1] : memref<8x8xf32>
      %w = arith.addf %v, %v : f32
      affine.store %w, %B[%i, %j] : memref<8x8xf32>
    }
  }
  return
}

// -----

// A prefix sum in memory: every iteration reads what the previous wrote.

// CHECK-LABEL: func.func @prefix_sum
// CHECK-NEXT:   affine.for %{{.*}} = 1 to 16 {
func.func @prefix_sum(%A: memref<16xf32>) {
  affine.for %i = 1 to 16 {
    %prev = affine.load %A[%i - 1] : memref<16xf32>
    %cur = affine.load %A[%i] : memref<16xf32>
    %s = arith.addf %prev, %cur : f32
    affine.store %s, %A[%i] : memref<16xf32>
  }
  return
}

// -----

// Two views of one buffer may overlap: the analysis assumes they alias, so
// writing one while reading the other keeps the loop sequential. Distinct
// function arguments are assumed not to alias.

// CHECK-LABEL: func.func @views
// CHECK-NEXT:   %[[V:.*]] = memref.subview
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 8 {
// CHECK:        affine.parallel (%{{.*}}) = (0) to (8) {
func.func @views(%A: memref<16xf32>, %B: memref<16xf32>) {
  %view = memref.subview %A[1] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 1>>
  affine.for %i = 0 to 8 {
    %v = affine.load %A[%i] : memref<16xf32>
    affine.store %v, %view[%i] : memref<8xf32, strided<[1], offset: 1>>
  }
  affine.for %i = 0 to 8 {
    %v = affine.load %A[%i + 1] : memref<16xf32>
    affine.store %v, %B[%i] : memref<16xf32>
  }
  return
}

// -----

// A call may touch any memory: the loop stays sequential.

// CHECK-LABEL: func.func @calls
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 4 {
func.func private @touch(index)

func.func @calls() {
  affine.for %i = 0 to 4 {
    func.call @touch(%i) : (index) -> ()
  }
  return
}
