// RUN: ziggurat-opt %s | ziggurat-opt | FileCheck %s
// RUN: ziggurat-opt %s > %t.1.mlir
// RUN: ziggurat-opt %t.1.mlir | diff %t.1.mlir -
// RUN: ziggurat-opt %s --print-op-generic | ziggurat-opt | diff %t.1.mlir -

// Every cpu op prints as it is written and reads back the same.

// CHECK: cpu.microkernel @ext(memref<4x8xf32>, f32){{$}}
// CHECK: cpu.microkernel @scale(%a: memref<4x8xf32>, %s: f32) {
// CHECK: cpu.simd %i = %c0 to %c8 step %c1 simdlen(8) {
// CHECK: cpu.parallel_for (%i, %j) = (%c0, %c0) to (%c16, %c32) step (%c1, %c1) schedule(dynamic, 4) num_threads(2) {
// CHECK: cpu.parallel_for (%i_1) = (%c0) to (%c16) step (%c1) schedule(guided) {
// CHECK: cpu.parallel_for (%i_2) = (%c0) to (%c16) step (%c1) schedule(static) {
// CHECK: cpu.pack %B padding_value(%s : f32) inner_dims_pos = [1] inner_tiles = [4] into %Q : memref<3x10xf32> -> memref<3x3x4xf32>
// CHECK: cpu.pack %A outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [4, 8] into %P : memref<16x32xf32> -> memref<4x4x4x8xf32>
// CHECK: cpu.call @scale(%buf, %s) : (memref<4x8xf32>, f32) -> ()
cpu.microkernel @ext(memref<4x8xf32>, f32)
cpu.microkernel @scale(%a: memref<4x8xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  cpu.simd %i = %c0 to %c8 step %c1 simdlen(8) {
    %v = memref.load %a[%c0, %i] : memref<4x8xf32>
    %w = arith.mulf %v, %s : f32
    memref.store %w, %a[%c0, %i] : memref<4x8xf32>
  }
}
func.func @f(%A: memref<16x32xf32>, %P: memref<4x4x4x8xf32>, %s: f32, %B: memref<3x10xf32>, %Q: memref<3x3x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  cpu.parallel_for (%i, %j) = (%c0, %c0) to (%c16, %c32) step (%c1, %c1) schedule(dynamic, 4) num_threads(2) {
    %v = memref.load %A[%i, %j] : memref<16x32xf32>
    memref.store %v, %A[%i, %j] : memref<16x32xf32>
  }
  cpu.parallel_for (%i) = (%c0) to (%c16) step (%c1) schedule(guided) {
  }
  cpu.parallel_for (%i) = (%c0) to (%c16) step (%c1) {
  }
  cpu.pack %B padding_value(%s : f32) inner_dims_pos = [1] inner_tiles = [4] into %Q : memref<3x10xf32> -> memref<3x3x4xf32>
  cpu.pack %A outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [4, 8] into %P : memref<16x32xf32> -> memref<4x4x4x8xf32>
  %buf = memref.alloc() : memref<4x8xf32>
  cpu.call @scale(%buf, %s) : (memref<4x8xf32>, f32) -> ()
  return
}
