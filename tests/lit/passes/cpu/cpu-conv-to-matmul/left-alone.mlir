// RUN: ziggurat-opt %s -p cpu-conv-to-matmul | FileCheck %s

// Convolutions the matmul kernel cannot take are left to the ordinary lowering: other
// layouts, depthwise, other element types, tensors, dynamic shapes, and outputs (or
// filters) that are strided views, which a collapse_shape cannot flatten.

// CHECK-LABEL: func.func @fhwc
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.conv_2d_nhwc_fhwc
func.func @fhwc(%x: memref<1x5x5x2xf32>, %k: memref<3x3x3x2xf32>, %y: memref<1x3x3x3xf32>) {
  linalg.conv_2d_nhwc_fhwc ins(%x, %k : memref<1x5x5x2xf32>, memref<3x3x3x2xf32>) outs(%y : memref<1x3x3x3xf32>)
  return
}

// CHECK-LABEL: func.func @depthwise
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwc
func.func @depthwise(%x: memref<1x5x5x2xf32>, %k: memref<3x3x2xf32>, %y: memref<1x3x3x2xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc ins(%x, %k : memref<1x5x5x2xf32>, memref<3x3x2xf32>) outs(%y : memref<1x3x3x2xf32>)
  return
}

// CHECK-LABEL: func.func @f64
// CHECK:         linalg.conv_2d_nhwc_hwcf
func.func @f64(%x: memref<1x5x5x2xf64>, %k: memref<3x3x2x3xf64>, %y: memref<1x3x3x3xf64>) {
  linalg.conv_2d_nhwc_hwcf ins(%x, %k : memref<1x5x5x2xf64>, memref<3x3x2x3xf64>) outs(%y : memref<1x3x3x3xf64>)
  return
}

// CHECK-LABEL: func.func @tensors
// CHECK:         linalg.conv_2d_nhwc_hwcf
func.func @tensors(%x: tensor<1x5x5x2xf32>, %k: tensor<3x3x2x3xf32>, %y: tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32> {
  %r = linalg.conv_2d_nhwc_hwcf ins(%x, %k : tensor<1x5x5x2xf32>, tensor<3x3x2x3xf32>) outs(%y : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %r : tensor<1x3x3x3xf32>
}

// CHECK-LABEL: func.func @dynamic
// CHECK:         linalg.conv_2d_nhwc_hwcf
func.func @dynamic(%x: memref<1x?x5x2xf32>, %k: memref<3x3x2x3xf32>, %y: memref<1x3x3x3xf32>) {
  linalg.conv_2d_nhwc_hwcf ins(%x, %k : memref<1x?x5x2xf32>, memref<3x3x2x3xf32>) outs(%y : memref<1x3x3x3xf32>)
  return
}

// CHECK-LABEL: func.func @strided_output
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.conv_2d_nhwc_hwcf
func.func @strided_output(%x: memref<1x5x5x2xf32>, %k: memref<3x3x2x3xf32>, %big: memref<1x3x3x8xf32>) {
  %y = memref.subview %big[0, 0, 0, 2] [1, 3, 3, 3] [1, 1, 1, 1] : memref<1x3x3x8xf32> to memref<1x3x3x3xf32, strided<[72, 24, 8, 1], offset: 2>>
  linalg.conv_2d_nhwc_hwcf ins(%x, %k : memref<1x5x5x2xf32>, memref<3x3x2x3xf32>) outs(%y : memref<1x3x3x3xf32, strided<[72, 24, 8, 1], offset: 2>>)
  return
}
