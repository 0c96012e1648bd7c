// RUN: ziggurat-opt %s -p cuda-pipeline | ziggurat-translate -t cuda -o %t.cu
// RUN: FileCheck %s < %t.cu
// RUN: %python -c "from ziggurat.targets.cuda.toolchain import compile_emu_library as c; c(open('%t.cu').read())"

// One self-contained .cu: the kernel, and an extern "C" launcher that checks every
// CUDA call by name.

// CHECK:      #ifndef ZG_CUDA_EMU
// CHECK:      #include <cuda_runtime.h>
// CHECK:      extern "C" const char *zg_cuda_error(void)
// CHECK:      extern "C" __global__ void scale_kernel0(float *__restrict__ x_device
// CHECK:        (int64_t)blockIdx.x
// CHECK:        (int64_t)threadIdx.x
// CHECK:      extern "C" void scale(zg_memref_f32_1d *restrict result0, const zg_memref_f32_1d *restrict x_desc)
// CHECK:        ZG_CHECK(cudaMalloc((void **)&x_device
// CHECK:        ZG_CHECK(cudaMemcpy(x_device, x, sizeof(float) * (size_t)(1000), cudaMemcpyHostToDevice));
// CHECK:        ZG_LAUNCH(scale_kernel0, dim3(
// CHECK:        ZG_CHECK(cudaGetLastError()); // launching scale_kernel0
// CHECK:        ZG_CHECK(cudaFree(x_device));
func.func @scale(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %e = tensor.empty() : tensor<1000xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<1000xf32>) outs(%e : tensor<1000xf32>) {
  ^bb0(%v: f32, %o: f32):
    %w = arith.mulf %v, %v : f32
    linalg.yield %w : f32
  } -> tensor<1000xf32>
  return %y : tensor<1000xf32>
}
