// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Affine loop nests: a tiled matmul with min/max bounds, loop-carried values,
// affine.apply/min/max, and subscripts mixing dims (%i) and symbols
// (symbol(%n)) with +, -, *, floordiv, ceildiv and mod.

#identity = affine_map<(d0) -> (d0)>
#tile_end = affine_map<(d0)[s0] -> (d0 + 32, s0)>

// CHECK-LABEL: func.func @matmul_tiled
func.func @matmul_tiled(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %M = memref.dim %A, %c0 : memref<?x?xf32>
  %K = memref.dim %A, %c1 : memref<?x?xf32>
  %N = memref.dim %B, %c1 : memref<?x?xf32>
  // CHECK: affine.for %ii = 0 to %M step 32 {
  affine.for %ii = 0 to %M step 32 {
    affine.for %jj = 0 to %N step 32 {
      // CHECK: affine.for %i = affine_map<(d0) -> (d0)>(%ii) to min affine_map<(d0)[s0] -> ({{.*}}, s0)>(%ii)[%M] {
      affine.for %i = #identity(%ii) to min #tile_end(%ii)[%M] {
        affine.for %j = #identity(%jj) to min #tile_end(%jj)[%N] {
          // CHECK: affine.for %k = 0 to %K {
          affine.for %k = 0 to %K {
            // CHECK-NEXT: %a = affine.load %A[%i, %k] : memref<?x?xf32>
            %a = affine.load %A[%i, %k] : memref<?x?xf32>
            %b = affine.load %B[%k, %j] : memref<?x?xf32>
            %c = affine.load %C[%i, %j] : memref<?x?xf32>
            %p = arith.mulf %a, %b : f32
            %s = arith.addf %c, %p : f32
            // CHECK: affine.store %s, %C[%i, %j] : memref<?x?xf32>
            // CHECK-NEXT: }
            affine.store %s, %C[%i, %j] : memref<?x?xf32>
          }
        }
      }
    }
  }
  return
}

// CHECK-LABEL: func.func @sum
func.func @sum(%m: memref<128xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  // CHECK: %r = affine.for %i = 0 to 128 iter_args(%acc = %zero) -> (f32) {
  // CHECK: affine.yield %n : f32
  %r = affine.for %i = 0 to 128 iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %m[%i] : memref<128xf32>
    %n = arith.addf %acc, %v : f32
    affine.yield %n : f32
  }
  return %r : f32
}

// CHECK-LABEL: func.func @sum_and_max
func.func @sum_and_max(%m: memref<128xf32>) -> (f32, f32) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  // CHECK: %r, %r_1 = affine.for %i = 0 to 128 step 4 iter_args(%s = %zero, %mx = %ninf) -> (f32, f32) {
  %r:2 = affine.for %i = 0 to 128 step 4 iter_args(%s = %zero, %mx = %ninf) -> (f32, f32) {
    %v = affine.load %m[%i] : memref<128xf32>
    %n = arith.addf %s, %v : f32
    %x = arith.maximumf %mx, %v : f32
    affine.yield %n, %x : f32, f32
  }
  // CHECK: func.return %r, %r_1 : f32, f32
  return %r#0, %r#1 : f32, f32
}

// CHECK-LABEL: func.func @subscripts
func.func @subscripts(%m: memref<?xf32>, %n: index, %off: index) {
  // CHECK: affine.for %i = max affine_map<()[s0] -> (0, {{.*}})>()[%off] to %n {
  affine.for %i = max affine_map<()[s0] -> (0, s0 - 4)>()[%off] to affine_map<()[s0] -> (s0)>()[%n] {
    // CHECK-NEXT: %j = affine.apply affine_map<(d0)[s0] -> ({{.*}})>(%i)[%off]
    %j = affine.apply affine_map<(d0)[s0] -> (d0 * 2 + s0)>(%i)[%off]
    // CHECK-NEXT: %lo = affine.min affine_map<(d0)[s0] -> ({{.*}}, s0)>(%i)[%n]
    %lo = affine.min affine_map<(d0)[s0] -> (d0 + 8, s0)>(%i)[%n]
    // CHECK-NEXT: %hi = affine.max affine_map<(d0) -> ({{.*}}, 0)>(%i)
    %hi = affine.max affine_map<(d0) -> (d0 - 8, 0)>(%i)
    // CHECK-NEXT: %v = affine.load %m[%i + symbol(%off)] : memref<?xf32>
    %v = affine.load %m[%i + symbol(%off)] : memref<?xf32>
    // CHECK-NEXT: affine.store %v, %m[%i * 2 - symbol(%n) + 3] : memref<?xf32>
    affine.store %v, %m[%i * 2 - symbol(%n) + 3] : memref<?xf32>
    // CHECK-NEXT: %w = affine.load %m[(%i floordiv 2) * 2 + %i mod 2] : memref<?xf32>
    %w = affine.load %m[(%i floordiv 2) * 2 + %i mod 2] : memref<?xf32>
    // CHECK-NEXT: %x = affine.load %m[%i ceildiv 4 - 1] : memref<?xf32>
    %x = affine.load %m[%i ceildiv 4 - 1] : memref<?xf32>
    // CHECK-NEXT: affine.store %w, %m[symbol(%n) * 3 - %i] : memref<?xf32>
    affine.store %w, %m[symbol(%n) * 3 - %i] : memref<?xf32>
    // CHECK-NEXT: %y = affine.load %m[-%i + %j * 4 - symbol(%n) * 2] : memref<?xf32>
    %y = affine.load %m[-%i + %j * 4 - symbol(%n) * 2] : memref<?xf32>
    // CHECK-NEXT: %z = affine.load %m[%i + (%j + 1)] : memref<?xf32>
    %z = affine.load %m[%i + (%j + 1)] : memref<?xf32>
  }
  return
}

// Function arguments used as dims, constant subscripts, rank-0 memrefs, and
// attributes, which MLIR writes before the type.

// CHECK-LABEL: func.func @operands
func.func @operands(%m: memref<16x16xf32>, %s: memref<f32>, %a: index, %b: index) {
  // CHECK: %v = affine.load %m[%a, %b] : memref<16x16xf32>
  %v = affine.load %m[%a, %b] : memref<16x16xf32>
  // CHECK: affine.store %v, %m[%b + 1, %a * 2] : memref<16x16xf32>
  affine.store %v, %m[%b + 1, %a * 2] : memref<16x16xf32>
  // CHECK: %w = affine.load %m[symbol(%a), symbol(%b)] : memref<16x16xf32>
  %w = affine.load %m[symbol(%a), symbol(%b)] : memref<16x16xf32>
  // CHECK: %z = affine.load %m[0, 15] : memref<16x16xf32>
  %z = affine.load %m[0, 15] : memref<16x16xf32>
  // CHECK: %t = affine.load %s[] : memref<f32>
  %t = affine.load %s[] : memref<f32>
  // CHECK: affine.store %t, %s[] {nontemporal} : memref<f32>
  affine.store %t, %s[] {nontemporal} : memref<f32>
  // CHECK: %u = affine.load %m[%a, 0] {tag = 1 : i32} : memref<16x16xf32>
  %u = affine.load %m[%a, 0] {tag = 1 : i32} : memref<16x16xf32>
  return
}
