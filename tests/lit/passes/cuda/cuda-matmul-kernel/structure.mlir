// RUN: ziggurat-opt %s -p 'cuda-matmul-kernel{bm=64 bn=64 bk=8 tm=4 tn=4}' | FileCheck %s
// RUN: not ziggurat-opt %s -p 'cuda-matmul-kernel{bm=64 tm=3}' 2>&1 | FileCheck %s --check-prefix=BAD

// A 64x64 block tile with 4x4 register tiles: 256 threads, two double-buffered
// shared stages of 8-deep K tiles (A stored transposed), the fill folded into the
// accumulators, and the launch covering the ragged 100x70 output.

// CHECK:      cuda.kernel @gemm_gemm0(%a: memref<100x48xf32, #device.memory_space<global>>, %b: memref<48x70xf32, #device.memory_space<global>>, %c: memref<100x70xf32, #device.memory_space<global>>, %zero: f32) max_threads(256)
// CHECK-DAG:    cuda.shared_memory : memref<2x8x64xf32, #device.memory_space<shared>>
// CHECK-DAG:    cuda.shared_memory : memref<2x8x64xf32, #device.memory_space<shared>>
// CHECK:        memref.alloca() : memref<4x4xf32, #device.memory_space<local>>
// CHECK:        cuda.barrier
// CHECK:        scf.for
// CHECK:          math.fma
// CHECK:          cuda.barrier
// CHECK:      func.func @gemm
// CHECK-NOT:    linalg.fill
// CHECK-NOT:    linalg.matmul
// CHECK:        cuda.launch @gemm_gemm0 blocks(%{{.*}}, %{{.*}}, %{{.*}}) threads(
// BAD: error: cuda-matmul-kernel: 'bm' must be a multiple of 'tm' and 'bn' of 'tn'
func.func @gemm(%a: memref<100x48xf32>, %b: memref<48x70xf32>, %c: memref<100x70xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<100x70xf32>)
  linalg.matmul ins(%a, %b : memref<100x48xf32>, memref<48x70xf32>) outs(%c : memref<100x70xf32>)
  return
}
