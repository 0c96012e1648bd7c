// RUN: ziggurat-opt %s -p 'map-to-device{target=cuda},lower-affine,canonicalize,convert-device-to-cuda,canonicalize' | FileCheck %s

// The launch becomes a kernel on blocks and threads; the host allocates the GPU's
// copies, copies the argument in, launches, and copies the written buffer back once.

// CHECK:      cuda.kernel @scale_kernel0(%x_device: memref<30x70xf32, #device.memory_space<global>>
// CHECK-DAG:    cuda.block_id y
// CHECK-DAG:    cuda.block_id x
// CHECK-DAG:    cuda.thread_id y
// CHECK-DAG:    cuda.thread_id x
// CHECK:      func.func @scale(%x: memref<30x70xf32>)
// CHECK:        %x_device = device.alloc() : memref<30x70xf32, #device.memory_space<global>>
// CHECK:        device.copy %x, %x_device
// CHECK:        cuda.launch @scale_kernel0 blocks({{.*}}) threads({{.*}}) shared({{.*}}) args(%x_device
// CHECK-NEXT:   device.copy %x_device, %x
// CHECK-NEXT:   memref.dealloc %x_device
// CHECK-NEXT:   func.return
func.func @scale(%x: memref<30x70xf32>) {
  affine.parallel (%i, %j) = (0, 0) to (30, 70) {
    %v = affine.load %x[%i, %j] : memref<30x70xf32>
    %w = arith.addf %v, %v : f32
    affine.store %w, %x[%i, %j] : memref<30x70xf32>
  }
  return
}
