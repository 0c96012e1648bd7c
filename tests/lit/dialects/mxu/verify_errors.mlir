// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// Sizes are checked against the launch's machine (here an 8 x 8 array).

func.func @k_too_large() {
  device.launch target(#device.target<mxu, {rows = 8, cols = 8}>) {
    // expected-error @+1 {{'rows' (the tile's K) must be between 1 and 8, not 9}}
    mxu.loadw <row = 0, rows = 9, cols = 8, dtype = i8>
  }
  return
}

// -----

func.func @outside_the_accumulator() {
  device.launch target(#device.target<mxu, {rows = 16, cols = 16}>) {
    // expected-error @+1 {{output rows 1020..1035 are outside the acc (it has 1024 rows)}}
    mxu.matmul <row = 0, rows = 16, acc_row = 1020, dtype = i8>
  }
  return
}

// -----

func.func @past_the_buffer(%a: memref<4x4xi8>) {
  device.launch target(#device.target<mxu>) {
    // expected-error @+1 {{reads or writes bytes up to 20 of a 16-byte buffer}}
    mxu.load %a <memory = spad, row = 0, dram_addr = 4, stride = 4, rows = 4, cols = 4, dtype = i8> : memref<4x4xi8>
  }
  return
}

// -----

func.func @not_in_a_launch() {
  // expected-error @+1 {{expects to be inside a 'device.launch' on target 'mxu'}}
  mxu.fence
  return
}

// -----

func.func @shapes(%a: memref<4x5xi8>, %b: memref<6x3xi8>, %d: memref<4x3xi32>) {
  device.launch target(#device.target<mxu>) {
    // expected-error @+1 {{shapes do not compose: A [4, 5], B [6, 3], D [4, 3]}}
    mxu.gemm %a, %b -> %d : memref<4x5xi8>, memref<6x3xi8>, memref<4x3xi32>
  }
  return
}

// -----

func.func @types(%a: memref<4x5xi8>, %b: memref<5x3xi8>, %d: memref<4x3xf32>) {
  device.launch target(#device.target<mxu>) {
    // expected-error @+1 {{i8 inputs give i8 or i32 results, not f32}}
    mxu.gemm %a, %b -> %d : memref<4x5xi8>, memref<5x3xi8>, memref<4x3xf32>
  }
  return
}

// -----

func.func @requantise_to_i32(%a: memref<4x5xi8>, %b: memref<5x3xi8>, %d: memref<4x3xi32>) {
  device.launch target(#device.target<mxu>) {
    // expected-error @+1 {{'scale' and 'shift' requantise to i8; the result is not i8}}
    mxu.gemm %a, %b -> %d <scale = 3> : memref<4x5xi8>, memref<5x3xi8>, memref<4x3xi32>
  }
  return
}

// -----

func.func @scratchpad_operand(%a: memref<4x5xi8, #device.memory_space<scratchpad>>, %b: memref<5x3xi8>, %d: memref<4x3xi32>) {
  device.launch target(#device.target<mxu>) {
    // expected-error @+1 {{A must be in DRAM (host or global memory), not in 'scratchpad'}}
    mxu.gemm %a, %b -> %d : memref<4x5xi8, #device.memory_space<scratchpad>>, memref<5x3xi8>, memref<4x3xi32>
  }
  return
}
