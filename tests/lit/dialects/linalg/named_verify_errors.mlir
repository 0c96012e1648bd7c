// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// Each rule the table's ops verify, with MLIR's message where it has one.

func.func @shape(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %o: tensor<4x6xf32>) -> tensor<4x6xf32> {
  // expected-error @+1 {{'linalg.matmul' op inferred input/output operand #2 has shape's dimension #1 to be 5, but found 6}}
  %r = linalg.matmul ins(%a, %b : tensor<4x3xf32>, tensor<3x5xf32>) outs(%o : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %r : tensor<4x6xf32>
}

// -----

func.func @rank(%a: tensor<4x3x2xf32>, %b: tensor<3x5xf32>, %o: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{'linalg.batch_reduce_matmul' op expected operand #1 rank (2) to match the result rank of indexing_map (3)}}
  %r = linalg.batch_reduce_matmul ins(%a, %b : tensor<4x3x2xf32>, tensor<3x5xf32>) outs(%o : tensor<4x5xf32>) -> tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}

// -----

func.func @elementwise_shape(%a: tensor<4xf32>, %b: tensor<5xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'linalg.add' op inferred input/output operand #1 has shape's dimension #0 to be 4, but found 5}}
  %r = linalg.add ins(%a, %b : tensor<4xf32>, tensor<5xf32>) outs(%o : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @elementwise_rank(%a: tensor<4x4xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'linalg.exp' op expected operand #0 rank (2) to match the result rank of indexing_map (1)}}
  %r = linalg.exp ins(%a : tensor<4x4xf32>) outs(%o : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @window_too_small(%i: tensor<1x8x2xf32>, %k: tensor<3x2x4xf32>, %o: tensor<1x7x4xf32>) -> tensor<1x7x4xf32> {
  // expected-error @+1 {{'linalg.conv_1d_nwc_wcf' op inferred input/output operand #0 has shape's dimension #1 to be greater than or equal to 9, but found 8}}
  %r = linalg.conv_1d_nwc_wcf ins(%i, %k : tensor<1x8x2xf32>, tensor<3x2x4xf32>) outs(%o : tensor<1x7x4xf32>) -> tensor<1x7x4xf32>
  return %r : tensor<1x7x4xf32>
}

// -----

func.func @strides_count(%i: tensor<1x8x8x2xf32>, %k: tensor<3x3x2x4xf32>, %o: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  // expected-error @+1 {{'linalg.conv_2d_nchw_fchw' op attribute 'strides' failed to satisfy constraint: 64-bit signless int elements attribute of shape [2]}}
  %r = linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<3xi64>} ins(%i, %k : tensor<1x8x8x2xf32>, tensor<3x3x2x4xf32>) outs(%o : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %r : tensor<1x6x6x4xf32>
}

// -----

func.func @zero_stride(%i: tensor<1x8x2xf32>, %w: tensor<3xf32>, %o: tensor<1x6x2xf32>) -> tensor<1x6x2xf32> {
  // expected-error @+1 {{'linalg.pooling_nwc_max' op expects positive strides, got [0]}}
  %r = linalg.pooling_nwc_max {strides = dense<0> : tensor<1xi64>} ins(%i, %w : tensor<1x8x2xf32>, tensor<3xf32>) outs(%o : tensor<1x6x2xf32>) -> tensor<1x6x2xf32>
  return %r : tensor<1x6x2xf32>
}

// -----

func.func @operand_count(%a: tensor<4xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'linalg.add' expects 2 input(s) and 1 output (3 operands), got 1 and 1 (2)}}
  %r = linalg.add ins(%a : tensor<4xf32>) outs(%o : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @mixed_types(%a: tensor<4xi8>, %b: tensor<4xi8>, %o: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'linalg.add' computes i8 but the output element type is i32: 'linalg.add' does not convert element types}}
  %r = linalg.add ins(%a, %b : tensor<4xi8>, tensor<4xi8>) outs(%o : tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

func.func @float_only(%a: tensor<4xi32>, %o: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'linalg.exp' unsupported operation: exp not on float, got i32}}
  %r = linalg.exp ins(%a : tensor<4xi32>) outs(%o : tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

func.func @unsigned_div_on_float(%a: tensor<4xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'linalg.div_unsigned' unsupported operation: unsigned div not on float}}
  %r = linalg.div_unsigned ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%o : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @bad_cast(%a: tensor<4x3xi8>, %b: tensor<3x5xi8>, %o: tensor<4x5xi32>) -> tensor<4x5xi32> {
  // expected-error @+1 {{'cast' must be a #linalg.type_fn attribute}}
  %r = linalg.matmul {cast = 1 : i32} ins(%a, %b : tensor<4x3xi8>, tensor<3x5xi8>) outs(%o : tensor<4x5xi32>) -> tensor<4x5xi32>
  return %r : tensor<4x5xi32>
}
