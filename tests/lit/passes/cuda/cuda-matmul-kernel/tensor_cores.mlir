// RUN: ziggurat-opt %s -p 'cuda-matmul-kernel' | FileCheck %s
// RUN: ziggurat-opt %s -p 'cuda-matmul-kernel{tensor-cores=false}' | FileCheck %s --check-prefix=OFF

// bf16 x bf16 -> f32 with tile-aligned shapes runs on WMMA fragments: each warp
// carries its four accumulators through the K loop.

// CHECK:      cuda.kernel @gemm_gemm0({{.*}}) max_threads(256)
// CHECK:        cuda.mma_fill %{{.*}} : !cuda.fragment<accumulator, f32>
// CHECK:        scf.for {{.*}} iter_args({{.*}}) -> (!cuda.fragment<accumulator, f32>, !cuda.fragment<accumulator, f32>, !cuda.fragment<accumulator, f32>, !cuda.fragment<accumulator, f32>)
// CHECK:          cuda.mma_load {{.*}} !cuda.fragment<a, bf16, row_major>
// CHECK:          cuda.mma_load {{.*}} !cuda.fragment<b, bf16, row_major>
// CHECK:          cuda.mma_compute
// CHECK:        cuda.mma_store
// OFF-NOT: cuda.kernel
// OFF: linalg.matmul
func.func @gemm(%a: memref<128x64xbf16>, %b: memref<64x128xbf16>, %c: memref<128x128xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<128x128xf32>)
  linalg.matmul ins(%a, %b : memref<128x64xbf16>, memref<64x128xbf16>) outs(%c : memref<128x128xf32>)
  return
}
