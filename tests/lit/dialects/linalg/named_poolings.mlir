// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Poolings from the table: NCHW, 1-D, 3-D and the unsigned variants.

// CHECK-LABEL: func.func @pools
// CHECK: linalg.pooling_nchw_max {strides = dense<2> : tensor<2xi64>} ins(%a, %wa : tensor<1x3x8x8xf32>, tensor<2x2xf32>) outs(%oa : tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
// CHECK: linalg.pooling_nwc_sum ins(%b, %wb : tensor<1x8x3xf32>, tensor<3xf32>) outs(%ob : tensor<1x6x3xf32>) -> tensor<1x6x3xf32>
// CHECK: linalg.pooling_ndhwc_min ins(%c, %wc : tensor<1x3x3x3x2xf32>, tensor<2x2x2xf32>) outs(%oc : tensor<1x2x2x2x2xf32>) -> tensor<1x2x2x2x2xf32>
// CHECK: linalg.pooling_nhwc_max_unsigned ins(%d, %wd : tensor<1x4x4x2xi8>, tensor<2x2xi8>) outs(%od : tensor<1x3x3x2xi32>) -> tensor<1x3x3x2xi32>
func.func @pools(%a: tensor<1x3x8x8xf32>, %wa: tensor<2x2xf32>, %oa: tensor<1x3x4x4xf32>, %b: tensor<1x8x3xf32>, %wb: tensor<3xf32>, %ob: tensor<1x6x3xf32>, %c: tensor<1x3x3x3x2xf32>, %wc: tensor<2x2x2xf32>, %oc: tensor<1x2x2x2x2xf32>, %d: tensor<1x4x4x2xi8>, %wd: tensor<2x2xi8>, %od: tensor<1x3x3x2xi32>) -> (tensor<1x3x4x4xf32>, tensor<1x6x3xf32>, tensor<1x2x2x2x2xf32>, tensor<1x3x3x2xi32>) {
  %0 = linalg.pooling_nchw_max {strides = dense<2> : tensor<2xi64>} ins(%a, %wa : tensor<1x3x8x8xf32>, tensor<2x2xf32>) outs(%oa : tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %1 = linalg.pooling_nwc_sum ins(%b, %wb : tensor<1x8x3xf32>, tensor<3xf32>) outs(%ob : tensor<1x6x3xf32>) -> tensor<1x6x3xf32>
  %2 = linalg.pooling_ndhwc_min ins(%c, %wc : tensor<1x3x3x3x2xf32>, tensor<2x2x2xf32>) outs(%oc : tensor<1x2x2x2x2xf32>) -> tensor<1x2x2x2x2xf32>
  %3 = linalg.pooling_nhwc_max_unsigned ins(%d, %wd : tensor<1x4x4x2xi8>, tensor<2x2xi8>) outs(%od : tensor<1x3x3x2xi32>) -> tensor<1x3x3x2xi32>
  return %0, %1, %2, %3 : tensor<1x3x4x4xf32>, tensor<1x6x3xf32>, tensor<1x2x2x2x2xf32>, tensor<1x3x3x2xi32>
}
