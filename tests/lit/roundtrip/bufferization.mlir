// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// The boundary between tensors and buffers.

// CHECK-LABEL: func.func @through_a_buffer
func.func @through_a_buffer(%t: tensor<16xf32>) -> tensor<16xf32> {
  // CHECK: %m = bufferization.to_buffer %t : tensor<16xf32> to memref<16xf32>
  %m = bufferization.to_buffer %t : tensor<16xf32> to memref<16xf32>
  %n = memref.alloc() : memref<16xf32>
  memref.copy %m, %n : memref<16xf32> to memref<16xf32>
  // CHECK: %r = bufferization.to_tensor %n restrict writable : memref<16xf32> to tensor<16xf32>
  %r = bufferization.to_tensor %n restrict writable : memref<16xf32> to tensor<16xf32>
  return %r : tensor<16xf32>
}

// CHECK-LABEL: func.func @alloc_tensor
func.func @alloc_tensor(%n: index) -> tensor<?x8xf32> {
  // CHECK: %t = bufferization.alloc_tensor(%n) : tensor<?x8xf32>
  %t = bufferization.alloc_tensor(%n) : tensor<?x8xf32>
  // CHECK: %c = bufferization.alloc_tensor() copy(%t) : tensor<?x8xf32>
  %c = bufferization.alloc_tensor() copy(%t) : tensor<?x8xf32>
  // CHECK: bufferization.dealloc_tensor %t : tensor<?x8xf32>
  bufferization.dealloc_tensor %t : tensor<?x8xf32>
  return %c : tensor<?x8xf32>
}

// CHECK-LABEL: func.func @materialize
func.func @materialize(%t: tensor<4xf32>, %m: memref<4xf32>) {
  // CHECK: bufferization.materialize_in_destination %t in restrict writable %m : (tensor<4xf32>, memref<4xf32>) -> ()
  bufferization.materialize_in_destination %t in restrict writable %m : (tensor<4xf32>, memref<4xf32>) -> ()
  return
}

// CHECK-LABEL: func.func @clone
func.func @clone(%m: memref<4xf32>) -> memref<4xf32> {
  // CHECK: %c = bufferization.clone %m : memref<4xf32> to memref<4xf32>
  %c = bufferization.clone %m : memref<4xf32> to memref<4xf32>
  return %c : memref<4xf32>
}
