// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// affine.if: a boundary test with an else branch, results yielded from both
// branches, and a condition on symbols only.

#interior = affine_set<(d0, d1)[s0] : (d0 >= 0, s0 - 1 - d0 >= 0, d1 - 1 >= 0)>

// CHECK-LABEL: func.func @stencil
func.func @stencil(%A: memref<?x?xf32>, %N: index) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to %N {
    affine.for %j = 0 to %N {
      // CHECK: affine.if affine_set<(d0, d1)[s0] : ({{.*}})>(%i, %j)[%N] {
      // CHECK-NEXT: %v = affine.load %A[%i, %j - 1] : memref<?x?xf32>
      // CHECK-NEXT: affine.store %v, %A[%i, %j] : memref<?x?xf32>
      // CHECK-NEXT: } else {
      // CHECK-NEXT: affine.store %zero, %A[%i, %j] : memref<?x?xf32>
      // CHECK-NEXT: }
      affine.if #interior(%i, %j)[%N] {
        %v = affine.load %A[%i, %j - 1] : memref<?x?xf32>
        affine.store %v, %A[%i, %j] : memref<?x?xf32>
      } else {
        affine.store %zero, %A[%i, %j] : memref<?x?xf32>
      }
    }
  }
  return
}

// CHECK-LABEL: func.func @even_sum
func.func @even_sum(%A: memref<16xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 0 to 16 iter_args(%acc = %zero) -> (f32) {
    // CHECK: %v = affine.if affine_set<(d0) : ({{.*}} == 0)>(%i) -> f32 {
    // CHECK-NEXT: %x = affine.load %A[%i] : memref<16xf32>
    // CHECK-NEXT: affine.yield %x : f32
    // CHECK-NEXT: } else {
    // CHECK-NEXT: affine.yield %zero : f32
    // CHECK-NEXT: }
    %v = affine.if affine_set<(d0) : (d0 mod 2 == 0)>(%i) -> f32 {
      %x = affine.load %A[%i] : memref<16xf32>
      affine.yield %x : f32
    } else {
      affine.yield %zero : f32
    }
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  return %r : f32
}

// CHECK-LABEL: func.func @swap_if_large
func.func @swap_if_large(%n: index) -> (index, index) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  // CHECK: %a, %b = affine.if affine_set<()[s0] : ({{.*}} >= 0)>()[%n] -> (index, index) {
  %a, %b = affine.if affine_set<()[s0] : (s0 - 8 >= 0)>()[%n] -> (index, index) {
    affine.yield %c1, %c2 : index, index
  } else {
    affine.yield %c2, %c1 : index, index
  }
  return %a, %b : index, index
}

// CHECK-LABEL: func.func @upper_half
func.func @upper_half(%A: memref<8xf32>, %v: f32) {
  affine.for %i = 0 to 8 {
    // CHECK: affine.if affine_set<(d0) : ({{.*}} >= 0)>(%i) {
    // CHECK-NEXT: affine.store %v, %A[%i] : memref<8xf32>
    // CHECK-NEXT: }
    // CHECK-NEXT: }
    affine.if affine_set<(d0) : (d0 - 4 >= 0)>(%i) {
      affine.store %v, %A[%i] : memref<8xf32>
    }
  }
  return
}
