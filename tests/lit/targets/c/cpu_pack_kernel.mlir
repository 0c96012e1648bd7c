// RUN: ziggurat-translate %s -t c | FileCheck %s

// A microkernel with a body is a static inline function, one without a body a
// declaration; cpu.call passes memrefs as descriptors.
// CHECK: static inline void axpy(const zg_memref_f32_1d *restrict x_desc, const zg_memref_f32_1d *restrict y_desc, float a);
// CHECK: void sgemm_4x8(const zg_memref_f32_2d *restrict arg0_desc);
// CHECK: static inline void axpy(
// CHECK-NEXT: float *x = x_desc->aligned;
cpu.microkernel @axpy(%x: memref<8xf32>, %y: memref<8xf32>, %a: f32) {
  affine.for %i = 0 to 8 {
    %v = affine.load %x[%i] : memref<8xf32>
    %m = arith.mulf %v, %a : f32
    affine.store %m, %y[%i] : memref<8xf32>
  }
}
cpu.microkernel @sgemm_4x8(memref<4x8xf32>)

func.func @f(%src: memref<10x8xf32>, %dst: memref<3x8x4xf32>, %x: memref<8xf32>, %y: memref<8xf32>) {
  %p = arith.constant 0.0 : f32
  // The tile of 4 overhangs 10 rows: rows past the end read the padding value.
  // CHECK: for (int64_t o0 = 0; o0 < 3; o0 += 1) {
  // CHECK: for (int64_t o1 = 0; o1 < 8; o1 += 1) {
  // CHECK: for (int64_t t0 = 0; t0 < 4; t0 += 1) {
  // CHECK: const int64_t i0 = o0 * 4 + t0;
  // CHECK: dst[o0 * 32 + o1 * 4 + t0] = (i0 < 10) ? src[i0 * 8 + o1] : 0.0f;
  cpu.pack %src padding_value(%p : f32) inner_dims_pos = [0] inner_tiles = [4] into %dst
      : memref<10x8xf32> -> memref<3x8x4xf32>
  // CHECK: zg_memref_f32_1d x_desc
  // CHECK: axpy(&x_desc_1, &y_desc_1, 2.0f);
  %two = arith.constant 2.0 : f32
  cpu.call @axpy(%x, %y, %two) : (memref<8xf32>, memref<8xf32>, f32) -> ()
  return
}
