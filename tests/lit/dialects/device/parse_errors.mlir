// RUN: not ziggurat-opt %s --split-input-file 2>&1 | FileCheck %s

// Unknown names inside device attributes are reported where they are written.

func.func @f() {
  // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: expected a target kind, one of: cpu, cuda, mxu
  device.launch target(#device.target<tpu>) {
  }
  return
}

// -----

// CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: expected a memory space, one of: host, global, shared, local, scratchpad, accumulator
func.func @g(%m: memref<4xf32, #device.memory_space<texture>>) {
  return
}

// -----

func.func @h(%n: index) {
  %c0 = arith.constant 0 : index
  device.launch target(#device.target<cpu>) {
    // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: expected a hardware dimension, one of: sequential, thread, simd
    device.parallel (%i) = (%c0) to (%n) step (%c0) mapping [#device.dim<warp>] {
    }
  }
  return
}

// -----

func.func @k() {
  // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: {{.*}}target 'cpu' has no option 'sm', expected one of: num_threads, vector_width
  device.launch target(#device.target<cpu, {sm = 80 : i64}>) {
  }
  return
}
