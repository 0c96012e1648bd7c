// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// The tensor ops ziggurat adds are verified as in MLIR.

func.func @missing_extent(%n: index) -> tensor<?x?xf32> {
  // expected-error @+1 {{'tensor.generate' op expects 2 dynamic extents for tensor<?x?xf32>, got 1}}
  %g = tensor.generate %n {
  ^bb0(%i: index, %j: index):
    %z = arith.constant 0.0 : f32
    tensor.yield %z : f32
  } : tensor<?x?xf32>
  return %g : tensor<?x?xf32>
}

// -----

func.func @wrong_element(%n: index) -> tensor<?xf32> {
  // expected-error @+1 {{'tensor.generate' op expects its body to yield one value of type f32}}
  %g = tensor.generate %n {
  ^bb0(%i: index):
    %z = arith.constant 0 : i32
    tensor.yield %z : i32
  } : tensor<?xf32>
  return %g : tensor<?xf32>
}

// -----

func.func @wrong_width(%t: tensor<4xi32>) -> tensor<4xf16> {
  // expected-error @+1 {{'tensor.bitcast' op expects elements of the same bit width}}
  %b = tensor.bitcast %t : tensor<4xi32> to tensor<4xf16>
  return %b : tensor<4xf16>
}
