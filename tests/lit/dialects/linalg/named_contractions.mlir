// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Contractions from the table: batch_reduce_matmul, the cast attribute,
// mmt4d and batch_vecmat.

// CHECK-LABEL: func.func @batch_reduce
// CHECK: linalg.batch_reduce_matmul ins(%a, %b : tensor<2x4x3xf32>, tensor<2x3x5xf32>) outs(%c : tensor<4x5xf32>) -> tensor<4x5xf32>
func.func @batch_reduce(%a: tensor<2x4x3xf32>, %b: tensor<2x3x5xf32>, %c: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %r = linalg.batch_reduce_matmul ins(%a, %b : tensor<2x4x3xf32>, tensor<2x3x5xf32>) outs(%c : tensor<4x5xf32>) -> tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @unsigned_matmul
// CHECK: linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%a, %b : memref<4x3xi8>, memref<3x5xi8>) outs(%c : memref<4x5xi32>){{$}}
func.func @unsigned_matmul(%a: memref<4x3xi8>, %b: memref<3x5xi8>, %c: memref<4x5xi32>) {
  linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%a, %b : memref<4x3xi8>, memref<3x5xi8>) outs(%c : memref<4x5xi32>)
  return
}

// CHECK-LABEL: func.func @tiled
// CHECK: linalg.mmt4d ins(%a, %b : tensor<2x3x4x2xi8>, tensor<5x3x8x2xi8>) outs(%c : tensor<2x5x4x8xi32>) -> tensor<2x5x4x8xi32>
// CHECK: linalg.batch_vecmat ins(%x, %m : tensor<2x3xf32>, tensor<2x3x4xf32>) outs(%y : tensor<2x4xf32>) -> tensor<2x4xf32>
func.func @tiled(%a: tensor<2x3x4x2xi8>, %b: tensor<5x3x8x2xi8>, %c: tensor<2x5x4x8xi32>, %x: tensor<2x3xf32>, %m: tensor<2x3x4xf32>, %y: tensor<2x4xf32>) -> (tensor<2x5x4x8xi32>, tensor<2x4xf32>) {
  %0 = linalg.mmt4d ins(%a, %b : tensor<2x3x4x2xi8>, tensor<5x3x8x2xi8>) outs(%c : tensor<2x5x4x8xi32>) -> tensor<2x5x4x8xi32>
  %1 = linalg.batch_vecmat ins(%x, %m : tensor<2x3xf32>, tensor<2x3x4xf32>) outs(%y : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x5x4x8xi32>, tensor<2x4xf32>
}
