// RUN: ziggurat-opt %s --split-input-file -p linalg-fuse-elementwise | FileCheck %s

// Bias adds that must stay where they are.

// Max pooling does not accumulate by addition: max(init + b, x) is not
// max(init, x) + b, so the add stays in the epilogue.

// CHECK-LABEL: func.func @max_pool_bias(
// CHECK:         linalg.pooling_nhwc_max {{.*}} outs(%init : tensor<1x4x4x2xf32>)
// CHECK:         linalg.generic
// CHECK:           arith.addf
func.func @max_pool_bias(%I: tensor<1x8x8x2xf32>, %init: tensor<1x4x4x2xf32>, %bias: tensor<2xf32>) -> tensor<1x4x4x2xf32> {
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %win : tensor<1x8x8x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %e = tensor.empty() : tensor<1x4x4x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%p, %bias : tensor<1x4x4x2xf32>, tensor<2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%v: f32, %c: f32, %o: f32):
    %s = arith.addf %v, %c : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x2xf32>
  return %r : tensor<1x4x4x2xf32>
}

// -----

// The matmul's result is also returned: adding the bias into its init would
// change that other use.

// CHECK-LABEL: func.func @result_used_twice(
// CHECK:         %[[MM:.*]] = linalg.matmul {{.*}} outs(%c : tensor<4x4xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[MM]], %b : tensor<4x4xf32>, tensor<4xf32>)
func.func @result_used_twice(%x: tensor<4x4xf32>, %b: tensor<4xf32>, %c: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %mm = linalg.matmul ins(%x, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %b : tensor<4x4xf32>, tensor<4xf32>) outs(%c : tensor<4x4xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %a = arith.addf %v, %s : f32
    linalg.yield %a : f32
  } -> tensor<4x4xf32>
  return %mm, %r : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// The epilogue reads the matmul result twice, once before the add: the
// unbiased value is needed, so the add cannot move.

// CHECK-LABEL: func.func @unbiased_value_needed(
// CHECK:         linalg.matmul {{.*}} outs(%c : tensor<4x4xf32>)
// CHECK:         arith.addf
// CHECK-NEXT:    arith.mulf
func.func @unbiased_value_needed(%x: tensor<4x4xf32>, %b: tensor<4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %mm = linalg.matmul ins(%x, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %b : tensor<4x4xf32>, tensor<4xf32>) outs(%c : tensor<4x4xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %a = arith.addf %v, %s : f32
    %m = arith.mulf %a, %v : f32
    linalg.yield %m : f32
  } -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// The bias is computed after the matmul: the init cannot read it.

// CHECK-LABEL: func.func @bias_defined_later(
// CHECK:         linalg.matmul {{.*}} outs(%c : tensor<4x4xf32>)
// CHECK:         %[[B:.*]] = linalg.fill
// CHECK:         linalg.generic {{.*}} ins(%mm, %[[B]] : tensor<4x4xf32>, tensor<4xf32>)
func.func @bias_defined_later(%x: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %mm = linalg.matmul ins(%x, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %b = linalg.fill ins(%one : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %b : tensor<4x4xf32>, tensor<4xf32>) outs(%c : tensor<4x4xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %a = arith.addf %v, %s : f32
    linalg.yield %a : f32
  } -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}
