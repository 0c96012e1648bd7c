// RUN: ziggurat-translate %s -t c | FileCheck %s

// CHECK: #include <stdint.h>
// CHECK: #include <math.h>
// CHECK: typedef struct {
// CHECK-NEXT:   float *allocated;
// CHECK-NEXT:   float *aligned;
// CHECK-NEXT:   int64_t offset;
// CHECK-NEXT:   int64_t sizes[2];
// CHECK-NEXT:   int64_t strides[2];
// CHECK-NEXT: } zg_memref_f32_2d;
// CHECK: static inline float zg_maximumf_f32(float a, float b) {
// CHECK: emit_loops.mlir:[[# @LINE + 2]]:1: @relu
// CHECK-NEXT: void relu(const zg_memref_f32_2d *restrict x_desc, const zg_memref_f32_2d *restrict y_desc) {
func.func @relu(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  // CHECK: float *restrict x = x_desc->aligned;
  // CHECK: // {{.*}}emit_loops.mlir:[[# @LINE + 1]]:3
  affine.for %i = 0 to 4 {
    // CHECK-NEXT: for (int64_t i = 0; i < 4; i += 1) {
    // CHECK-NEXT:   for (int64_t j = 0; j < 8; j += 1) {
    affine.for %j = 0 to 8 {
      // CHECK-NEXT: const float v = x[i * 8 + j];
      %v = affine.load %x[%i, %j] : memref<4x8xf32>
      // CHECK-NEXT: const float r = zg_maximumf_f32(v, 0.0f);
      %r = arith.maximumf %v, %zero : f32
      // CHECK-NEXT: y[i * 8 + j] = r;
      affine.store %r, %y[%i, %j] : memref<4x8xf32>
    }
  }
  return
}
