// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Global buffers: constant weights (the dense value is typed by the memref),
// uninitialized state, alignment, and their use through memref.get_global.

// CHECK: memref.global "private" constant @weights : memref<4xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]>
memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
// CHECK: memref.global "private" constant @table : memref<2x2xi32> = dense<{{\[}}[1, 2], [3, 4]]> {alignment = 64 : i64}
memref.global "private" constant @table : memref<2x2xi32> = dense<[[1, 2], [3, 4]]> {alignment = 64 : i64}
// CHECK: memref.global "private" @zeros : memref<8xf32> = dense<0.000000e+00>
memref.global "private" @zeros : memref<8xf32> = dense<0.0>
// CHECK: memref.global @state : memref<8xi32> = uninitialized
memref.global @state : memref<8xi32> = uninitialized

// CHECK-LABEL: func.func @dot_with_weights
func.func @dot_with_weights(%x: memref<4xf32>) -> f32 {
  // CHECK: %w = memref.get_global @weights : memref<4xf32>
  %w = memref.get_global @weights : memref<4xf32>
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 0 to 4 iter_args(%acc = %zero) -> (f32) {
    %a = affine.load %w[%i] : memref<4xf32>
    %b = affine.load %x[%i] : memref<4xf32>
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    affine.yield %s : f32
  }
  return %r : f32
}
