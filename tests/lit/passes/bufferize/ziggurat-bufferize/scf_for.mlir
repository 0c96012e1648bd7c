// RUN: ziggurat-opt %s -p ziggurat-bufferize --split-input-file | FileCheck %s

// A tiled loop (what linalg-tile on tensors produces): each iteration
// extracts a tile of the iteration argument, computes into it, and inserts
// it back. All of it happens in place in one buffer: the loop loses its
// iteration argument, the tile is a subview, and no copy remains.

// CHECK-LABEL: func.func @tiled
// CHECK:         %init = memref.alloc() : memref<16x12xf32>
// CHECK-NEXT:    linalg.fill ins(%zero : f32) outs(%init : memref<16x12xf32>)
// CHECK-NEXT:    scf.for %i = %c0 to %c16 step %c4 {
// CHECK-NEXT:      %as = memref.subview %a[%i, 0] [4, 8] [1, 1] : memref<16x8xf32> to memref<4x8xf32, strided<[8, 1], offset: ?>>
// CHECK-NEXT:      %cs = memref.subview %init[%i, 0] [4, 12] [1, 1] : memref<16x12xf32> to memref<4x12xf32, strided<[12, 1], offset: ?>>
// CHECK-NEXT:      linalg.matmul ins(%as, %b : memref<4x8xf32, strided<[8, 1], offset: ?>>, memref<8x12xf32>) outs(%cs : memref<4x12xf32, strided<[12, 1], offset: ?>>)
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %init : memref<16x12xf32>
func.func @tiled(%a: tensor<16x8xf32>, %b: tensor<8x12xf32>) -> tensor<16x12xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c4 = arith.constant 4 : index
  %e = tensor.empty() : tensor<16x12xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<16x12xf32>) -> tensor<16x12xf32>
  %r = scf.for %i = %c0 to %c16 step %c4 iter_args(%acc = %init) -> (tensor<16x12xf32>) {
    %as = tensor.extract_slice %a[%i, 0] [4, 8] [1, 1] : tensor<16x8xf32> to tensor<4x8xf32>
    %cs = tensor.extract_slice %acc[%i, 0] [4, 12] [1, 1] : tensor<16x12xf32> to tensor<4x12xf32>
    %mm = linalg.matmul ins(%as, %b : tensor<4x8xf32>, tensor<8x12xf32>) outs(%cs : tensor<4x12xf32>) -> tensor<4x12xf32>
    %ins = tensor.insert_slice %mm into %acc[%i, 0] [4, 12] [1, 1] : tensor<4x12xf32> into tensor<16x12xf32>
    scf.yield %ins : tensor<16x12xf32>
  }
  return %r : tensor<16x12xf32>
}

// -----

// The loop starts from an argument, which must not be written: its buffer
// is a copy made before the loop. A value the body yields that does not
// live in the loop's buffer is copied into it at the end of the iteration.

#id = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @accumulate
// CHECK:         %[[ACC:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    memref.copy %x, %[[ACC]] : memref<4xf32> to memref<4xf32>
// CHECK-NEXT:    scf.for %i = %c0 to %c3 step %c1 {
// CHECK-NEXT:      linalg.generic {{.*}} ins(%[[ACC]], %y : memref<4xf32>, memref<4xf32>) outs(%[[ACC]] : memref<4xf32>)
// CHECK:           memref.copy %y, %[[ACC]]
// CHECK:         }
// CHECK-NEXT:    func.return %[[ACC]] : memref<4xf32>
func.func @accumulate(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %x) -> (tensor<4xf32>) {
    %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
        ins(%acc, %y : tensor<4xf32>, tensor<4xf32>) outs(%acc : tensor<4xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %v = arith.addf %p, %q : f32
      linalg.yield %v : f32
    } -> tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
