// RUN: ziggurat-translate %s -t c | FileCheck %s

// cpu.parallel_for: one OpenMP loop, its clauses as written; cpu.simd inside it.
func.func @scale(%x: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c0f = arith.constant 0.0 : f32
  // CHECK: #pragma omp parallel for collapse(2) schedule(dynamic, 4) num_threads(3)
  // CHECK-NEXT: for (int64_t i = INT64_C(0); i < INT64_C(8); i += INT64_C(1)) {
  // CHECK-NEXT: for (int64_t j = INT64_C(0); j < INT64_C(64); j += INT64_C(16)) {
  cpu.parallel_for (%i, %j) = (%c0, %c0) to (%c8, %c64) step (%c1, %c16)
      schedule(dynamic, 4) num_threads(3) {
    %e = arith.addi %j, %c16 : index
    // CHECK: #pragma omp simd simdlen(8)
    // CHECK-NEXT: for (int64_t k = j; k < {{.*}}; k += INT64_C(1)) {
    cpu.simd %k = %j to %e step %c1 simdlen(8) {
      %v = memref.load %x[%i, %k] : memref<8x64xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %x[%i, %k] : memref<8x64xf32>
    }
  }
  // CHECK: #pragma omp parallel for collapse(1) schedule(static)
  // CHECK-NOT: num_threads
  cpu.parallel_for (%i) = (%c0) to (%c8) step (%c1) schedule(static) {
    memref.store %c0f, %x[%i, %c0] : memref<8x64xf32>
  }
  return
}
