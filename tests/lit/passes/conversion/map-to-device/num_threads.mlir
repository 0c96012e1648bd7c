// RUN: ziggurat-opt %s -p 'map-to-device{target=cpu num_threads=3},convert-device-to-cpu' | FileCheck %s
// RUN: not ziggurat-opt %s -p 'map-to-device{target=cpu num_threads=-1}' 2>&1 | FileCheck %s --check-prefix=BAD

// The thread count travels in the target attribute to every OpenMP loop.

// CHECK: cpu.parallel_for
// CHECK-SAME: num_threads(3)
// BAD: error: map-to-device: num_threads must be positive or 0, got -1
func.func @scale(%x: memref<64xf32>) {
  affine.parallel (%i) = (0) to (64) {
    %v = affine.load %x[%i] : memref<64xf32>
    %w = arith.addf %v, %v : f32
    affine.store %w, %x[%i] : memref<64xf32>
  }
  return
}
