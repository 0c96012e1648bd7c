// REQUIRES: mlir-opt
// What ziggurat-bufferize prints is valid MLIR: real mlir-opt reads and
// verifies it (strided subview types, globals, reshapes, loops, calls).

// RUN: ziggurat-opt %s -p ziggurat-bufferize | %mlir-opt | FileCheck %s
// RUN: ziggurat-opt %S/slices.mlir --split-input-file -p ziggurat-bufferize | %mlir-opt --split-input-file | FileCheck %s --check-prefix=SLICES
// RUN: ziggurat-opt %S/scf_for.mlir --split-input-file -p ziggurat-bufferize | %mlir-opt --split-input-file | FileCheck %s --check-prefix=LOOP
// RUN: ziggurat-opt %S/reshape_cast_elements.mlir --split-input-file -p ziggurat-bufferize | %mlir-opt --split-input-file | FileCheck %s --check-prefix=RESHAPE
// RUN: ziggurat-opt %S/constants_if_boundary.mlir --split-input-file -p ziggurat-bufferize | %mlir-opt --split-input-file | FileCheck %s --check-prefix=GLOBAL
// RUN: ziggurat-opt %S/function_boundary.mlir --split-input-file -p ziggurat-bufferize | %mlir-opt --split-input-file | FileCheck %s --check-prefix=CALL

// SLICES: memref.subview %{{.*}}[2, 1] [4, 8] [1, 2] : memref<8x16xf32> to memref<4x8xf32, strided<[16, 2], offset: 33>>
// LOOP: scf.for
// LOOP: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x8xf32, strided<[8, 1], offset: ?>>, memref<8x12xf32>)
// RESHAPE: memref.expand_shape
// GLOBAL: memref.global "private" constant @__constant_2xf32 : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CALL: call @external

#nhwc = affine_map<(n, h, w, c) -> (n, h, w, c)>
#channel = affine_map<(n, h, w, c) -> (c)>

// CHECK-LABEL: func.func @conv_relu
// CHECK: memref.alloc() : memref<1x6x6x4xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK: memref.dealloc
// CHECK: return
func.func @conv_relu(%x: tensor<1x4x4x4xf32>, %w: tensor<3x3x4x8xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x4xf32> to tensor<1x6x6x4xf32>
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%padded, %w : tensor<1x6x6x4xf32>, tensor<3x3x4x8xf32>)
      outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %y = linalg.generic {indexing_maps = [#nhwc, #channel, #nhwc],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %b : tensor<1x4x4x8xf32>, tensor<8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%v: f32, %c: f32, %out: f32):
    %s = arith.addf %v, %c : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}
