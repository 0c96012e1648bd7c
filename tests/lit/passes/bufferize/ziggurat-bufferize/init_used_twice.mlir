// RUN: ziggurat-opt %s -p ziggurat-bufferize --split-input-file | FileCheck %s

// One filled init feeds two matmuls. The first may not accumulate into it in
// place (the second still reads the zeros): it gets a copy. The second is
// the last use, so it reuses the buffer.

// CHECK-LABEL: func.func @two_matmuls
// CHECK:         %init = memref.alloc() : memref<4x6xf32>
// CHECK-NEXT:    linalg.fill ins(%zero : f32) outs(%init : memref<4x6xf32>)
// CHECK-NEXT:    %x = memref.alloc() : memref<4x6xf32>
// CHECK-NEXT:    memref.copy %init, %x : memref<4x6xf32> to memref<4x6xf32>
// CHECK-NEXT:    linalg.matmul ins(%a, %b : {{.*}}) outs(%x : memref<4x6xf32>)
// CHECK-NEXT:    linalg.matmul ins(%a, %c : {{.*}}) outs(%init : memref<4x6xf32>)
// CHECK-NEXT:    func.return %x, %init
func.func @two_matmuls(%a: tensor<4x8xf32>, %b: tensor<8x6xf32>, %c: tensor<8x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x6xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x6xf32>) -> tensor<4x6xf32>
  %x = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x6xf32>) outs(%init : tensor<4x6xf32>) -> tensor<4x6xf32>
  %y = linalg.matmul ins(%a, %c : tensor<4x8xf32>, tensor<8x6xf32>) outs(%init : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %x, %y : tensor<4x6xf32>, tensor<4x6xf32>
}

// -----

// A function argument is never written: the matmul accumulating into %c
// works on a copy, and %c still holds the caller's data when read again.
// %x is returned, so the generic may not overwrite it; the generic ignores
// its init %c, so its new buffer gets no copy.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @argument_init
// CHECK-NEXT:    %x = memref.alloc() : memref<4x6xf32>
// CHECK-NEXT:    memref.copy %c, %x : memref<4x6xf32> to memref<4x6xf32>
// CHECK-NEXT:    linalg.matmul ins(%a, %b : {{.*}}) outs(%x : memref<4x6xf32>)
// CHECK-NEXT:    %y = memref.alloc() : memref<4x6xf32>
// CHECK-NEXT:    linalg.generic {{.*}} ins(%x, %c : memref<4x6xf32>, memref<4x6xf32>) outs(%y : memref<4x6xf32>)
// CHECK-NOT:     memref.copy
// CHECK:         func.return %x, %y : memref<4x6xf32>, memref<4x6xf32>
func.func @argument_init(%a: tensor<4x8xf32>, %b: tensor<8x6xf32>, %c: tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xf32>) {
  %x = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x6xf32>) outs(%c : tensor<4x6xf32>) -> tensor<4x6xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %c : tensor<4x6xf32>, tensor<4x6xf32>) outs(%c : tensor<4x6xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  return %x, %y : tensor<4x6xf32>, tensor<4x6xf32>
}
