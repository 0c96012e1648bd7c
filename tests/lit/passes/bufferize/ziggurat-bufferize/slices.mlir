// RUN: ziggurat-opt %s -p ziggurat-bufferize --split-input-file | FileCheck %s

// extract_slice is a read-only view: a memref.subview with MLIR's strided
// layout (rank-reducing where the slice drops unit dims).

// CHECK-LABEL: func.func @extract
// CHECK-NEXT:    %row = memref.subview %t[%i, 0] [1, 16] [1, 1] : memref<8x16xf32> to memref<16xf32, strided<[1], offset: ?>>
// CHECK-NEXT:    %tile = memref.subview %t[2, 1] [4, 8] [1, 2] : memref<8x16xf32> to memref<4x8xf32, strided<[16, 2], offset: 33>>
func.func @extract(%t: tensor<8x16xf32>, %i: index) -> (tensor<16xf32>, tensor<4x8xf32>) {
  %row = tensor.extract_slice %t[%i, 0] [1, 16] [1, 1] : tensor<8x16xf32> to tensor<16xf32>
  %tile = tensor.extract_slice %t[2, 1] [4, 8] [1, 2] : tensor<8x16xf32> to tensor<4x8xf32>
  return %row, %tile : tensor<16xf32>, tensor<4x8xf32>
}

// -----

// insert_slice into a dead, writable destination copies the source into a
// subview of it, in place.

// CHECK-LABEL: func.func @insert_in_place
// CHECK:         %filled = memref.alloc() : memref<8x8xf32>
// CHECK-NEXT:    linalg.fill ins(%zero : f32) outs(%filled : memref<8x8xf32>)
// CHECK-NEXT:    %0 = memref.subview %filled[2, 2] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
// CHECK-NEXT:    memref.copy %s, %0 : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
// CHECK-NEXT:    func.return %filled : memref<8x8xf32>
func.func @insert_in_place(%s: tensor<4x4xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %filled = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %r = tensor.insert_slice %s into %filled[2, 2] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

// Inserting into an argument (read-only) writes into a copy of it.

// CHECK-LABEL: func.func @insert_into_argument
// CHECK-NEXT:    %r = memref.alloc() : memref<8xf32>
// CHECK-NEXT:    memref.copy %d, %r : memref<8xf32> to memref<8xf32>
// CHECK-NEXT:    %0 = memref.subview %r[%i] [2] [1] : memref<8xf32> to memref<2xf32, strided<[1], offset: ?>>
// CHECK-NEXT:    memref.copy %s, %0
func.func @insert_into_argument(%s: tensor<2xf32>, %d: tensor<8xf32>, %i: index) -> tensor<8xf32> {
  %r = tensor.insert_slice %s into %d[%i] [2] [1] : tensor<2xf32> into tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// tensor.pad with a constant: a new buffer filled with the padding value,
// the source copied into its interior.

// CHECK-LABEL: func.func @pad
// CHECK-NEXT:    %cst = arith.constant 5.000000e-01 : f32
// CHECK-NEXT:    %p = memref.alloc() : memref<5x7xf32>
// CHECK-NEXT:    linalg.fill ins(%cst : f32) outs(%p : memref<5x7xf32>)
// CHECK-NEXT:    %0 = memref.subview %p[1, 2] [3, 4] [1, 1] : memref<5x7xf32> to memref<3x4xf32, strided<[7, 1], offset: 9>>
// CHECK-NEXT:    memref.copy %t, %0 : memref<3x4xf32> to memref<3x4xf32, strided<[7, 1], offset: 9>>
// CHECK-NEXT:    func.return %p : memref<5x7xf32>
func.func @pad(%t: tensor<3x4xf32>) -> tensor<5x7xf32> {
  %cst = arith.constant 0.5 : f32
  %p = tensor.pad %t low[1, 2] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %cst : f32
  } : tensor<3x4xf32> to tensor<5x7xf32>
  return %p : tensor<5x7xf32>
}
