// RUN: ziggurat-opt %s -p ziggurat-bufferize | FileCheck %s

// Every buffer the function allocates and does not return is freed right
// after its last use, views included; a use inside a loop counts at the
// loop. The returned buffer is never freed.

#id = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @lifetimes
// CHECK:         %t = memref.alloc() : memref<8xf32>
// CHECK:         %u = memref.alloc() : memref<8xf32>
// CHECK:         scf.for
// CHECK:           memref.subview %t
// CHECK:         }
// CHECK-NEXT:    memref.dealloc %t : memref<8xf32>
// CHECK-NEXT:    func.return %u : memref<8xf32>
// CHECK-NOT:     memref.dealloc %u
func.func @lifetimes(%a: tensor<8xf32>, %n: index) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = tensor.empty() : tensor<8xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%p: f32, %o: f32):
    %s = arith.mulf %p, %p : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %u = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%t : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%p: f32, %o: f32):
    %s = arith.addf %p, %p : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %u) -> (tensor<8xf32>) {
    %s = tensor.extract_slice %t[%i] [1] [1] : tensor<8xf32> to tensor<1xf32>
    %x = tensor.insert_slice %s into %acc[%i] [1] [1] : tensor<1xf32> into tensor<8xf32>
    scf.yield %x : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}
