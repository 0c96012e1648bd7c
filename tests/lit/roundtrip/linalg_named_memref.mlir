// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Named linalg ops on buffers (no results): contractions, a convolution,
// copy/transpose/broadcast, and a reducing linalg.generic.

// CHECK-LABEL: func.func @gemm
func.func @gemm(%A: memref<16x8xf32>, %B: memref<8x32xf32>, %C: memref<16x32xf32>) {
  %zero = arith.constant 0.0 : f32
  // CHECK: linalg.fill ins(%zero : f32) outs(%C : memref<16x32xf32>){{$}}
  linalg.fill ins(%zero : f32) outs(%C : memref<16x32xf32>)
  // CHECK: linalg.matmul ins(%A, %B : memref<16x8xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>){{$}}
  linalg.matmul ins(%A, %B : memref<16x8xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>)
  return
}

// CHECK-LABEL: func.func @gemm_dynamic
func.func @gemm_dynamic(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  // CHECK: linalg.matmul ins(%A, %B : memref<?x?xf32>, memref<?x?xf32>) outs(%C : memref<?x?xf32>)
  linalg.matmul ins(%A, %B : memref<?x?xf32>, memref<?x?xf32>) outs(%C : memref<?x?xf32>)
  return
}

// CHECK-LABEL: func.func @gemm_transposed_a
func.func @gemm_transposed_a(%At: memref<8x16xf32>, %B: memref<8x32xf32>, %C: memref<16x32xf32>) {
  // CHECK: linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%At, %B : memref<8x16xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>)
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%At, %B : memref<8x16xf32>, memref<8x32xf32>) outs(%C : memref<16x32xf32>)
  return
}

// CHECK-LABEL: func.func @batched
func.func @batched(%A: memref<4x16x8xf32>, %B: memref<4x8x32xf32>, %C: memref<4x16x32xf32>, %x: memref<4x8xf32>, %y: memref<4x16xf32>) {
  // CHECK: linalg.batch_matmul ins(%A, %B : memref<4x16x8xf32>, memref<4x8x32xf32>) outs(%C : memref<4x16x32xf32>)
  linalg.batch_matmul ins(%A, %B : memref<4x16x8xf32>, memref<4x8x32xf32>) outs(%C : memref<4x16x32xf32>)
  // CHECK: linalg.batch_matvec ins(%A, %x : memref<4x16x8xf32>, memref<4x8xf32>) outs(%y : memref<4x16xf32>)
  linalg.batch_matvec ins(%A, %x : memref<4x16x8xf32>, memref<4x8xf32>) outs(%y : memref<4x16xf32>)
  return
}

// CHECK-LABEL: func.func @vectors
func.func @vectors(%A: memref<16x8xf32>, %x: memref<8xf32>, %y: memref<16xf32>, %z: memref<8xf32>, %d: memref<f32>) {
  // CHECK: linalg.matvec ins(%A, %x : memref<16x8xf32>, memref<8xf32>) outs(%y : memref<16xf32>)
  linalg.matvec ins(%A, %x : memref<16x8xf32>, memref<8xf32>) outs(%y : memref<16xf32>)
  // CHECK: linalg.vecmat ins(%y, %A : memref<16xf32>, memref<16x8xf32>) outs(%z : memref<8xf32>)
  linalg.vecmat ins(%y, %A : memref<16xf32>, memref<16x8xf32>) outs(%z : memref<8xf32>)
  // CHECK: linalg.dot ins(%x, %z : memref<8xf32>, memref<8xf32>) outs(%d : memref<f32>)
  linalg.dot ins(%x, %z : memref<8xf32>, memref<8xf32>) outs(%d : memref<f32>)
  return
}

// CHECK-LABEL: func.func @conv
func.func @conv(%I: memref<1x16x16x8xf32>, %F: memref<3x3x8x4xf32>, %O: memref<1x14x14x4xf32>) {
  // CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %F : memref<1x16x16x8xf32>, memref<3x3x8x4xf32>) outs(%O : memref<1x14x14x4xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%I, %F : memref<1x16x16x8xf32>, memref<3x3x8x4xf32>) outs(%O : memref<1x14x14x4xf32>)
  return
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%A: memref<16x8xf32>, %B: memref<16x8xf32>, %T: memref<8x16xf32>, %v: memref<8xf32>) {
  // CHECK: linalg.copy ins(%A : memref<16x8xf32>) outs(%B : memref<16x8xf32>)
  linalg.copy ins(%A : memref<16x8xf32>) outs(%B : memref<16x8xf32>)
  // CHECK: linalg.transpose ins(%A{{ ?}}:{{ ?}}memref<16x8xf32>) outs(%T{{ ?}}:{{ ?}}memref<8x16xf32>) permutation = [1, 0]
  linalg.transpose ins(%A : memref<16x8xf32>) outs(%T : memref<8x16xf32>) permutation = [1, 0]
  // CHECK: linalg.broadcast ins(%v{{ ?}}:{{ ?}}memref<8xf32>) outs(%B{{ ?}}:{{ ?}}memref<16x8xf32>) dimensions = [0]
  linalg.broadcast ins(%v : memref<8xf32>) outs(%B : memref<16x8xf32>) dimensions = [0]
  return
}

// CHECK-LABEL: func.func @row_sums
func.func @row_sums(%A: memref<16x8xf32>, %r: memref<16xf32>) {
  // CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%A : memref<16x8xf32>) outs(%r : memref<16xf32>) {
  // CHECK-NEXT: ^bb0(%a: f32, %acc: f32):
  // CHECK-NEXT: %s = arith.addf %a, %acc : f32
  // CHECK-NEXT: linalg.yield %s : f32
  // CHECK-NEXT: }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%A : memref<16x8xf32>) outs(%r : memref<16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}
