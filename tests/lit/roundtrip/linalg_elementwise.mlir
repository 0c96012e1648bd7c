// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Elementwise named ops, layout ops on tensors, linalg.index in a generic,
// and a generic with doc/library_call/extra attributes.

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<8x16xf32>, %b: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  // CHECK: %0 = linalg.add ins(%a, %b : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %0 = linalg.add ins(%a, %b : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  // CHECK: %1 = linalg.sub ins(%0, %b
  %1 = linalg.sub ins(%0, %b : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  // CHECK: %2 = linalg.mul ins(%1, %a
  %2 = linalg.mul ins(%1, %a : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  // CHECK: %3 = linalg.max ins(%2, %a
  %3 = linalg.max ins(%2, %a : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  // CHECK: %4 = linalg.min ins(%3, %b
  %4 = linalg.min ins(%3, %b : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %4 : tensor<8x16xf32>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%a: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  // CHECK: %0 = linalg.exp ins(%a : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %0 = linalg.exp ins(%a : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  // CHECK: %1 = linalg.log ins(%0
  %1 = linalg.log ins(%0 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  // CHECK: %2 = linalg.sqrt ins(%1
  %2 = linalg.sqrt ins(%1 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %2 : tensor<8x16xf32>
}

// CHECK-LABEL: func.func @on_buffers
func.func @on_buffers(%a: memref<4xi32>, %b: memref<4xi32>, %c: memref<4xi32>) {
  // CHECK: linalg.add ins(%a, %b : memref<4xi32>, memref<4xi32>) outs(%c : memref<4xi32>){{$}}
  linalg.add ins(%a, %b : memref<4xi32>, memref<4xi32>) outs(%c : memref<4xi32>)
  linalg.mul ins(%c, %b : memref<4xi32>, memref<4xi32>) outs(%c : memref<4xi32>)
  return
}

// CHECK-LABEL: func.func @select
func.func @select(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  // CHECK: linalg.select ins(%c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %r = linalg.select ins(%c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// CHECK-LABEL: func.func @layout
func.func @layout(%a: tensor<8x16xf32>, %v: tensor<16xf32>) -> (tensor<16x8xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8x16xf32>) {
  %et = tensor.empty() : tensor<16x8xf32>
  // CHECK: %t = linalg.transpose ins(%a{{ ?}}:{{ ?}}tensor<8x16xf32>) outs(%et{{ ?}}:{{ ?}}tensor<16x8xf32>) permutation = [1, 0]
  %t = linalg.transpose ins(%a : tensor<8x16xf32>) outs(%et : tensor<16x8xf32>) permutation = [1, 0]
  %eb = tensor.empty() : tensor<8x16xf32>
  // CHECK: %b = linalg.broadcast ins(%v{{ ?}}:{{ ?}}tensor<16xf32>) outs(%eb{{ ?}}:{{ ?}}tensor<8x16xf32>) dimensions = [0]
  %b = linalg.broadcast ins(%v : tensor<16xf32>) outs(%eb : tensor<8x16xf32>) dimensions = [0]
  %er = tensor.empty() : tensor<8xf32>
  %zero = arith.constant 0.0 : f32
  %ri = linalg.fill ins(%zero : f32) outs(%er : tensor<8xf32>) -> tensor<8xf32>
  // CHECK: %r = linalg.reduce ins(%a{{ ?}}:{{ ?}}tensor<8x16xf32>) outs(%ri{{ ?}}:{{ ?}}tensor<8xf32>) dimensions = [1]
  %r = linalg.reduce ins(%a : tensor<8x16xf32>) outs(%ri : tensor<8xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %s = arith.addf %in, %init : f32
      linalg.yield %s : f32
    }
  // CHECK: %c = linalg.copy ins(%a : tensor<8x16xf32>) outs(%eb : tensor<8x16xf32>) -> tensor<8x16xf32>
  %c = linalg.copy ins(%a : tensor<8x16xf32>) outs(%eb : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %t, %b, %r, %c : tensor<16x8xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8x16xf32>
}

// CHECK-LABEL: func.func @iota_2d
func.func @iota_2d(%e: tensor<4x4xi32>) -> tensor<4x4xi32> {
  // CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<4x4xi32>) {
  // CHECK-NEXT: ^bb0(%out: i32):
  // CHECK-NEXT: %i = linalg.index 0 : index
  // CHECK-NEXT: %j = linalg.index 1 : index
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<4x4xi32>) {
  ^bb0(%out: i32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %s = arith.addi %i, %j : index
    %c = arith.index_cast %s : index to i32
    linalg.yield %c : i32
  } -> tensor<4x4xi32>
  return %r : tensor<4x4xi32>
}

// CHECK-LABEL: func.func @negate
func.func @negate(%a: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  // CHECK: linalg.generic {{{.*}}doc = "negate", library_call = "neg"} ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) attrs = {{ ?}}{tag = "t"} {
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"], doc = "negate", library_call = "neg"} ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) attrs = {tag = "t"} {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}
