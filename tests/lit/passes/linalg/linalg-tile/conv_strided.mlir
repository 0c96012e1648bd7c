// RUN: ziggurat-opt %s -p 'linalg-tile{tile-sizes=0,2,2,0,2}' | FileCheck %s

// A strided convolution tiled in oh, ow and kh. The input rows one tile
// reads start at oh * stride + kh * dilation and span
// (tile_oh - 1) * stride + (tile_kh - 1) * dilation + 1 = 3 * tile_kh rows;
// ow is tiled but kw is not, so the columns span (2 - 1) * 2 + (3 - 1) * 3 + 1 = 9.

// CHECK-LABEL: func.func @conv(
// CHECK-SAME:      %[[I:.*]]: memref<1x14x14x3xf32>, %[[F:.*]]: memref<3x3x3x8xf32>, %[[O:.*]]: memref<1x4x4x8xf32>)
// CHECK:         scf.for %[[OH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:      scf.for %[[OW:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:        scf.for %[[KH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:          %[[TKH:.*]] = affine.min affine_map<(d0) -> (2, ((d0 * -1) + 3))>(%[[KH]])
// CHECK-NEXT:          %[[ROW:.*]] = affine.apply affine_map<(d0, d1) -> (((d1 * 3) + (d0 * 2)))>(%[[OH]], %[[KH]])
// CHECK-NEXT:          %[[ROWS:.*]] = affine.apply affine_map<(d0) -> ((d0 * 3))>(%[[TKH]])
// CHECK-NEXT:          %[[COL:.*]] = affine.apply affine_map<(d0) -> ((d0 * 2))>(%[[OW]])
// CHECK-NEXT:          %[[SI:.*]] = memref.subview %[[I]][0, %[[ROW]], %[[COL]], 0] [1, %[[ROWS]], 9, 3] [1, 1, 1, 1] : memref<1x14x14x3xf32> to memref<1x?x9x3xf32, strided<[588, 42, 3, 1], offset: ?>>
// CHECK-NEXT:          %[[SF:.*]] = memref.subview %[[F]][%[[KH]], 0, 0, 0] [%[[TKH]], 3, 3, 8] [1, 1, 1, 1] : memref<3x3x3x8xf32> to memref<?x3x3x8xf32, strided<[72, 24, 8, 1], offset: ?>>
// CHECK-NEXT:          %[[SO:.*]] = memref.subview %[[O]][0, %[[OH]], %[[OW]], 0] [1, 2, 2, 8] [1, 1, 1, 1] : memref<1x4x4x8xf32> to memref<1x2x2x8xf32, strided<[128, 32, 8, 1], offset: ?>>
// CHECK-NEXT:          linalg.conv_2d_nhwc_hwcf {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[SI]], %[[SF]] : {{.*}}) outs(%[[SO]] : memref<1x2x2x8xf32, strided<[128, 32, 8, 1], offset: ?>>)
func.func @conv(%I: memref<1x14x14x3xf32>, %F: memref<3x3x3x8xf32>, %O: memref<1x4x4x8xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %F : memref<1x14x14x3xf32>, memref<3x3x3x8xf32>) outs(%O : memref<1x4x4x8xf32>)
  return
}
