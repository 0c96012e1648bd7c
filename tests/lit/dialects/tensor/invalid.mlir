// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics
// The same file is run through mlir-opt by tests/lit/mlir-compat/tensor_invalid.test.

// tensor ops are verified by MLIR's rules, with MLIR's messages: slices, reshapes,
// empty/splat dynamic sizes, extract/insert index counts, reshape, cast and pad.

func.func @a(%t: tensor<2x3xf32>) {
  // expected-error @+1 {{expected dimension 0 of collapsed type to be static value of 6}}
  %r = tensor.collapse_shape %t [[0, 1]] : tensor<2x3xf32> into tensor<?xf32>
  return
}

// -----

func.func @empty_dyn(%n: index) {
  // expected-error @+1 {{incorrect number of dynamic sizes, has 0, expected 1}}
  %e = tensor.empty() : tensor<?x4xf32>
  return
}

// -----

func.func @empty_extra(%n: index) {
  // expected-error @+1 {{incorrect number of dynamic sizes, has 1, expected 0}}
  %e = tensor.empty(%n) : tensor<4x4xf32>
  return
}

// -----

func.func @extract_count(%t: tensor<4x4xf32>, %i: index) {
  // expected-error @+1 {{incorrect number of indices for extract_element}}
  %v = tensor.extract %t[%i] : tensor<4x4xf32>
  return
}

// -----

func.func @insert_count(%t: tensor<4x4xf32>, %i: index, %v: f32) {
  // expected-error @+1 {{incorrect number of indices}}
  %r = tensor.insert %v into %t[%i] : tensor<4x4xf32>
  return
}

// -----

func.func @slice_elem(%t: tensor<8x8xf32>) {
  // expected-error @+1 {{expected element type to be 'f32'}}
  %s = tensor.extract_slice %t[0, 0] [4, 4] [1, 1] : tensor<8x8xf32> to tensor<4x4xi32>
  return
}

// -----

func.func @slice_rank_big(%t: tensor<8x8xf32>) {
  // expected-error @+1 {{expected rank to be smaller or equal to the other rank.}}
  %s = tensor.extract_slice %t[0, 0] [4, 4] [1, 1] : tensor<8x8xf32> to tensor<4x4x1xf32>
  return
}

// -----

func.func @slice_dyn_result(%t: tensor<8x8xf32>, %n: index) {
  // expected-error @+1 {{expected type to be 'tensor<?x4xf32>' or a rank-reduced version. (size mismatch)}}
  %s = tensor.extract_slice %t[0, 0] [%n, 4] [1, 1] : tensor<8x8xf32> to tensor<4x4xf32>
  return
}

// -----

func.func @insert_elem(%s: tensor<4x4xi32>, %t: tensor<8x8xf32>) {
  // expected-error @+1 {{expected element type to be 'f32'}}
  %r = tensor.insert_slice %s into %t[0, 0] [4, 4] [1, 1] : tensor<4x4xi32> into tensor<8x8xf32>
  return
}

// -----

func.func @insert_oob(%s: tensor<4x4xf32>, %t: tensor<8x8xf32>) {
  // expected-error @+1 {{slice along dimension 0 runs out-of-bounds: 9 >= 8}}
  %r = tensor.insert_slice %s into %t[6, 0] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<8x8xf32>
  return
}

// -----

func.func @insert_strides(%s: tensor<4x4xf32>, %t: tensor<8x8xf32>) {
  // expected-error @+1 {{expected mixed sizes rank to match mixed strides rank (2 vs 1) so the rank of the result type is well-formed.}}
  %r = tensor.insert_slice %s into %t[0, 0] [4, 4] [1] : tensor<4x4xf32> into tensor<8x8xf32>
  return
}

// -----

