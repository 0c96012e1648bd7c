// RUN: ziggurat-opt %s -p 'map-to-device{target=cuda}' | FileCheck %s
// RUN: ziggurat-opt %s -p 'map-to-device{target=cuda block-sizes=4,16}' | FileCheck %s --check-prefix=SIZES
// RUN: not ziggurat-opt %s -p 'map-to-device{target=cuda block-sizes=0}' 2>&1 | FileCheck %s --check-prefix=BAD

// An untiled band is split into blocks of threads (innermost on x) with a guard for
// the partial last block.

// CHECK:      device.launch target(#device.target<cuda>)
// CHECK:        device.parallel (%{{.*}}, %{{.*}}) = {{.*}} mapping [#device.dim<block_y>, #device.dim<block_x>]
// CHECK:          device.parallel (%t0, %t1) = {{.*}} mapping [#device.dim<thread_y>, #device.dim<thread_x>]
// CHECK:            arith.cmpi slt
// CHECK:            scf.if
// CHECK-NEXT:         affine.load
// SIZES:          arith.constant 4 : index
// SIZES:          arith.constant 16 : index
// BAD: error: map-to-device: block sizes must be positive, got [0]
func.func @scale(%x: memref<30x70xf32>) {
  affine.parallel (%i, %j) = (0, 0) to (30, 70) {
    %v = affine.load %x[%i, %j] : memref<30x70xf32>
    %w = arith.addf %v, %v : f32
    affine.store %w, %x[%i, %j] : memref<30x70xf32>
  }
  return
}
// RUN: not ziggurat-opt %s -p 'map-to-device{target=cuda block-sizes=64,32}' 2>&1 | FileCheck %s --check-prefix=LARGE
// RUN: not ziggurat-opt %s -p 'map-to-device{target=cuda num_threads=4}' 2>&1 | FileCheck %s --check-prefix=THREADS
// LARGE: error: map-to-device: block sizes [64, 32] make 2048 threads per block; a block has at most 1024
// THREADS: error: map-to-device: num_threads applies to target cpu; on cuda the block size is block-sizes
