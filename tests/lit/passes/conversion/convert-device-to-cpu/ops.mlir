// RUN: ziggurat-opt %s -p convert-device-to-cpu | FileCheck %s

// Each device op on target cpu, and the memory spaces dropped from types.

// CHECK-LABEL: func.func @all(%A: memref<16x32xf32>, %n: index) -> memref<?x32xf32> {
func.func @all(%A: memref<16x32xf32>, %n: index) -> memref<?x32xf32, #device.memory_space<host>> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  // CHECK: %g = memref.alloc() : memref<16x32xf32>
  %g = device.alloc() : memref<16x32xf32, #device.memory_space<global>>
  // CHECK-NEXT: %h = memref.alloc(%n) : memref<?x32xf32>
  %h = device.alloc(%n) : memref<?x32xf32, #device.memory_space<host>>
  // CHECK-NEXT: memref.copy %A, %g : memref<16x32xf32> to memref<16x32xf32>
  device.copy %A, %g : memref<16x32xf32> to memref<16x32xf32, #device.memory_space<global>>
  // The launch is inlined; the barrier between its loops is dropped (each
  // OpenMP loop ends with one), the target's num_threads becomes a clause.
  // CHECK-NEXT: cpu.parallel_for (%i) = (%c0) to (%c16) step (%c1) schedule(static) num_threads(4) {
  // CHECK-NEXT:   scf.for %k = %c0 to %c4 step %c1 {
  // CHECK-NEXT:     cpu.simd %j = %c0 to %c32 step %c1 {
  // CHECK-NEXT:       %v = memref.load %g[%i, %j] : memref<16x32xf32>
  // CHECK-NEXT:       memref.store %v, %A[%i, %j] : memref<16x32xf32>
  // CHECK-NEXT:     }
  // CHECK-NEXT:   }
  // CHECK-NEXT: }
  // CHECK-NEXT: cpu.parallel_for (%i_1, %j_1) = (%c0, %c0) to (%c16, %c32) step (%c1, %c1) schedule(static) num_threads(4) {
  // CHECK-NEXT:   %z = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT:   memref.store %z, %g[%i_1, %j_1] : memref<16x32xf32>
  // CHECK-NEXT: }
  // CHECK-NEXT: func.return %h : memref<?x32xf32>
  device.launch target(#device.target<cpu, {num_threads = 4 : i64}>) {
    device.parallel (%i, %k, %j) = (%c0, %c0, %c0) to (%c16, %c4, %c32) step (%c1, %c1, %c1) mapping [#device.dim<thread>, #device.dim<sequential>, #device.dim<simd>] {
      %v = memref.load %g[%i, %j] : memref<16x32xf32, #device.memory_space<global>>
      memref.store %v, %A[%i, %j] : memref<16x32xf32>
    }
    device.barrier
    device.parallel (%i, %j) = (%c0, %c0) to (%c16, %c32) step (%c1, %c1) mapping [#device.dim<thread>, #device.dim<thread>] {
      %z = arith.constant 0.0 : f32
      memref.store %z, %g[%i, %j] : memref<16x32xf32, #device.memory_space<global>>
    }
  }
  return %h : memref<?x32xf32, #device.memory_space<host>>
}
