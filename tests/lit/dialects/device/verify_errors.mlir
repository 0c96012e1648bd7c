// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// The device verifiers: each message says what is wrong and what is allowed.

func.func @mapping_count(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  device.launch target(#device.target<cpu>) {
    // expected-error @+1 {{'device.parallel' op expects one lower bound, upper bound, step and mapping per induction variable (2), got 2, 2, 2 and 1}}
    device.parallel (%i, %j) = (%c0, %c0) to (%n, %n) step (%c1, %c1) mapping [#device.dim<thread>] {
    }
  }
  return
}

// -----

func.func @barrier_on_host() {
  // expected-error @+1 {{'device.barrier' op expects ancestor op 'device.launch'}}
  device.barrier
  return
}

// -----

func.func @parallel_on_host(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'device.parallel' op expects ancestor op 'device.launch'}}
  device.parallel (%i) = (%c0) to (%n) step (%c1) mapping [#device.dim<thread>] {
  }
  return
}

// -----

func.func @shared_on_cpu() {
  // expected-error @+1 {{'device.launch' op uses memory space 'shared', which target 'cpu' does not have (it has: host, global)}}
  device.launch target(#device.target<cpu>) {
    %t = device.alloc() : memref<8xf32, #device.memory_space<shared>>
  }
  return
}

// -----

func.func @block_dim_on_cpu(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  device.launch target(#device.target<cpu>) {
    // expected-error @+1 {{'device.parallel' op maps a dimension to 'block_x', which target 'cpu' does not have (it has: sequential, thread, simd)}}
    device.parallel (%i) = (%c0) to (%n) step (%c1) mapping [#device.dim<block_x>] {
    }
  }
  return
}

// -----

func.func @threads_in_threads(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  device.launch target(#device.target<cpu>) {
    device.parallel (%i) = (%c0) to (%n) step (%c1) mapping [#device.dim<thread>] {
      // expected-error @+1 {{'device.parallel' op maps a dimension to 'thread' inside a 'thread' dimension (nested CPU parallelism is not supported)}}
      device.parallel (%j) = (%c0) to (%n) step (%c1) mapping [#device.dim<thread>] {
      }
    }
  }
  return
}

// -----

func.func @simd_not_innermost(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  device.launch target(#device.target<cpu>) {
    // expected-error @+1 {{'device.parallel' op expects 'simd' only on its innermost dimension}}
    device.parallel (%i, %j) = (%c0, %c0) to (%n, %n) step (%c1, %c1) mapping [#device.dim<simd>, #device.dim<thread>] {
    }
  }
  return
}

// -----

func.func @block_x_twice(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  device.launch target(#device.target<cuda>) {
    device.parallel (%i) = (%c0) to (%n) step (%c1) mapping [#device.dim<block_x>] {
      // expected-error @+1 {{'device.parallel' op maps more than one dimension of a nest to 'block_x' on target 'cuda'}}
      device.parallel (%j) = (%c0) to (%n) step (%c1) mapping [#device.dim<block_x>] {
      }
    }
  }
  return
}

// -----

func.func @zero_step(%n: index) {
  %c0 = arith.constant 0 : index
  device.launch target(#device.target<cpu>) {
    // expected-error @+1 {{'device.parallel' op expects positive steps, got 0}}
    device.parallel (%i) = (%c0) to (%n) step (%c0) mapping [#device.dim<thread>] {
    }
  }
  return
}

// -----

func.func @nested_launch() {
  device.launch target(#device.target<cpu>) {
    // expected-error @+1 {{'device.launch' op cannot be nested in another 'device.launch'}}
    device.launch target(#device.target<cpu>) {
    }
  }
  return
}

// -----

func.func @alloc_without_space() {
  // expected-error @+1 {{'device.alloc' op expects a memref type with a '#device.memory_space<...>' memory space}}
  %m = device.alloc() : memref<8xf32>
  return
}

// -----

func.func @alloc_sizes(%n: index) {
  // expected-error @+1 {{'device.alloc' op expects 2 dynamic sizes (one per '?'), got 1}}
  %m = device.alloc(%n) : memref<?x?xf32, #device.memory_space<global>>
  return
}

// -----

func.func @copy_shapes(%a: memref<8xf32>, %b: memref<4xf32, #device.memory_space<global>>) {
  // expected-error @+1 {{'device.copy' op expects the same shape, got 8 and 4}}
  device.copy %a, %b : memref<8xf32> to memref<4xf32, #device.memory_space<global>>
  return
}

// -----

func.func @copy_types(%a: memref<8xf32>, %b: memref<8xf16, #device.memory_space<global>>) {
  // expected-error @+1 {{'device.copy' op expects the same element type, got f32 and f16}}
  device.copy %a, %b : memref<8xf32> to memref<8xf16, #device.memory_space<global>>
  return
}
