// RUN: ziggurat-opt %s -p ziggurat-bufferize --split-input-file | FileCheck %s

// Calling convention: tensor arguments become identity-layout memrefs that
// the callee only reads; tensor results become memrefs the callee allocates
// and the caller owns. Returning an argument therefore returns a copy.

// CHECK-LABEL: func.func @identity(%a: memref<4x8xf32>) -> memref<4x8xf32> {
// CHECK-NEXT:    %0 = memref.alloc() : memref<4x8xf32>
// CHECK-NEXT:    memref.copy %a, %0 : memref<4x8xf32> to memref<4x8xf32>
// CHECK-NEXT:    func.return %0 : memref<4x8xf32>
func.func @identity(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %a : tensor<4x8xf32>
}

// -----

// Declarations and calls are converted alike; the caller frees a result it
// does not return, after its last use.

// CHECK-LABEL: func.func private @external(memref<4xf32>, i32) -> memref<4xf32>
func.func private @external(tensor<4xf32>, i32) -> tensor<4xf32>

// CHECK-LABEL: func.func @caller(%a: memref<4xf32>, %n: i32) -> memref<4xf32> {
// CHECK-NEXT:    %r = func.call @external(%a, %n) : (memref<4xf32>, i32) -> memref<4xf32>
// CHECK-NEXT:    %s = func.call @external(%r, %n) : (memref<4xf32>, i32) -> memref<4xf32>
// CHECK-NEXT:    memref.dealloc %r : memref<4xf32>
// CHECK-NEXT:    func.return %s : memref<4xf32>
func.func @caller(%a: tensor<4xf32>, %n: i32) -> tensor<4xf32> {
  %r = func.call @external(%a, %n) : (tensor<4xf32>, i32) -> tensor<4xf32>
  %s = func.call @external(%r, %n) : (tensor<4xf32>, i32) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// A view cannot be passed where the callee expects an identity layout: the
// slice is copied into a buffer of its own first.

func.func private @use(tensor<2xf32>) -> ()

// CHECK-LABEL: func.func @pass_a_slice
// CHECK:         %s = memref.subview %a[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
// CHECK-NEXT:    %0 = memref.alloc() : memref<2xf32>
// CHECK-NEXT:    memref.copy %s, %0 : memref<2xf32, strided<[1], offset: 1>> to memref<2xf32>
// CHECK-NEXT:    func.call @use(%0) : (memref<2xf32>) -> ()
// CHECK-NEXT:    memref.dealloc %0 : memref<2xf32>
func.func @pass_a_slice(%a: tensor<4xf32>) {
  %s = tensor.extract_slice %a[1] [2] [1] : tensor<4xf32> to tensor<2xf32>
  func.call @use(%s) : (tensor<2xf32>) -> ()
  return
}
