// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t
// RUN: ziggurat-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC

// affine.parallel: several induction variables, steps, bounds that are the
// max/min of several expressions, and reductions (whose generic form holds
// MLIR's numbering of the kinds).

// CHECK-LABEL: func.func @transpose
func.func @transpose(%A: memref<64x64xf32>, %B: memref<64x64xf32>) {
  // CHECK: affine.parallel (%i, %j) = (0, 0) to (64, 64) {
  // CHECK-NEXT: %v = affine.load %A[%i, %j] : memref<64x64xf32>
  // CHECK-NEXT: affine.store %v, %B[%j, %i] : memref<64x64xf32>
  // CHECK-NEXT: }
  affine.parallel (%i, %j) = (0, 0) to (64, 64) {
    %v = affine.load %A[%i, %j] : memref<64x64xf32>
    affine.store %v, %B[%j, %i] : memref<64x64xf32>
  }
  return
}

// CHECK-LABEL: func.func @steps
func.func @steps(%A: memref<64x64xf32>, %n: index) {
  // CHECK: affine.parallel (%i, %j) = (0, 0) to (64, symbol(%n)) step (8, 16) {
  affine.parallel (%i, %j) = (0, 0) to (64, symbol(%n)) step (8, 16) {
    %v = affine.load %A[%i, %j] : memref<64x64xf32>
    affine.store %v, %A[%i, %j] : memref<64x64xf32>
  }
  return
}

// CHECK-LABEL: func.func @sum
func.func @sum(%A: memref<128xf32>) -> f32 {
  // CHECK: %sum = affine.parallel (%i) = (0) to (128) reduce ("addf") -> (f32) {
  // CHECK: affine.yield %v : f32
  // GENERIC: "affine.parallel"() <{reductions = [0 : i64]
  %sum = affine.parallel (%i) = (0) to (128) reduce ("addf") -> (f32) {
    %v = affine.load %A[%i] : memref<128xf32>
    affine.yield %v : f32
  }
  return %sum : f32
}

// CHECK-LABEL: func.func @max_and_product
func.func @max_and_product(%A: memref<32x32xf32>) -> (f32, f32) {
  // CHECK: %r, %r_1 = affine.parallel (%i, %j) = (0, 0) to (32, 32) reduce ("maximumf", "mulf") -> (f32, f32) {
  // GENERIC: "affine.parallel"() <{reductions = [4 : i64, 12 : i64]
  %r:2 = affine.parallel (%i, %j) = (0, 0) to (32, 32) reduce ("maximumf", "mulf") -> (f32, f32) {
    %v = affine.load %A[%i, %j] : memref<32x32xf32>
    affine.yield %v, %v : f32, f32
  }
  return %r#0, %r#1 : f32, f32
}

// CHECK-LABEL: func.func @integer_reductions
func.func @integer_reductions(%A: memref<16xi32>, %S: memref<16xsi32>) -> (i32, i32, si32) {
  // CHECK: affine.parallel (%i) = (0) to (16) reduce ("addi", "ori") -> (i32, i32) {
  // GENERIC: "affine.parallel"() <{reductions = [1 : i64, 14 : i64]
  %r:2 = affine.parallel (%i) = (0) to (16) reduce ("addi", "ori") -> (i32, i32) {
    %v = affine.load %A[%i] : memref<16xi32>
    affine.yield %v, %v : i32, i32
  }
  // Signed max reduces signed integers, as MLIR requires.
  // CHECK: affine.parallel (%i_1) = (0) to (16) reduce ("maxs") -> (si32) {
  // GENERIC: "affine.parallel"() <{reductions = [6 : i64]
  %m = affine.parallel (%i) = (0) to (16) reduce ("maxs") -> (si32) {
    %v = affine.load %S[%i] : memref<16xsi32>
    affine.yield %v : si32
  }
  return %r#0, %r#1, %m : i32, i32, si32
}

// CHECK-LABEL: func.func @tiles
func.func @tiles(%A: memref<?x?xf32>, %M: index, %N: index) {
  // CHECK: affine.parallel (%ii, %jj) = (0, 0) to (symbol(%M), symbol(%N)) step (32, 32) {
  affine.parallel (%ii, %jj) = (0, 0) to (symbol(%M), symbol(%N)) step (32, 32) {
    // CHECK-NEXT: affine.parallel (%i, %j) = (%ii, max(%jj, 2)) to (min(%ii + 32, symbol(%M)), min(%jj + 32, symbol(%N), 100)) {
    // GENERIC: "affine.parallel"({{.*}}) <{{{.*}}lowerBoundsGroups = dense<[1, 2]> : tensor<2xi32>{{.*}}upperBoundsGroups = dense<[2, 3]> : tensor<2xi32>
    affine.parallel (%i, %j) = (%ii, max(%jj, 2)) to (min(%ii + 32, symbol(%M)), min(%jj + 32, symbol(%N), 100)) {
      %v = affine.load %A[%i, %j] : memref<?x?xf32>
      affine.store %v, %A[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// A parallel reduction over tiles, each summed by a sequential affine.for.

// CHECK-LABEL: func.func @tiled_sum
func.func @tiled_sum(%A: memref<?xf32>, %N: index) -> f32 {
  // CHECK: %r = affine.parallel (%t) = (0) to (symbol(%N) ceildiv 16) reduce ("addf") -> (f32) {
  %r = affine.parallel (%t) = (0) to (symbol(%N) ceildiv 16) reduce ("addf") -> (f32) {
    %zero = arith.constant 0.0 : f32
    // CHECK: %part = affine.for %i = affine_map<(d0) -> ({{.*}})>(%t) to min affine_map<(d0)[s0] -> ({{.*}}, s0)>(%t)[%N] iter_args(%acc = %zero) -> (f32) {
    %part = affine.for %i = affine_map<(d0) -> (d0 * 16)>(%t) to min affine_map<(d0)[s0] -> (d0 * 16 + 16, s0)>(%t)[%N] iter_args(%acc = %zero) -> (f32) {
      %v = affine.load %A[%i] : memref<?xf32>
      %s = arith.addf %acc, %v : f32
      affine.yield %s : f32
    }
    // CHECK: affine.yield %part : f32
    affine.yield %part : f32
  }
  return %r : f32
}
