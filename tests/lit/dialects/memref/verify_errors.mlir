// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// memref ops whose custom syntax ziggurat reads are verified as in MLIR.

func.func @float_kind_on_integers(%m: memref<4xi32>, %v: i32, %i: index) -> i32 {
  // expected-error @+1 {{'memref.atomic_rmw' op with kind 'addf' expects a floating-point type}}
  %x = memref.atomic_rmw addf %v, %m[%i] : (i32, memref<4xi32>) -> i32
  return %x : i32
}

// -----

func.func @integer_kind_on_floats(%m: memref<4xf32>, %v: f32, %i: index) -> f32 {
  // expected-error @+1 {{'memref.atomic_rmw' op with kind 'ori' expects an integer type}}
  %x = memref.atomic_rmw ori %v, %m[%i] : (f32, memref<4xf32>) -> f32
  return %x : f32
}

// -----

func.func @missing_index(%m: memref<4x4xf32>, %v: f32, %i: index) -> f32 {
  // expected-error @+1 {{'memref.atomic_rmw' op expects the number of subscripts to be equal to memref rank}}
  %x = memref.atomic_rmw addf %v, %m[%i] : (f32, memref<4x4xf32>) -> f32
  return %x : f32
}

// -----

func.func @unknown_kind(%m: memref<4xf32>, %v: f32, %i: index) -> f32 {
  // expected-error @+1 {{unknown atomic kind 'add'}}
  %x = memref.atomic_rmw add %v, %m[%i] : (f32, memref<4xf32>) -> f32
  return %x : f32
}

// -----

// expected-error @+1 {{expected '= <initial value>' or '= uninitialized'}}
memref.global "private" @declared : memref<4xf32>

// -----

func.func @subview_strides(%m: memref<8x8xf32>) {
  // expected-error @+1 {{'memref.subview' op expected mixed sizes rank to match mixed strides rank (2 vs 1) so the rank of the result type is well-formed.}}
  %s = memref.subview %m[0, 0] [4, 4] [1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @subview_out_of_bounds(%m: memref<8x8xf32>) {
  // expected-error @+1 {{'memref.subview' op slice along dimension 0 runs out-of-bounds: 10 >= 8}}
  %s = memref.subview %m[4, 0] [4, 4] [2, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[16, 1], offset: 32>>
  return
}

// -----

func.func @subview_element_type(%m: memref<8x8xf32>) {
  // expected-error @+1 {{'memref.subview' op expected result element type to be 'f32', but got 'memref<4x4xi32, strided<[8, 1]>>'}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xi32, strided<[8, 1]>>
  return
}

// -----

func.func @subview_result_shape(%m: memref<8x8xf32>) {
  // expected-error @+1 {{'memref.subview' op expected result type to be 'memref<4x4xf32, strided<[8, 1]>>' or a rank-reduced version. (mismatch of result sizes)}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x2xf32, strided<[8, 1]>>
  return
}
