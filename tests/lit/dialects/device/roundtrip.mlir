// RUN: ziggurat-opt %s | ziggurat-opt | FileCheck %s
// RUN: ziggurat-opt %s | ziggurat-opt > %t.1.mlir
// RUN: ziggurat-opt %t.1.mlir > %t.2.mlir
// RUN: diff %t.1.mlir %t.2.mlir
// RUN: ziggurat-opt %s --print-op-generic | ziggurat-opt | diff %t.1.mlir -

// Every device op and attribute prints as it is written and reads back the same.

// CHECK-LABEL: func.func @cpu_launch
func.func @cpu_launch(%A: memref<16x32xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  // CHECK: %g = device.alloc() : memref<16x32xf32, #device.memory_space<global>>
  %g = device.alloc() : memref<16x32xf32, #device.memory_space<global>>
  // CHECK: %h = device.alloc(%n) : memref<?x32xf32, #device.memory_space<host>>
  %h = device.alloc(%n) : memref<?x32xf32, #device.memory_space<host>>
  // CHECK: device.copy %A, %g : memref<16x32xf32> to memref<16x32xf32, #device.memory_space<global>>
  device.copy %A, %g : memref<16x32xf32> to memref<16x32xf32, #device.memory_space<global>>
  // CHECK: device.launch target(#device.target<cpu, {num_threads = 4 : i64}>) {
  device.launch target(#device.target<cpu, {num_threads = 4 : i64}>) {
    // CHECK-NEXT: device.parallel (%i, %j) = (%c0, %c0) to (%c16, %c32) step (%c1, %c1) mapping [#device.dim<thread>, #device.dim<simd>] {
    device.parallel (%i, %j) = (%c0, %c0) to (%c16, %c32) step (%c1, %c1) mapping [#device.dim<thread>, #device.dim<simd>] {
      %v = memref.load %g[%i, %j] : memref<16x32xf32, #device.memory_space<global>>
      memref.store %v, %A[%i, %j] : memref<16x32xf32>
    }
    // CHECK: device.barrier
    device.barrier
    // CHECK-NEXT: device.parallel (%i_1) = (%c0) to (%c16) step (%c1) mapping [#device.dim<sequential>] {
    // CHECK-NEXT: }
    device.parallel (%i) = (%c0) to (%c16) step (%c1) mapping [#device.dim<sequential>] {
    }
  } {tag = "kept"}
  // CHECK: } {tag = "kept"}
  return
}

// CHECK-LABEL: func.func @cuda_launch
func.func @cuda_launch(%A: memref<64x64xf32, #device.memory_space<global>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  // CHECK: device.launch target(#device.target<cuda, {sm = 80 : i64}>) {
  device.launch target(#device.target<cuda, {sm = 80 : i64}>) {
    // CHECK: mapping [#device.dim<block_y>, #device.dim<block_x>]
    device.parallel (%bi, %bj) = (%c0, %c0) to (%c64, %c64) step (%c8, %c8) mapping [#device.dim<block_y>, #device.dim<block_x>] {
      // CHECK: device.alloc() : memref<8x8xf32, #device.memory_space<shared>>
      %tile = device.alloc() : memref<8x8xf32, #device.memory_space<shared>>
      // CHECK: mapping [#device.dim<thread_y>, #device.dim<thread_x>]
      device.parallel (%ti, %tj) = (%c0, %c0) to (%c8, %c8) step (%c1, %c1) mapping [#device.dim<thread_y>, #device.dim<thread_x>] {
        %v = memref.load %A[%ti, %tj] : memref<64x64xf32, #device.memory_space<global>>
        memref.store %v, %tile[%ti, %tj] : memref<8x8xf32, #device.memory_space<shared>>
      }
    }
  }
  return
}

// CHECK-LABEL: func.func @mxu_launch
func.func @mxu_launch(%A: memref<128x128xi8, #device.memory_space<global>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  // CHECK: device.launch target(#device.target<mxu, {rows = 128 : i64, cols = 128 : i64}>) {
  device.launch target(#device.target<mxu, {rows = 128 : i64, cols = 128 : i64}>) {
    // CHECK: device.alloc() : memref<128x128xi8, #device.memory_space<scratchpad>>
    %s = device.alloc() : memref<128x128xi8, #device.memory_space<scratchpad>>
    // CHECK: device.alloc() : memref<128x128xi32, #device.memory_space<accumulator>>
    %acc = device.alloc() : memref<128x128xi32, #device.memory_space<accumulator>>
    // CHECK: device.copy %A, %s
    device.copy %A, %s : memref<128x128xi8, #device.memory_space<global>> to memref<128x128xi8, #device.memory_space<scratchpad>>
    // CHECK: mapping [#device.dim<mxu_row>, #device.dim<mxu_col>]
    device.parallel (%r, %c) = (%c0, %c0) to (%c128, %c128) step (%c1, %c1) mapping [#device.dim<mxu_row>, #device.dim<mxu_col>] {
    }
  }
  return
}
