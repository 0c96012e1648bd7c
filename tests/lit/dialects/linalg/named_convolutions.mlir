// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Convolutions from the table: 1-D and 3-D, NCHW, grouped and depthwise,
// with and without strides and dilations, on tensors and on buffers.

// CHECK-LABEL: func.func @conv_1d_nwc_wcf
// CHECK: linalg.conv_1d_nwc_wcf {dilations = dense<2> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%i, %k : tensor<1x9x2xf32>, tensor<3x2x4xf32>) outs(%o : tensor<1x5x4xf32>) -> tensor<1x5x4xf32>
func.func @conv_1d_nwc_wcf(%i: tensor<1x9x2xf32>, %k: tensor<3x2x4xf32>, %o: tensor<1x5x4xf32>) -> tensor<1x5x4xf32> {
  %r = linalg.conv_1d_nwc_wcf {dilations = dense<2> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%i, %k : tensor<1x9x2xf32>, tensor<3x2x4xf32>) outs(%o : tensor<1x5x4xf32>) -> tensor<1x5x4xf32>
  return %r : tensor<1x5x4xf32>
}

// CHECK-LABEL: func.func @conv_2d_nchw_fchw
// CHECK: linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>} ins(%i, %k : memref<2x3x9x9xi8>, memref<4x3x3x3xi8>) outs(%o : memref<2x4x4x4xi32>){{$}}
func.func @conv_2d_nchw_fchw(%i: memref<2x3x9x9xi8>, %k: memref<4x3x3x3xi8>, %o: memref<2x4x4x4xi32>) {
  linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>} ins(%i, %k : memref<2x3x9x9xi8>, memref<4x3x3x3xi8>) outs(%o : memref<2x4x4x4xi32>)
  return
}

// CHECK-LABEL: func.func @conv_3d_ndhwc_dhwcf
// CHECK: linalg.conv_3d_ndhwc_dhwcf ins(%i, %k : tensor<1x4x5x6x2xf32>, tensor<2x2x2x2x3xf32>) outs(%o : tensor<1x3x4x5x3xf32>) -> tensor<1x3x4x5x3xf32>
func.func @conv_3d_ndhwc_dhwcf(%i: tensor<1x4x5x6x2xf32>, %k: tensor<2x2x2x2x3xf32>, %o: tensor<1x3x4x5x3xf32>) -> tensor<1x3x4x5x3xf32> {
  %r = linalg.conv_3d_ndhwc_dhwcf ins(%i, %k : tensor<1x4x5x6x2xf32>, tensor<2x2x2x2x3xf32>) outs(%o : tensor<1x3x4x5x3xf32>) -> tensor<1x3x4x5x3xf32>
  return %r : tensor<1x3x4x5x3xf32>
}

// CHECK-LABEL: func.func @plain
// CHECK: linalg.conv_1d ins(%a, %ka : memref<8xf32>, memref<3xf32>) outs(%oa : memref<6xf32>)
// CHECK: linalg.conv_2d ins(%b, %kb : memref<5x5xf32>, memref<2x2xf32>) outs(%ob : memref<4x4xf32>)
func.func @plain(%a: memref<8xf32>, %ka: memref<3xf32>, %oa: memref<6xf32>, %b: memref<5x5xf32>, %kb: memref<2x2xf32>, %ob: memref<4x4xf32>) {
  linalg.conv_1d ins(%a, %ka : memref<8xf32>, memref<3xf32>) outs(%oa : memref<6xf32>)
  linalg.conv_2d ins(%b, %kb : memref<5x5xf32>, memref<2x2xf32>) outs(%ob : memref<4x4xf32>)
  return
}

// CHECK-LABEL: func.func @depthwise
// CHECK: linalg.depthwise_conv_1d_nwc_wc ins(%a, %ka : tensor<1x8x3xf32>, tensor<3x3xf32>) outs(%oa : tensor<1x6x3xf32>) -> tensor<1x6x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {dilations = dense<[1, 2]> : tensor<2xi64>} ins(%b, %kb : tensor<1x3x6x8xf32>, tensor<3x2x2xf32>) outs(%ob : tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32>
// CHECK: linalg.depthwise_conv_2d_nhwc_hwcm ins(%c, %kc : tensor<1x4x4x2xf32>, tensor<2x2x2x3xf32>) outs(%oc : tensor<1x3x3x2x3xf32>) -> tensor<1x3x3x2x3xf32>
func.func @depthwise(%a: tensor<1x8x3xf32>, %ka: tensor<3x3xf32>, %oa: tensor<1x6x3xf32>, %b: tensor<1x3x6x8xf32>, %kb: tensor<3x2x2xf32>, %ob: tensor<1x3x5x6xf32>, %c: tensor<1x4x4x2xf32>, %kc: tensor<2x2x2x3xf32>, %oc: tensor<1x3x3x2x3xf32>) -> (tensor<1x6x3xf32>, tensor<1x3x5x6xf32>, tensor<1x3x3x2x3xf32>) {
  %0 = linalg.depthwise_conv_1d_nwc_wc ins(%a, %ka : tensor<1x8x3xf32>, tensor<3x3xf32>) outs(%oa : tensor<1x6x3xf32>) -> tensor<1x6x3xf32>
  %1 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<[1, 2]> : tensor<2xi64>} ins(%b, %kb : tensor<1x3x6x8xf32>, tensor<3x2x2xf32>) outs(%ob : tensor<1x3x5x6xf32>) -> tensor<1x3x5x6xf32>
  %2 = linalg.depthwise_conv_2d_nhwc_hwcm ins(%c, %kc : tensor<1x4x4x2xf32>, tensor<2x2x2x3xf32>) outs(%oc : tensor<1x3x3x2x3xf32>) -> tensor<1x3x3x2x3xf32>
  return %0, %1, %2 : tensor<1x6x3xf32>, tensor<1x3x5x6xf32>, tensor<1x3x3x2x3xf32>
}
