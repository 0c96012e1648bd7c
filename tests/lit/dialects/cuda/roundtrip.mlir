// RUN: ziggurat-opt %s | ziggurat-opt | FileCheck %s
// RUN: ziggurat-opt %s | ziggurat-opt > %t.1.mlir
// RUN: ziggurat-opt %t.1.mlir > %t.2.mlir
// RUN: diff %t.1.mlir %t.2.mlir
// RUN: ziggurat-opt %s --print-op-generic | ziggurat-opt | diff %t.1.mlir -

// Every cuda op, attribute and type prints as it is written and reads back the same.

// CHECK: cuda.kernel @scale(%a: memref<64xf32, #device.memory_space<global>>, %n: index) max_threads(64) {
// CHECK-NEXT: %tx = cuda.thread_id x
// CHECK: cuda.shared_memory : memref<64xf32, #device.memory_space<shared>>
// CHECK: cuda.dynamic_shared_memory offset 16 : memref<4x4xf32, #device.memory_space<shared>>
// CHECK: cuda.shuffle xor %v, %c16 : f32
// CHECK: cuda.barrier
// CHECK: cuda.mma_fill %z : !cuda.fragment<accumulator, f32>
// CHECK: cuda.mma_load %a[%i0, %i0] : memref<32x32xbf16, #device.memory_space<global>>, !cuda.fragment<a, bf16, row_major>
// CHECK: cuda.mma_compute %fa, %fb, %f : !cuda.fragment<a, bf16, row_major>, !cuda.fragment<b, bf16, col_major> -> !cuda.fragment<accumulator, f32>
// CHECK: cuda.mma_store %r, %c[%i0, %i0]
// CHECK: cuda.dp4a %q[%i0, %i0], %q[%i0, %i0], %zi
// CHECK: cuda.launch @scale blocks(%c1, %c1, %c1) threads(%c64, %c1, %c1) shared(%c0) args(%a, %c64 : memref<64xf32, #device.memory_space<global>>, index)

cuda.kernel @scale(%a: memref<64xf32, #device.memory_space<global>>, %n: index) max_threads(64) {
  %tx = cuda.thread_id x
  %bx = cuda.block_id x
  %bd = cuda.block_dim x
  %t = cuda.shared_memory : memref<64xf32, #device.memory_space<shared>>
  %d = cuda.dynamic_shared_memory offset 16 : memref<4x4xf32, #device.memory_space<shared>>
  %v = memref.load %a[%tx] : memref<64xf32, #device.memory_space<global>>
  %c16 = arith.constant 16 : index
  %s = cuda.shuffle xor %v, %c16 : f32
  memref.store %s, %t[%tx] : memref<64xf32, #device.memory_space<shared>>
  cuda.barrier
  %acc = memref.alloca() : memref<4xf32, #device.memory_space<local>>
}
cuda.kernel @tc(%a: memref<32x32xbf16, #device.memory_space<global>>, %c: memref<32x32xf32, #device.memory_space<global>>, %q: memref<16x16xi8, #device.memory_space<global>>) {
  %z = arith.constant 0.0 : f32
  %i0 = arith.constant 0 : index
  %f = cuda.mma_fill %z : !cuda.fragment<accumulator, f32>
  %fa = cuda.mma_load %a[%i0, %i0] : memref<32x32xbf16, #device.memory_space<global>>, !cuda.fragment<a, bf16, row_major>
  %fb = cuda.mma_load %a[%i0, %i0] : memref<32x32xbf16, #device.memory_space<global>>, !cuda.fragment<b, bf16, col_major>
  %r = cuda.mma_compute %fa, %fb, %f : !cuda.fragment<a, bf16, row_major>, !cuda.fragment<b, bf16, col_major> -> !cuda.fragment<accumulator, f32>
  cuda.mma_store %r, %c[%i0, %i0] : !cuda.fragment<accumulator, f32>, memref<32x32xf32, #device.memory_space<global>>
  %zi = arith.constant 0 : i32
  %p = cuda.dp4a %q[%i0, %i0], %q[%i0, %i0], %zi : memref<16x16xi8, #device.memory_space<global>>, memref<16x16xi8, #device.memory_space<global>>
}
func.func @main(%a: memref<64xf32, #device.memory_space<global>>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c0 = arith.constant 128 : index
  cuda.launch @scale blocks(%c1, %c1, %c1) threads(%c64, %c1, %c1) shared(%c0) args(%a, %c64 : memref<64xf32, #device.memory_space<global>>, index)
  return
}