func.func @collapse_groups(%t: tensor<2x3x4xf32>) {
  // expected-error @+1 {{expected collapsed rank (2) to equal the number of reassociation maps (1).}}
  %r = tensor.collapse_shape %t [[0, 1, 2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
  return
}

// -----

func.func @collapse_product(%t: tensor<2x3x4xf32>) {
  // expected-error @+1 {{expected dimension 0 of collapsed type to be static value of 6}}
  %r = tensor.collapse_shape %t [[0, 1], [2]] : tensor<2x3x4xf32> into tensor<5x4xf32>
  return
}

// -----

func.func @collapse_cover(%t: tensor<2x3x4xf32>) {
  // expected-error @+1 {{expected reassociation map #0 to have size equal to the expanded rank (3), but it is  2.}}
  %r = tensor.collapse_shape %t [[0, 1]] : tensor<2x3x4xf32> into tensor<6xf32>
  return
}

// -----

func.func @collapse_elem(%t: tensor<2x3xf32>) {
  // expected-error @+1 {{expected collapsed type to be 'tensor<6xf32>', but got 'tensor<6xi32>'}}
  %r = tensor.collapse_shape %t [[0, 1]] : tensor<2x3xf32> into tensor<6xi32>
  return
}

// -----

func.func @collapse_rank_up(%t: tensor<6xf32>) {
  // expected-error @+1 {{expected the expanded type, 'tensor<6xf32>' to have a higher (or same) rank than the collapsed type, 'tensor<2x3xf32>'.}}
  %r = tensor.collapse_shape %t [[0], [1]] : tensor<6xf32> into tensor<2x3xf32>
  return
}

// -----

func.func @collapse_dyn(%t: tensor<?x3xf32>) {
  // expected-error @+1 {{expected dimension 0 of collapsed type to be dynamic since one or more of the corresponding dimensions in the expanded type is dynamic}}
  %r = tensor.collapse_shape %t [[0, 1]] : tensor<?x3xf32> into tensor<6xf32>
  return
}

// -----

func.func @expand_count(%t: tensor<6xf32>) {
  // expected-error @+1 {{expected number of static shape dims to be equal to the output rank (2) but found 3 inputs instead}}
  %r = tensor.expand_shape %t [[0, 1]] output_shape [2, 3, 4] : tensor<6xf32> into tensor<2x3xf32>
  return
}

// -----

func.func @expand_product(%t: tensor<6xf32>) {
  // expected-error @+1 {{expected dimension 0 of collapsed type to be static value of 8}}
  %r = tensor.expand_shape %t [[0, 1]] output_shape [2, 4] : tensor<6xf32> into tensor<2x4xf32>
  return
}

// -----

func.func @expand_static(%t: tensor<6xf32>) {
  %r = tensor.expand_shape %t [[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<2x3xf32>
  return
}

// -----

func.func @expand_elem(%t: tensor<6xf32>) {
  // expected-error @+1 {{expected collapsed type to be 'tensor<6xi32>', but got 'tensor<6xf32>'}}
  %r = tensor.expand_shape %t [[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xi32>
  return
}

// -----

func.func @expand_rank_down(%t: tensor<2x3xf32>) {
  // expected-error @+1 {{expected the expanded type, 'tensor<6xf32>' to have a higher (or same) rank than the collapsed type, 'tensor<2x3xf32>'.}}
  %r = tensor.expand_shape %t [[0, 1]] output_shape [6] : tensor<2x3xf32> into tensor<6xf32>
  return
}

// -----

func.func @expand_dyn(%t: tensor<?xf32>, %n: index) {
  // expected-error @+1 {{expected dimension 0 of collapsed type to be static value of 6}}
  %r = tensor.expand_shape %t [[0, 1]] output_shape [2, 3] : tensor<?xf32> into tensor<2x3xf32>
  return
}

// -----

func.func @reshape_elem(%t: tensor<6xf32>, %s: tensor<2xindex>) {
  // expected-error @+1 {{element types of source and destination tensor types should be the same}}
  %r = tensor.reshape %t(%s) : (tensor<6xf32>, tensor<2xindex>) -> tensor<2x3xi32>
  return
}

// -----

func.func @reshape_count(%t: tensor<6xf32>, %s: tensor<2xindex>) {
  // expected-error @+1 {{source and destination tensor should have the same number of elements}}
  %r = tensor.reshape %t(%s) : (tensor<6xf32>, tensor<2xindex>) -> tensor<2x4xf32>
  return
}

// -----

func.func @reshape_len(%t: tensor<6xf32>, %s: tensor<3xindex>) {
  // expected-error @+1 {{length of shape operand differs from the result's tensor rank}}
  %r = tensor.reshape %t(%s) : (tensor<6xf32>, tensor<3xindex>) -> tensor<2x3xf32>
  return
}

// -----

func.func @cast_shape(%t: tensor<4xf32>) {
  // expected-error @+1 {{operand type 'tensor<4xf32>' and result type 'tensor<5xf32>' are cast incompatible}}
  %r = tensor.cast %t : tensor<4xf32> to tensor<5xf32>
  return
}

// -----

func.func @cast_elem(%t: tensor<4xf32>) {
  // expected-error @+1 {{operand type 'tensor<4xf32>' and result type 'tensor<4xi32>' are cast incompatible}}
  %r = tensor.cast %t : tensor<4xf32> to tensor<4xi32>
  return
}

// -----

func.func @cast_rank(%t: tensor<4xf32>) {
  // expected-error @+1 {{operand type 'tensor<4xf32>' and result type 'tensor<4x1xf32>' are cast incompatible}}
  %r = tensor.cast %t : tensor<4xf32> to tensor<4x1xf32>
  return
}

// -----

func.func @pad_rank(%t: tensor<4x4xf32>, %p: f32) {
  // expected-error @+1 {{failed to infer expectedType from sourceType 'tensor<4x4xf32>', specified resultType is 'tensor<6x6xf32>'}}
  %r = tensor.pad %t low[1] high[1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %p : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  return
}

// -----

func.func @pad_type(%t: tensor<4x4xf32>, %p: f32) {
  // expected-error @+1 {{specified type 'tensor<6x7xf32>' does not match the inferred type 'tensor<6x6xf32>'}}
  %r = tensor.pad %t low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %p : f32
  } : tensor<4x4xf32> to tensor<6x7xf32>
  return
}

// -----

func.func @pad_elem(%t: tensor<4x4xf32>, %p: f32) {
  // expected-error @+1 {{expected yield type to match shape element type}}
  %r = tensor.pad %t low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %p : f32
  } : tensor<4x4xf32> to tensor<6x6xi32>
  return
}

// -----

func.func @pad_block_args(%t: tensor<4x4xf32>, %p: f32) {
  // expected-error @+1 {{expected the block to have 2 arguments}}
  %r = tensor.pad %t low[1, 1] high[1, 1] {
  ^bb0(%i: index):
    tensor.yield %p : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  return
}

// -----

func.func @pad_yield(%t: tensor<4x4xf32>, %p: i32) {
  // expected-error @+1 {{expected yield type to match shape element type}}
  %r = tensor.pad %t low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %p : i32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  return
}

// -----

func.func @splat_dyn(%a: f32, %n: index) {
  // expected-error @+1 {{incorrect number of dynamic sizes, has 0, expected 1}}
  %t = tensor.splat %a : tensor<?xf32>
  return
}

// -----

func.func @concat_dim(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{concatenation dim must be less than the tensor rank}}
  %t = tensor.concat dim(1) %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @concat_other_dim(%a: tensor<4x3xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+1 {{static concatenation size mismatch along non-concatenated dimension 1}}
  %t = tensor.concat dim(0) %a, %b : (tensor<4x3xf32>, tensor<4x2xf32>) -> tensor<8x3xf32>
  return
}
