// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Value-semantics tensors: slices, element access, dynamic shapes, reshapes,
// padding, construction (splat, from_elements, generate) and concatenation.

// CHECK-LABEL: func.func @slices
func.func @slices(%t: tensor<64x64xf32>, %i: index) -> tensor<64x64xf32> {
  // CHECK: %s = tensor.extract_slice %t[%i, 0] [8, 64] [1, 1] : tensor<64x64xf32> to tensor<8x64xf32>
  %s = tensor.extract_slice %t[%i, 0] [8, 64] [1, 1] : tensor<64x64xf32> to tensor<8x64xf32>
  // CHECK: %r = tensor.insert_slice %s into %t[0, %i] [8, 64] [1, 1] : tensor<8x64xf32> into tensor<64x64xf32>
  %r = tensor.insert_slice %s into %t[0, %i] [8, 64] [1, 1] : tensor<8x64xf32> into tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// CHECK-LABEL: func.func @rank_reducing
func.func @rank_reducing(%t: tensor<4x8x16xf32>) -> tensor<8x16xf32> {
  // CHECK: tensor.extract_slice %t[1, 0, 0] [1, 8, 16] [1, 1, 1] : tensor<4x8x16xf32> to tensor<8x16xf32>
  %s = tensor.extract_slice %t[1, 0, 0] [1, 8, 16] [1, 1, 1] : tensor<4x8x16xf32> to tensor<8x16xf32>
  return %s : tensor<8x16xf32>
}

// CHECK-LABEL: func.func @elements
func.func @elements(%t: tensor<4xf32>, %v: f32) -> (f32, tensor<4xf32>) {
  %c1 = arith.constant 1 : index
  // CHECK: %x = tensor.extract %t[%c1] : tensor<4xf32>
  %x = tensor.extract %t[%c1] : tensor<4xf32>
  // CHECK: %u = tensor.insert %v into %t[%c1] : tensor<4xf32>
  %u = tensor.insert %v into %t[%c1] : tensor<4xf32>
  return %x, %u : f32, tensor<4xf32>
}

// CHECK-LABEL: func.func @dynamic
func.func @dynamic(%t: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: %d0 = tensor.dim %t, %c0 : tensor<?x?xf32>
  %d0 = tensor.dim %t, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %t, %c1 : tensor<?x?xf32>
  // CHECK: %e = tensor.empty(%d1, %d0) : tensor<?x?xf32>
  %e = tensor.empty(%d1, %d0) : tensor<?x?xf32>
  // CHECK: %c = tensor.cast %t : tensor<?x?xf32> to tensor<4x?xf32>
  %c = tensor.cast %t : tensor<?x?xf32> to tensor<4x?xf32>
  %b = tensor.cast %c : tensor<4x?xf32> to tensor<?x?xf32>
  return %e : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @reshapes
func.func @reshapes(%t: tensor<2x3x4xf32>, %n: index) -> tensor<6x4xf32> {
  // CHECK: %c = tensor.collapse_shape %t {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
  %c = tensor.collapse_shape %t [[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
  // CHECK: %e = tensor.expand_shape %c {{\[}}[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
  %e = tensor.expand_shape %c [[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
  // CHECK: %shape = arith.constant dense<24> : tensor<1xi64>
  %shape = arith.constant dense<[24]> : tensor<1xi64>
  // CHECK: %f = tensor.reshape %t(%shape) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<24xf32>
  %f = tensor.reshape %t(%shape) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<24xf32>
  return %c : tensor<6x4xf32>
}

// CHECK-LABEL: func.func @build
func.func @build(%t: tensor<4x4xf32>, %v: f32) -> tensor<6x6xf32> {
  // CHECK: %p = tensor.pad %t low[1, 1] high[1, 1] {
  // CHECK-NEXT: ^bb0(%i: index, %j: index):
  // CHECK-NEXT: tensor.yield %v : f32
  // CHECK-NEXT: } : tensor<4x4xf32> to tensor<6x6xf32>
  %p = tensor.pad %t low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  // CHECK: %s = tensor.splat %v : tensor<8xf32>
  %s = tensor.splat %v : tensor<8xf32>
  // CHECK: %f = tensor.from_elements %v, %v : tensor<2xf32>
  %f = tensor.from_elements %v, %v : tensor<2xf32>
  return %p : tensor<6x6xf32>
}

// CHECK-LABEL: func.func @generate
func.func @generate(%n: index) -> tensor<?x4xf32> {
  // CHECK: %g = tensor.generate %n {
  // CHECK-NEXT: ^bb0(%i: index, %j: index):
  // CHECK: tensor.yield %y : f32
  // CHECK-NEXT: } : tensor<?x4xf32>
  %g = tensor.generate %n {
  ^bb0(%i: index, %j: index):
    %s = arith.addi %i, %j : index
    %x = arith.index_cast %s : index to i32
    %y = arith.sitofp %x : i32 to f32
    tensor.yield %y : f32
  } : tensor<?x4xf32>
  return %g : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @concat
func.func @concat(%a: tensor<2x4xf32>, %b: tensor<3x4xf32>) -> tensor<5x4xf32> {
  // CHECK: %c = tensor.concat dim(0) %a, %b : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<5x4xf32>
  %c = tensor.concat dim(0) %a, %b : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<5x4xf32>
  return %c : tensor<5x4xf32>
}

// CHECK-LABEL: func.func @rank_and_bitcast
func.func @rank_and_bitcast(%t: tensor<*xf32>, %u: tensor<4xi32>) -> (index, tensor<4xf32>) {
  // CHECK: %r = tensor.rank %t : tensor<*xf32>
  %r = tensor.rank %t : tensor<*xf32>
  // CHECK: %b = tensor.bitcast %u : tensor<4xi32> to tensor<4xf32>
  %b = tensor.bitcast %u : tensor<4xi32> to tensor<4xf32>
  return %r, %b : index, tensor<4xf32>
}

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2x2xf32>, tensor<3xi32>, tensor<4xf32>) {
  // CHECK: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // CHECK: arith.constant dense<[1, 2, 3]> : tensor<3xi32>
  %b = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
  // CHECK: arith.constant dense<5.000000e-01> : tensor<4xf32>
  %c = arith.constant dense<0.5> : tensor<4xf32>
  return %a, %b, %c : tensor<2x2xf32>, tensor<3xi32>, tensor<4xf32>
}
