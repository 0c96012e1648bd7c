// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// The cpu verifiers.

func.func @pack_shape(%a: memref<16x32xf32>, %p: memref<4x4x8x4xf32>) {
  // expected-error @+1 {{'cpu.pack' op expects a destination of shape 4x4x4x8, got 4x4x8x4}}
  cpu.pack %a inner_dims_pos = [0, 1] inner_tiles = [4, 8] into %p : memref<16x32xf32> -> memref<4x4x8x4xf32>
  return
}

// -----

func.func @pack_needs_padding(%a: memref<10xf32>, %p: memref<3x4xf32>) {
  // expected-error @+1 {{'cpu.pack' op expects a padding_value: an inner tile does not divide its dimension}}
  cpu.pack %a inner_dims_pos = [0] inner_tiles = [4] into %p : memref<10xf32> -> memref<3x4xf32>
  return
}

// -----

func.func @pack_perm(%a: memref<16x32xf32>, %p: memref<4x4x4x8xf32>) {
  // expected-error @+1 {{'cpu.pack' op expects outer_dims_perm to be a permutation of 0 to 1}}
  cpu.pack %a outer_dims_perm = [0, 0] inner_dims_pos = [0, 1] inner_tiles = [4, 8] into %p : memref<16x32xf32> -> memref<4x4x4x8xf32>
  return
}

// -----

func.func @pack_dims(%a: memref<16x32xf32>, %p: memref<4x32x4x4xf32>) {
  // expected-error @+1 {{'cpu.pack' op expects inner_dims_pos to name distinct source dimensions (0 to 1)}}
  cpu.pack %a inner_dims_pos = [0, 0] inner_tiles = [4, 4] into %p : memref<16x32xf32> -> memref<4x32x4x4xf32>
  return
}

// -----

func.func @pack_padding_type(%a: memref<10xf32>, %p: memref<3x4xf32>, %z: f16) {
  // expected-error @+1 {{'cpu.pack' op expects a padding value of type f32, got f16}}
  cpu.pack %a padding_value(%z : f16) inner_dims_pos = [0] inner_tiles = [4] into %p : memref<10xf32> -> memref<3x4xf32>
  return
}

// -----

func.func @call_undefined(%a: memref<4xf32>) {
  // expected-error @+1 {{'cpu.call' op calls '@nope', which is not defined}}
  cpu.call @nope(%a) : (memref<4xf32>) -> ()
  return
}

// -----

cpu.microkernel @k(memref<4xf32>)

func.func @call_types(%a: memref<8xf32>) {
  // expected-error @+1 {{'cpu.call' op passes (memref<8xf32>) to '@k', which takes (memref<4xf32>)}}
  cpu.call @k(%a) : (memref<8xf32>) -> ()
  return
}

// -----

func.func @not_a_kernel(%a: memref<4xf32>) {
  // expected-error @+1 {{'cpu.call' op calls '@not_a_kernel', which is a 'func.func', not a microkernel}}
  cpu.call @not_a_kernel(%a) : (memref<4xf32>) -> ()
  return
}

// -----

// expected-error @+1 {{'cpu.microkernel' op expects memref, index, integer or float arguments, got tensor<4xf32>}}
cpu.microkernel @bad(tensor<4xf32>)
