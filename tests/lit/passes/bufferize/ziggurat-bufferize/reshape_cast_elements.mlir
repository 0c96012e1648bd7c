// RUN: ziggurat-opt %s -p ziggurat-bufferize --split-input-file | FileCheck %s

// collapse/expand_shape and cast are views of their source's buffer.

// CHECK-LABEL: func.func @views
// CHECK-NEXT:    %c = memref.collapse_shape %t {{\[}}[0, 1], [2]] : memref<2x3x4xf32> into memref<6x4xf32>
// CHECK-NEXT:    %e = memref.expand_shape %c {{\[}}[0], [1, 2]] output_shape [6, 2, 2] : memref<6x4xf32> into memref<6x2x2xf32>
// CHECK-NEXT:    %d = memref.cast %e : memref<6x2x2xf32> to memref<?x2x2xf32>
func.func @views(%t: tensor<2x3x4xf32>) -> tensor<?x2x2xf32> {
  %c = tensor.collapse_shape %t [[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
  %e = tensor.expand_shape %c [[0], [1, 2]] output_shape [6, 2, 2] : tensor<6x4xf32> into tensor<6x2x2xf32>
  %d = tensor.cast %e : tensor<6x2x2xf32> to tensor<?x2x2xf32>
  return %d : tensor<?x2x2xf32>
}

// -----

// A strided slice cannot be collapsed in general: it is copied into a
// contiguous buffer first.

// CHECK-LABEL: func.func @collapse_a_slice
// CHECK:         %s = memref.subview %t[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
// CHECK-NEXT:    %[[C:.*]] = memref.alloc() : memref<2x2xf32>
// CHECK-NEXT:    memref.copy %s, %[[C]]
// CHECK-NEXT:    %{{.*}} = memref.collapse_shape %[[C]] {{\[}}[0, 1]] : memref<2x2xf32> into memref<4xf32>
func.func @collapse_a_slice(%t: tensor<4x4xf32>) -> tensor<4xf32> {
  %s = tensor.extract_slice %t[0, 0] [2, 2] [1, 1] : tensor<4x4xf32> to tensor<2x2xf32>
  %c = tensor.collapse_shape %s [[0, 1]] : tensor<2x2xf32> into tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// extract is a load; dim is memref.dim; insert writes in place into a dead
// buffer and copies a live one (copy-on-write).

// CHECK-LABEL: func.func @elements
// CHECK:         %x = memref.load %t[%c0] : memref<4xf32>
// CHECK-NEXT:    %n = memref.dim %t, %c0 : memref<4xf32>
// CHECK-NEXT:    %u = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    memref.copy %t, %u : memref<4xf32> to memref<4xf32>
// CHECK-NEXT:    memref.store %x, %u[%c1] : memref<4xf32>
// CHECK-NEXT:    memref.store %x, %u[%c0] : memref<4xf32>
// CHECK-NEXT:    func.return %u, %n : memref<4xf32>, index
func.func @elements(%t: tensor<4xf32>) -> (tensor<4xf32>, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %x = tensor.extract %t[%c0] : tensor<4xf32>
  %n = tensor.dim %t, %c0 : tensor<4xf32>
  %u = tensor.insert %x into %t[%c1] : tensor<4xf32>
  %v = tensor.insert %x into %u[%c0] : tensor<4xf32>
  return %v, %n : tensor<4xf32>, index
}

// -----

// Tensors built element by element get a buffer of their own.

// CHECK-LABEL: func.func @build
// CHECK:         %s = memref.alloc(%n) : memref<?xf32>
// CHECK-NEXT:    linalg.fill ins(%v : f32) outs(%s : memref<?xf32>)
// CHECK:         %f = memref.alloc() : memref<2xf32>
// CHECK-NEXT:    %[[I0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    memref.store %v, %f[%[[I0]]] : memref<2xf32>
// CHECK-NEXT:    %[[I1:.*]] = arith.constant 1 : index
// CHECK-NEXT:    memref.store %w, %f[%[[I1]]] : memref<2xf32>
// CHECK:         %g = memref.alloc() : memref<3xf32>
// CHECK-NEXT:    linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%g : memref<3xf32>) {
// CHECK-NEXT:    ^bb0(%{{.*}}: f32):
// CHECK-NEXT:      %i = linalg.index 0 : index
// CHECK:           linalg.yield %{{.*}} : f32
func.func @build(%v: f32, %w: f32, %n: index) -> (tensor<?xf32>, tensor<2xf32>, tensor<3xf32>) {
  %s = tensor.splat %v[%n] : tensor<?xf32>
  %f = tensor.from_elements %v, %w : tensor<2xf32>
  %g = tensor.generate {
  ^bb0(%i: index):
    %x = arith.index_cast %i : index to i32
    %y = arith.sitofp %x : i32 to f32
    tensor.yield %y : f32
  } : tensor<3xf32>
  return %s, %f, %g : tensor<?xf32>, tensor<2xf32>, tensor<3xf32>
}
