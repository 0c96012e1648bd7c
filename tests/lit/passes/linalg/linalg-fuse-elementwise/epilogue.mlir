// RUN: ziggurat-opt %s --split-input-file -p linalg-fuse-elementwise | FileCheck %s
// RUN: ziggurat-opt %s --split-input-file -p 'linalg-fuse-elementwise{fold-bias=false}' | FileCheck %s --check-prefix=NOFOLD

// A dense layer: matmul, bias add, ReLU. The bias add and the ReLU fuse into
// one elementwise generic; then the bias add moves into the matmul's init
// (init + bias, broadcast over the rows), and the ReLU alone stays after the
// matmul, applied once to the finished sum.

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @mlp(
// CHECK:         %[[INIT:.*]] = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x32xf32>) -> tensor<16x32xf32>
// CHECK-NEXT:    %[[BIASED:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<32xf32>) outs(%[[INIT]] : tensor<16x32xf32>) {
// CHECK-NEXT:    ^bb0(%bias: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:      %[[SUM:.*]] = arith.addf %[[ACC]], %bias : f32
// CHECK-NEXT:      linalg.yield %[[SUM]] : f32
// CHECK-NEXT:    } -> tensor<16x32xf32>
// CHECK-NEXT:    %[[MM:.*]] = linalg.matmul ins(%x, %w : tensor<16x64xf32>, tensor<64x32xf32>) outs(%[[BIASED]] : tensor<16x32xf32>) -> tensor<16x32xf32>
// CHECK-NEXT:    %[[RELU:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%[[MM]] : tensor<16x32xf32>) outs(%empty : tensor<16x32xf32>) {
// CHECK-NEXT:    ^bb0(%[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[R:.*]] = arith.maximumf %[[V]], %zero : f32
// CHECK-NEXT:      linalg.yield %[[R]] : f32
// CHECK-NEXT:    } -> tensor<16x32xf32>
// CHECK-NEXT:    func.return %[[RELU]]

// Without bias folding, only the two elementwise generics fuse.
// NOFOLD-LABEL: func.func @mlp(
// NOFOLD:         linalg.matmul ins(%x, %w : tensor<16x64xf32>, tensor<64x32xf32>) outs(%init : tensor<16x32xf32>)
// NOFOLD:         linalg.generic {{.*}} ins(%mm, %b : tensor<16x32xf32>, tensor<32xf32>)
// NOFOLD:           arith.addf
// NOFOLD-NEXT:      arith.maximumf
func.func @mlp(%x: tensor<16x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x32xf32>) -> tensor<16x32xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<16x64xf32>, tensor<64x32xf32>) outs(%init : tensor<16x32xf32>) -> tensor<16x32xf32>
  %biased = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%mm, %b : tensor<16x32xf32>, tensor<32xf32>) outs(%empty : tensor<16x32xf32>) {
  ^bb0(%a: f32, %c: f32, %out: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%biased : tensor<16x32xf32>) outs(%empty : tensor<16x32xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<16x32xf32>
  return %relu : tensor<16x32xf32>
}

// -----

// A bias-only epilogue disappears: what is left of it is a copy of the
// contraction's result. Here a batch_matmul with an integer bias per batch.

// CHECK-LABEL: func.func @batch_bias(
// CHECK:         %[[BIASED:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%bias : tensor<2xi32>) outs(%acc : tensor<2x3x5xi32>)
// CHECK:           arith.addi
// CHECK:         %[[R:.*]] = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xi8>, tensor<2x4x5xi8>) outs(%[[BIASED]] : tensor<2x3x5xi32>) -> tensor<2x3x5xi32>
// CHECK-NOT:     linalg.generic
// CHECK:         func.return %[[R]] : tensor<2x3x5xi32>
func.func @batch_bias(%a: tensor<2x3x4xi8>, %b: tensor<2x4x5xi8>, %bias: tensor<2xi32>, %acc: tensor<2x3x5xi32>) -> tensor<2x3x5xi32> {
  %mm = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xi8>, tensor<2x4x5xi8>) outs(%acc : tensor<2x3x5xi32>) -> tensor<2x3x5xi32>
  %e = tensor.empty() : tensor<2x3x5xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%mm, %bias : tensor<2x3x5xi32>, tensor<2xi32>) outs(%e : tensor<2x3x5xi32>) {
  ^bb0(%v: i32, %c: i32, %o: i32):
    %s = arith.addi %c, %v : i32
    linalg.yield %s : i32
  } -> tensor<2x3x5xi32>
  return %r : tensor<2x3x5xi32>
}

// -----

// A convolution with a per-channel bias and ReLU in one epilogue generic.

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d3)>

// CHECK-LABEL: func.func @conv_relu(
// CHECK:         %[[BIASED:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], {{.*}} ins(%bias : tensor<16xf32>) outs(%init : tensor<1x15x15x16xf32>)
// CHECK:         %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} outs(%[[BIASED]] : tensor<1x15x15x16xf32>)
// CHECK-NEXT:    linalg.generic {{.*}} ins(%[[CONV]] : tensor<1x15x15x16xf32>) outs(%e : tensor<1x15x15x16xf32>)
// CHECK-NEXT:    ^bb0(%v: f32, %o: f32):
// CHECK-NEXT:      %r = arith.maximumf %v, %zero : f32
func.func @conv_relu(%img: tensor<1x32x32x3xf32>, %filt: tensor<3x3x3x16xf32>, %bias: tensor<16xf32>) -> tensor<1x15x15x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x15x15x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x15x15x16xf32>) -> tensor<1x15x15x16xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%img, %filt : tensor<1x32x32x3xf32>, tensor<3x3x3x16xf32>) outs(%init : tensor<1x15x15x16xf32>) -> tensor<1x15x15x16xf32>
  %res = linalg.generic {indexing_maps = [#id4, #chan, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %bias : tensor<1x15x15x16xf32>, tensor<16xf32>) outs(%e : tensor<1x15x15x16xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x15x15x16xf32>
  return %res : tensor<1x15x15x16xf32>
}

// -----

// A generic contraction (a row sum) whose body is `out + f(in)` folds too.

// CHECK-LABEL: func.func @generic_rowsum(
// CHECK:         %[[BIASED:.*]] = linalg.generic {{.*}} ins(%bias : tensor<4xf32>) outs(%init : tensor<4xf32>)
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%[[BIASED]] : tensor<4xf32>)
// CHECK:         func.return %[[SUM]]
func.func @generic_rowsum(%x: tensor<4x8xf32>, %init: tensor<4xf32>, %bias: tensor<4xf32>) -> tensor<4xf32> {
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%sum, %bias : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%v: f32, %c: f32, %o: f32):
    %s = arith.addf %v, %c : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
