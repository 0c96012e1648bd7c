// REQUIRES: mlir-opt
// RUN: ziggurat-opt %s -p cpu-conv-to-matmul | %mlir-opt | FileCheck %s

// What the pass prints is valid MLIR.

// CHECK: memref.alloc() : memref<2x4x3x2x3x3xf32>
// CHECK: linalg.generic
// CHECK: memref.collapse_shape
// CHECK: linalg.matmul
// CHECK: memref.dealloc
func.func @conv(%x: memref<2x9x10x3xf32>, %k: memref<2x3x3x5xf32>, %y: memref<2x4x3x5xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[2, 3]> : tensor<2xi64>}
      ins(%x, %k : memref<2x9x10x3xf32>, memref<2x3x3x5xf32>) outs(%y : memref<2x4x3x5xf32>)
  return
}
