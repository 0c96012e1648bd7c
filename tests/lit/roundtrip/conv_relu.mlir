// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// A convolution block on NHWC tensors: conv, bias and ReLU; then the other
// filter layout, and dilation.

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d3)>

// CHECK-LABEL: func.func @conv_relu
func.func @conv_relu(%img: tensor<1x32x32x3xf32>, %filt: tensor<3x3x3x16xf32>, %bias: tensor<16xf32>) -> tensor<1x15x15x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x15x15x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x15x15x16xf32>) -> tensor<1x15x15x16xf32>
  // CHECK: %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%img, %filt : tensor<1x32x32x3xf32>, tensor<3x3x3x16xf32>) outs(%init : tensor<1x15x15x16xf32>) -> tensor<1x15x15x16xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%img, %filt : tensor<1x32x32x3xf32>, tensor<3x3x3x16xf32>) outs(%init : tensor<1x15x15x16xf32>) -> tensor<1x15x15x16xf32>
  // CHECK: %res = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
  // CHECK: arith.addf
  // CHECK: arith.maximumf
  %res = linalg.generic {indexing_maps = [#id4, #chan, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %bias : tensor<1x15x15x16xf32>, tensor<16xf32>) outs(%e : tensor<1x15x15x16xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x15x15x16xf32>
  return %res : tensor<1x15x15x16xf32>
}

// CHECK-LABEL: func.func @conv_fhwc
func.func @conv_fhwc(%img: tensor<2x10x10x4xf32>, %filt: tensor<8x3x3x4xf32>, %out: tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> {
  // CHECK: linalg.conv_2d_nhwc_fhwc ins(%img, %filt : tensor<2x10x10x4xf32>, tensor<8x3x3x4xf32>) outs(%out : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  %0 = linalg.conv_2d_nhwc_fhwc ins(%img, %filt : tensor<2x10x10x4xf32>, tensor<8x3x3x4xf32>) outs(%out : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  return %0 : tensor<2x8x8x8xf32>
}

// CHECK-LABEL: func.func @conv_dilated
func.func @conv_dilated(%img: tensor<1x12x12x4xf32>, %filt: tensor<3x3x4x8xf32>, %out: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  // CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%img, %filt : tensor<1x12x12x4xf32>, tensor<3x3x4x8xf32>) outs(%out : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}
