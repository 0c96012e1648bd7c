// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Depthwise convolution (one filter per channel): plain, strided, dilated,
// and i8 x i8 -> i32.

// CHECK-LABEL: func.func @depthwise
func.func @depthwise(%I: tensor<1x18x18x32xf32>, %F: tensor<3x3x32xf32>) -> tensor<1x16x16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x16x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xf32>
  // CHECK: %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %F : tensor<1x18x18x32xf32>, tensor<3x3x32xf32>) outs(%init : tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xf32>
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %F : tensor<1x18x18x32xf32>, tensor<3x3x32xf32>) outs(%init : tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xf32>
  return %r : tensor<1x16x16x32xf32>
}

// CHECK-LABEL: func.func @strided
func.func @strided(%I: memref<1x17x17x8xf32>, %F: memref<3x3x8xf32>, %O: memref<1x8x8x8xf32>) {
  // CHECK: linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %F : memref<1x17x17x8xf32>, memref<3x3x8xf32>) outs(%O : memref<1x8x8x8xf32>){{$}}
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %F : memref<1x17x17x8xf32>, memref<3x3x8xf32>) outs(%O : memref<1x8x8x8xf32>)
  return
}

// CHECK-LABEL: func.func @int8
func.func @int8(%I: tensor<1x10x10x4xi8>, %F: tensor<3x3x4xi8>, %O: tensor<1x8x8x4xi32>) -> tensor<1x8x8x4xi32> {
  // CHECK: linalg.depthwise_conv_2d_nhwc_hwc ins(%I, %F : tensor<1x10x10x4xi8>, tensor<3x3x4xi8>) outs(%O : tensor<1x8x8x4xi32>) -> tensor<1x8x8x4xi32>
  %r = linalg.depthwise_conv_2d_nhwc_hwc ins(%I, %F : tensor<1x10x10x4xi8>, tensor<3x3x4xi8>) outs(%O : tensor<1x8x8x4xi32>) -> tensor<1x8x8x4xi32>
  return %r : tensor<1x8x8x4xi32>
}

// CHECK-LABEL: func.func @dilated
func.func @dilated(%I: tensor<1x12x12x4xf32>, %F: tensor<3x3x4xf32>, %O: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  // CHECK: linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %F : tensor<1x12x12x4xf32>, tensor<3x3x4xf32>) outs(%O : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %r : tensor<1x8x8x4xf32>
}
