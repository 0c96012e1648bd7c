// A matmul with its own indexing maps (here A transposed) is not the array's plain
// GEMM: convert-linalg-to-mxu leaves it to the host (it was lowered as if untransposed,
// and the mxu load's verifier then failed as an internal error).
// RUN: ziggurat-run %s --target mxu --check 2>&1 | FileCheck %s

// CHECK: mxu: 0 kernels: every op ran on the host
// CHECK: check against ref: {{.*}}: ok
// CHECK-NOT: internal
func.func @gemm_transposed_a(%At: memref<8x16xf32>, %B: memref<8x32xf32>, %C: memref<16x32xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%At, %B : memref<8x16xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>)
  return
}
