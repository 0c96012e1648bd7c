// RUN: ziggurat-opt %s -p ziggurat-bufferize | FileCheck %s

// A dense layer: fill, matmul, then bias+ReLU. The matmul accumulates in
// place into the filled buffer, and the elementwise generic (which never
// reads its `outs`) writes over its dead input: one buffer in all, returned
// to the caller, so nothing is copied or freed.

#identity = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @layer(%x: memref<16x64xf32>, %w: memref<64x32xf32>, %b: memref<32xf32>) -> memref<16x32xf32> {
// CHECK-NEXT:    %zero = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:    %init = memref.alloc() : memref<16x32xf32>
// CHECK-NEXT:    linalg.fill ins(%zero : f32) outs(%init : memref<16x32xf32>)
// CHECK-NEXT:    linalg.matmul ins(%x, %w : memref<16x64xf32>, memref<64x32xf32>) outs(%init : memref<16x32xf32>)
// CHECK-NEXT:    linalg.generic {{{.*}}} ins(%init, %b : memref<16x32xf32>, memref<32xf32>) outs(%init : memref<16x32xf32>) {
// CHECK:         }
// CHECK-NEXT:    func.return %init : memref<16x32xf32>
// CHECK-NOT:     memref.copy
// CHECK-NOT:     memref.dealloc
func.func @layer(%x: tensor<16x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x32xf32>) -> tensor<16x32xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<16x64xf32>, tensor<64x32xf32>) outs(%init : tensor<16x32xf32>) -> tensor<16x32xf32>
  %y = linalg.generic {indexing_maps = [#identity, #bias, #identity], iterator_types = ["parallel", "parallel"]} ins(%mm, %b : tensor<16x32xf32>, tensor<32xf32>) outs(%empty : tensor<16x32xf32>) {
  ^bb0(%a: f32, %c: f32, %out: f32):
    %s = arith.addf %a, %c : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}
