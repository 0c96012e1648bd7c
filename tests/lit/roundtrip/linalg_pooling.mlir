// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// NHWC pooling: the second input is the window, of which only the shape
// counts; max, sum and min, strided or not, on tensors and memrefs.

// CHECK-LABEL: func.func @max_pool
func.func @max_pool(%I: tensor<1x16x16x8xf32>) -> tensor<1x8x8x8xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x8x8x8xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: %r = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %win : tensor<1x16x16x8xf32>, tensor<2x2xf32>) outs(%init : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %r = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %win : tensor<1x16x16x8xf32>, tensor<2x2xf32>) outs(%init : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %r : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @sum_pool
func.func @sum_pool(%I: tensor<1x16x16x8xf32>, %O: tensor<1x14x14x8xf32>) -> tensor<1x14x14x8xf32> {
  %win = tensor.empty() : tensor<3x3xf32>
  // CHECK: linalg.pooling_nhwc_sum ins(%I, %win : tensor<1x16x16x8xf32>, tensor<3x3xf32>) outs(%O : tensor<1x14x14x8xf32>) -> tensor<1x14x14x8xf32>
  %r = linalg.pooling_nhwc_sum ins(%I, %win : tensor<1x16x16x8xf32>, tensor<3x3xf32>) outs(%O : tensor<1x14x14x8xf32>) -> tensor<1x14x14x8xf32>
  return %r : tensor<1x14x14x8xf32>
}

// CHECK-LABEL: func.func @min_pool
func.func @min_pool(%I: memref<2x9x9x4xf32>, %W: memref<3x3xf32>, %O: memref<2x4x4x4xf32>) {
  // CHECK: linalg.pooling_nhwc_min {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %W : memref<2x9x9x4xf32>, memref<3x3xf32>) outs(%O : memref<2x4x4x4xf32>){{$}}
  linalg.pooling_nhwc_min {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %W : memref<2x9x9x4xf32>, memref<3x3xf32>) outs(%O : memref<2x4x4x4xf32>)
  return
}

// CHECK-LABEL: func.func @int8_max_pool
func.func @int8_max_pool(%I: tensor<1x8x8x4xi8>, %O: tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32> {
  %win = tensor.empty() : tensor<2x2xi8>
  // CHECK: linalg.pooling_nhwc_max {{.*}} ins(%I, %win : tensor<1x8x8x4xi8>, tensor<2x2xi8>) outs(%O : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  %r = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %win : tensor<1x8x8x4xi8>, tensor<2x2xi8>) outs(%O : tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xi32>
  return %r : tensor<1x4x4x4xi32>
}
