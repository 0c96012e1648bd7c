// RUN: not ziggurat-opt %s --split-input-file -p convert-device-to-cpu 2>&1 | FileCheck %s

// What a CPU cannot do is refused where it is written.

func.func @barrier_in_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  device.launch target(#device.target<cpu>) {
    device.parallel (%i) = (%c0) to (%n) step (%c1) mapping [#device.dim<thread>] {
      // CHECK: errors.mlir:[[# @LINE + 1]]:7: error: convert-device-to-cpu: cannot lower 'device.barrier' inside a parallel loop: the threads of an OpenMP loop cannot synchronise within their iterations
      device.barrier
    }
  }
  return
}

// -----

func.func @cuda_launch() {
  // CHECK: errors.mlir:[[# @LINE + 1]]:3: error: convert-device-to-cpu: cannot convert a launch on target 'cuda'
  device.launch target(#device.target<cuda>) {
  }
  return
}

// -----

func.func @shared_on_host() {
  // CHECK: errors.mlir:[[# @LINE + 1]]:3: error: convert-device-to-cpu: memory space 'shared' does not exist on a CPU (it has: host, global)
  %s = device.alloc() : memref<4xf32, #device.memory_space<shared>>
  return
}
