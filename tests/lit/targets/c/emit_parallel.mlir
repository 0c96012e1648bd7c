// RUN: ziggurat-translate %s -t c | FileCheck %s

func.func @sum(%a: memref<16x32xf32>, %o: memref<16x32xf32>) -> f32 {
  // CHECK: float s = 0.0f;
  // CHECK-NEXT: #pragma omp parallel for collapse(2) reduction(+:s)
  // CHECK-NEXT: for (int64_t i = 0; i < 16; i += 1) {
  // CHECK-NEXT:   for (int64_t j = 0; j < 32; j += 1) {
  %s = affine.parallel (%i, %j) = (0, 0) to (16, 32) reduce ("addf") -> (f32) {
    %v = affine.load %a[%i, %j] : memref<16x32xf32>
    // A nested parallel loop runs on the thread that reaches it: no pragma.
    // CHECK-NOT: #pragma
    // CHECK: for (int64_t k = 0; k < 1; k += 1) {
    affine.parallel (%k) = (0) to (1) {
      affine.store %v, %o[%i, %j] : memref<16x32xf32>
    }
    // CHECK: s = s + v;
    affine.yield %v : f32
  }
  // CHECK: *result0 = s;
  return %s : f32
}
