// RUN: ziggurat-opt %s -p linalg-generalize-named-ops | FileCheck %s

// CHECK-LABEL: func.func @matmul_int8
// CHECK-NEXT:    %[[r:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<16x8xi8>, tensor<8x32xi8>) outs(%{{.*}} : tensor<16x32xi32>) {
// CHECK-NEXT:    ^{{.*}}(%[[a:.*]]: i8, %[[b:.*]]: i8, %[[c:.*]]: i32):
// CHECK-NEXT:      %[[ae:.*]] = arith.extsi %[[a]] : i8 to i32
// CHECK-NEXT:      %[[be:.*]] = arith.extsi %[[b]] : i8 to i32
// CHECK-NEXT:      %[[p:.*]] = arith.muli %[[ae]], %[[be]] : i32
// CHECK-NEXT:      %[[s:.*]] = arith.addi %[[c]], %[[p]] : i32
// CHECK-NEXT:      linalg.yield %[[s]] : i32
// CHECK-NEXT:    } -> tensor<16x32xi32>
// CHECK-NEXT:    func.return %[[r]]
func.func @matmul_int8(%A: tensor<16x8xi8>, %B: tensor<8x32xi8>, %C: tensor<16x32xi32>) -> tensor<16x32xi32> {
  %0 = linalg.matmul ins(%A, %B : tensor<16x8xi8>, tensor<8x32xi8>) outs(%C : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %0 : tensor<16x32xi32>
}

// Strides and dilations end up in the input's map.
// CHECK-LABEL: func.func @conv
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, ((d1 * 2) + (d4 * 3)), ((d2 * 2) + (d5 * 3)), d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-NOT:     linalg.conv
func.func @conv(%I: memref<1x17x17x8xf32>, %F: memref<3x3x8x4xf32>, %O: memref<1x6x6x4xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %F : memref<1x17x17x8xf32>, memref<3x3x8x4xf32>) outs(%O : memref<1x6x6x4xf32>)
  return
}

// The conversion linalg.copy performs implicitly becomes explicit.
// CHECK-LABEL: func.func @copy_widening
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%{{.*}} : memref<4xbf16>) outs(%{{.*}} : memref<4xf32>) {
// CHECK-NEXT:    ^{{.*}}(%[[in:.*]]: bf16, %{{.*}}: f32):
// CHECK-NEXT:      %[[w:.*]] = arith.extf %[[in]] : bf16 to f32
// CHECK-NEXT:      linalg.yield %[[w]] : f32
func.func @copy_widening(%a: memref<4xbf16>, %b: memref<4xf32>) {
  linalg.copy ins(%a : memref<4xbf16>) outs(%b : memref<4xf32>)
  return
}

// transpose, broadcast and reduce, which xDSL's version of the pass skipped.
// CHECK-LABEL: func.func @data_movement
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2, d0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>)
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<8xf32>) outs(%{{.*}} : tensor<16x8xf32>)
// CHECK:         linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<16x8xf32>) outs(%{{.*}} : tensor<8xf32>) {
// CHECK-NEXT:    ^{{.*}}(%[[in:.*]]: f32, %[[init:.*]]: f32):
// CHECK-NEXT:      %[[m:.*]] = arith.maximumf %[[in]], %[[init]] : f32
// CHECK-NEXT:      linalg.yield %[[m]] : f32
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     linalg.broadcast
// CHECK-NOT:     linalg.reduce
func.func @data_movement(%A: tensor<2x3x4xf32>, %T: tensor<4x2x3xf32>, %v: tensor<8xf32>, %B: tensor<16x8xf32>, %r: tensor<8xf32>) -> (tensor<4x2x3xf32>, tensor<16x8xf32>, tensor<8xf32>) {
  %t = linalg.transpose ins(%A : tensor<2x3x4xf32>) outs(%T : tensor<4x2x3xf32>) permutation = [2, 0, 1]
  %b = linalg.broadcast ins(%v : tensor<8xf32>) outs(%B : tensor<16x8xf32>) dimensions = [0]
  %s = linalg.reduce ins(%b : tensor<16x8xf32>) outs(%r : tensor<8xf32>) dimensions = [0]
    (%in: f32, %init: f32) {
      %m = arith.maximumf %in, %init : f32
      linalg.yield %m : f32
    }
  return %t, %b, %s : tensor<4x2x3xf32>, tensor<16x8xf32>, tensor<8xf32>
}

// A linalg.generic is left as it is.
// CHECK-LABEL: func.func @already_generic
// CHECK-NEXT:    linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%{{.*}} : memref<4xf32>) {
func.func @already_generic(%a: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%a : memref<4xf32>) {
  ^bb0(%x: f32):
    %y = arith.negf %x : f32
    linalg.yield %y : f32
  }
  return
}
