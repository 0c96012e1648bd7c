// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

func.func @no_iterators(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expected 'iterator_types', an array of iterator types}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>]} ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @bad_iterator(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown iterator type "sideways"}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["sideways"]} ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
