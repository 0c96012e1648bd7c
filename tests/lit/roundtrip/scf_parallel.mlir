// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// scf.parallel: a parallel map, and reductions whose initial values are
// combined by the regions of scf.reduce (one region per reduced value).

// CHECK-LABEL: func.func @scale
func.func @scale(%A: memref<?x?xf32>, %s: f32, %m: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
  // CHECK-NEXT: %v = memref.load %A[%i, %j] : memref<?x?xf32>
  // CHECK-NEXT: %w = arith.mulf %v, %s : f32
  // CHECK-NEXT: memref.store %w, %A[%i, %j] : memref<?x?xf32>
  // CHECK-NEXT: scf.reduce{{$}}
  // CHECK-NEXT: }
  scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
    %v = memref.load %A[%i, %j] : memref<?x?xf32>
    %w = arith.mulf %v, %s : f32
    memref.store %w, %A[%i, %j] : memref<?x?xf32>
  }
  return
}

// CHECK-LABEL: func.func @sum
func.func @sum(%A: memref<?xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  // CHECK: %r = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> f32 {
  // CHECK-NEXT: %v = memref.load %A[%i] : memref<?xf32>
  // CHECK-NEXT: scf.reduce(%v : f32) {
  // CHECK-NEXT: ^bb0(%lhs: f32, %rhs: f32):
  // CHECK-NEXT: %s = arith.addf %lhs, %rhs : f32
  // CHECK-NEXT: scf.reduce.return %s : f32
  // CHECK-NEXT: }
  // CHECK-NEXT: }
  %r = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> f32 {
    %v = memref.load %A[%i] : memref<?xf32>
    scf.reduce(%v : f32) {
    ^bb0(%lhs: f32, %rhs: f32):
      %s = arith.addf %lhs, %rhs : f32
      scf.reduce.return %s : f32
    }
  }
  return %r : f32
}

// CHECK-LABEL: func.func @sum_and_max
func.func @sum_and_max(%A: memref<?xf32>, %n: index) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  // CHECK: %r, %r_1 = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero, %ninf) -> (f32, f32) {
  // CHECK: scf.reduce(%v, %v : f32, f32) {
  // CHECK: arith.addf
  // CHECK: }, {
  // CHECK: arith.maximumf
  // CHECK: scf.reduce.return
  %r:2 = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero, %ninf) -> (f32, f32) {
    %v = memref.load %A[%i] : memref<?xf32>
    scf.reduce(%v, %v : f32, f32) {
    ^bb0(%lhs: f32, %rhs: f32):
      %s = arith.addf %lhs, %rhs : f32
      scf.reduce.return %s : f32
    }, {
    ^bb0(%lhs: f32, %rhs: f32):
      %m = arith.maximumf %lhs, %rhs : f32
      scf.reduce.return %m : f32
    }
  }
  return %r#0, %r#1 : f32, f32
}

// CHECK-LABEL: func.func @mapped
func.func @mapped(%A: memref<16xi32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0 : i32
  // CHECK: scf.parallel (%i) = (%c0) to (%c16) step (%c1) init (%zero) -> i32 {
  // CHECK: } {tag = "outer"}
  %r = scf.parallel (%i) = (%c0) to (%c16) step (%c1) init (%zero) -> i32 {
    %v = memref.load %A[%i] : memref<16xi32>
    scf.reduce(%v : i32) {
    ^bb0(%lhs: i32, %rhs: i32):
      %s = arith.addi %lhs, %rhs : i32
      scf.reduce.return %s : i32
    }
  } {tag = "outer"}
  return %r : i32
}
