// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// The tensor ops ziggurat adds are verified as in MLIR.

func.func @missing_extent(%n: index) -> tensor<?x?xf32> {
  // expected-error @+1 {{'tensor.generate' op incorrect number of dynamic sizes, has 1, expected 2}}
  %g = tensor.generate %n {
  ^bb0(%i: index, %j: index):
    %z = arith.constant 0.0 : f32
    tensor.yield %z : f32
  } : tensor<?x?xf32>
  return %g : tensor<?x?xf32>
}

// -----

func.func @wrong_element(%n: index) -> tensor<?xf32> {
  // expected-error @+1 {{'tensor.generate' op body must be terminated with a `yield` operation of the tensor element type}}
  %g = tensor.generate %n {
  ^bb0(%i: index):
    %z = arith.constant 0 : i32
    tensor.yield %z : i32
  } : tensor<?xf32>
  return %g : tensor<?xf32>
}

// -----

func.func @wrong_width(%t: tensor<4xi32>) -> tensor<4xf16> {
  // expected-error @+1 {{'tensor.bitcast' op operand type 'tensor<4xi32>' and result type 'tensor<4xf16>' are cast incompatible}}
  %b = tensor.bitcast %t : tensor<4xi32> to tensor<4xf16>
  return %b : tensor<4xf16>
}

// -----

// Slices name one offset, size and stride per dimension of the sliced tensor.

func.func @slice_offsets(%t: tensor<8x8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tensor.extract_slice' op expected 2 offset values, got 1}}
  %s = tensor.extract_slice %t[0] [4] [1] : tensor<8x8xf32> to tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @slice_out_of_bounds(%t: tensor<8x8xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'tensor.extract_slice' op slice along dimension 1 runs out-of-bounds: 9 >= 8}}
  %s = tensor.extract_slice %t[0, 6] [4, 4] [1, 1] : tensor<8x8xf32> to tensor<4x4xf32>
  return %s : tensor<4x4xf32>
}

// -----

func.func @slice_result_shape(%t: tensor<8x8xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'tensor.extract_slice' op expected type to be 'tensor<4x4xf32>' or a rank-reduced version. (size mismatch)}}
  %s = tensor.extract_slice %t[0, 0] [4, 4] [1, 1] : tensor<8x8xf32> to tensor<4x2xf32>
  return %s : tensor<4x2xf32>
}

// -----

func.func @slice_rank_reduced(%t: tensor<8x8xf32>) -> tensor<4xf32> {
  %s = tensor.extract_slice %t[0, 2] [1, 4] [1, 1] : tensor<8x8xf32> to tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @insert_source_shape(%s: tensor<3x4xf32>, %t: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'tensor.insert_slice' op expected type to be 'tensor<4x4xf32>' or a rank-reduced version. (size mismatch)}}
  %r = tensor.insert_slice %s into %t[0, 0] [4, 4] [1, 1] : tensor<3x4xf32> into tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func @insert_negative_offset(%s: tensor<4x4xf32>, %t: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{'tensor.insert_slice' op expected offsets to be non-negative, but got -1}}
  %r = tensor.insert_slice %s into %t[-1, 0] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}
