// REQUIRES: mlir-opt
// What the pass prints is valid MLIR, and after canonicalization it is the
// very program mlir-opt's own convert-linalg-to-affine-loops produces.
// RUN: ziggurat-opt %s -p convert-linalg-to-affine-loops | %mlir-opt --canonicalize > %t.ours
// RUN: %mlir-opt %s --convert-linalg-to-affine-loops --canonicalize > %t.theirs
// RUN: diff %t.ours %t.theirs
// RUN: FileCheck %s < %t.ours

// CHECK-LABEL: func.func @gemm
// CHECK-COUNT-3: affine.for
func.func @gemm(%A: memref<16x8xf32>, %B: memref<8x32xf32>, %C: memref<16x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%C : memref<16x32xf32>)
  linalg.matmul ins(%A, %B : memref<16x8xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>)
  return
}

func.func @quantized(%A: memref<4x8xi8>, %B: memref<8x5xi8>, %C: memref<4x5xi32>, %x: memref<8xi8>, %y: memref<4xi32>) {
  linalg.matmul ins(%A, %B : memref<4x8xi8>, memref<8x5xi8>) outs(%C : memref<4x5xi32>)
  linalg.matvec ins(%A, %x : memref<4x8xi8>, memref<8xi8>) outs(%y : memref<4xi32>)
  return
}

func.func @batched(%A: memref<3x4x8xf32>, %B: memref<3x8x5xf32>, %C: memref<3x4x5xf32>, %x: memref<3x8xf32>, %y: memref<3x4xf32>, %v: memref<4xf32>, %w: memref<8xf32>, %d: memref<f32>) {
  linalg.batch_matmul ins(%A, %B : memref<3x4x8xf32>, memref<3x8x5xf32>) outs(%C : memref<3x4x5xf32>)
  linalg.batch_matvec ins(%A, %x : memref<3x4x8xf32>, memref<3x8xf32>) outs(%y : memref<3x4xf32>)
  linalg.dot ins(%w, %w : memref<8xf32>, memref<8xf32>) outs(%d : memref<f32>)
  return
}

func.func @conv(%I: memref<2x17x17x8xf32>, %F: memref<3x3x8x4xf32>, %G: memref<4x3x3x8xf32>, %O: memref<2x6x6x4xf32>, %D: memref<3x3x8xf32>, %P: memref<2x6x6x8xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %F : memref<2x17x17x8xf32>, memref<3x3x8x4xf32>) outs(%O : memref<2x6x6x4xf32>)
  linalg.conv_2d_nhwc_fhwc {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %G : memref<2x17x17x8xf32>, memref<4x3x3x8xf32>) outs(%O : memref<2x6x6x4xf32>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%I, %D : memref<2x17x17x8xf32>, memref<3x3x8xf32>) outs(%P : memref<2x6x6x8xf32>)
  return
}

func.func @pooling(%I: memref<2x9x9x3xf32>, %W: memref<3x2xf32>, %O: memref<2x7x8x3xf32>) {
  linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %W : memref<2x9x9x3xf32>, memref<3x2xf32>) outs(%O : memref<2x7x8x3xf32>)
  linalg.pooling_nhwc_min {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %W : memref<2x9x9x3xf32>, memref<3x2xf32>) outs(%O : memref<2x7x8x3xf32>)
  linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %W : memref<2x9x9x3xf32>, memref<3x2xf32>) outs(%O : memref<2x7x8x3xf32>)
  return
}

func.func @data_movement(%A: memref<16x8xf32>, %B: memref<16x8xf32>, %T: memref<8x16xf32>, %v: memref<8xf32>, %r: memref<16xf32>) {
  linalg.copy ins(%A : memref<16x8xf32>) outs(%B : memref<16x8xf32>)
  linalg.transpose ins(%A : memref<16x8xf32>) outs(%T : memref<8x16xf32>) permutation = [1, 0]
  linalg.broadcast ins(%v : memref<8xf32>) outs(%B : memref<16x8xf32>) dimensions = [0]
  linalg.reduce ins(%A : memref<16x8xf32>) outs(%r : memref<16xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %s = arith.addf %in, %init : f32
      linalg.yield %s : f32
    }
  return
}

func.func @generic(%A: memref<4x5xf32>, %r: memref<5xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%A : memref<4x5xf32>) outs(%r : memref<5xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %m = arith.mulf %a, %f : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  }
  return
}
