// RUN: ziggurat-opt %s -p convert-linalg-to-affine-loops | FileCheck %s

// The window subscripts (output position * stride + filter position *
// dilation) go straight into the affine.load map.

// CHECK-LABEL: func.func @conv_nhwc_hwcf
// CHECK-SAME: (%[[I:.*]]: memref<1x17x17x8xf32>, %[[F:.*]]: memref<3x3x8x4xf32>, %[[O:.*]]: memref<1x6x6x4xf32>)
// CHECK-NEXT:   affine.for %[[N:.*]] = 0 to 1 {
// CHECK-NEXT:     affine.for %[[OH:.*]] = 0 to 6 {
// CHECK-NEXT:       affine.for %[[OW:.*]] = 0 to 6 {
// CHECK-NEXT:         affine.for %[[OC:.*]] = 0 to 4 {
// CHECK-NEXT:           affine.for %[[KH:.*]] = 0 to 3 {
// CHECK-NEXT:             affine.for %[[KW:.*]] = 0 to 3 {
// CHECK-NEXT:               affine.for %[[IC:.*]] = 0 to 8 {
// CHECK-NEXT:                 affine.load %[[I]][%[[N]], %[[OH]] * 2 + %[[KH]] * 3, %[[OW]] * 2 + %[[KW]] * 3, %[[IC]]] : memref<1x17x17x8xf32>
// CHECK-NEXT:                 affine.load %[[F]][%[[KH]], %[[KW]], %[[IC]], %[[OC]]] : memref<3x3x8x4xf32>
// CHECK-NEXT:                 affine.load %[[O]][%[[N]], %[[OH]], %[[OW]], %[[OC]]] : memref<1x6x6x4xf32>
// CHECK-NEXT:                 arith.mulf
// CHECK-NEXT:                 arith.addf
// CHECK-NEXT:                 affine.store %{{.*}}, %[[O]][%[[N]], %[[OH]], %[[OW]], %[[OC]]] : memref<1x6x6x4xf32>
func.func @conv_nhwc_hwcf(%I: memref<1x17x17x8xf32>, %F: memref<3x3x8x4xf32>, %O: memref<1x6x6x4xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %F : memref<1x17x17x8xf32>, memref<3x3x8x4xf32>) outs(%O : memref<1x6x6x4xf32>)
  return
}

// Unit strides and dilations: the `d1 + d4` subscripts of MLIR's maps.
// CHECK-LABEL: func.func @depthwise
// CHECK:       affine.for %[[N:.*]] = 0 to 2 {
// CHECK-NEXT:    affine.for %[[OH:.*]] = 0 to 5 {
// CHECK-NEXT:      affine.for %[[OW:.*]] = 0 to 5 {
// CHECK-NEXT:        affine.for %[[C:.*]] = 0 to 3 {
// CHECK-NEXT:          affine.for %[[KH:.*]] = 0 to 2 {
// CHECK-NEXT:            affine.for %[[KW:.*]] = 0 to 2 {
// CHECK-NEXT:              affine.load %{{.*}}[%[[N]], %[[OH]] + %[[KH]], %[[OW]] + %[[KW]], %[[C]]] : memref<2x6x6x3xf32>
// CHECK-NEXT:              affine.load %{{.*}}[%[[KH]], %[[KW]], %[[C]]] : memref<2x2x3xf32>
func.func @depthwise(%I: memref<2x6x6x3xf32>, %F: memref<2x2x3xf32>, %O: memref<2x5x5x3xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc ins(%I, %F : memref<2x6x6x3xf32>, memref<2x2x3xf32>) outs(%O : memref<2x5x5x3xf32>)
  return
}

// Pooling: the window operand only gives the (kh, kw) ranges and is never loaded.
// CHECK-LABEL: func.func @max_pool
// CHECK:       affine.for %[[KH:.*]] = 0 to 3 {
// CHECK-NEXT:    affine.for %[[KW:.*]] = 0 to 2 {
// CHECK-NEXT:      %[[x:.*]] = affine.load %{{.*}}[%{{.*}}, %{{.*}} + %[[KH]], %{{.*}} + %[[KW]], %{{.*}}] : memref<2x9x9x5xi8>
// CHECK-NEXT:      %[[acc:.*]] = affine.load %{{.*}} : memref<2x7x8x5xi32>
// CHECK-NEXT:      %[[xe:.*]] = arith.extsi %[[x]] : i8 to i32
// CHECK-NEXT:      arith.maxsi %[[acc]], %[[xe]] : i32
// CHECK-NOT:   memref<3x2xi8>
func.func @max_pool(%I: memref<2x9x9x5xi8>, %W: memref<3x2xi8>, %O: memref<2x7x8x5xi32>) {
  linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %W : memref<2x9x9x5xi8>, memref<3x2xi8>) outs(%O : memref<2x7x8x5xi32>)
  return
}
