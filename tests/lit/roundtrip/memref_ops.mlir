// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Buffers: allocation, copies, subviews (static and dynamic, strided,
// rank-reducing), casts and reshapes.

// CHECK-LABEL: func.func @alloc_copy
func.func @alloc_copy(%src: memref<16x16xf32>) -> memref<16x16xf32> {
  // CHECK: %buf = memref.alloc() : memref<16x16xf32>
  %buf = memref.alloc() : memref<16x16xf32>
  // CHECK: memref.copy %src, %buf : memref<16x16xf32> to memref<16x16xf32>
  memref.copy %src, %buf : memref<16x16xf32> to memref<16x16xf32>
  return %buf : memref<16x16xf32>
}

// CHECK-LABEL: func.func @dynamic
func.func @dynamic(%n: index, %m: index) {
  // CHECK: %a = memref.alloc(%n, %m) : memref<?x?xf32>
  %a = memref.alloc(%n, %m) : memref<?x?xf32>
  // CHECK: %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x8xi32>
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x8xi32>
  // CHECK: %c = memref.alloca() : memref<4xf32>
  %c = memref.alloca() : memref<4xf32>
  %c0 = arith.constant 0 : index
  // CHECK: %v = memref.load %c[%c0] : memref<4xf32>
  %v = memref.load %c[%c0] : memref<4xf32>
  // CHECK: memref.store %v, %a[%c0, %c0] : memref<?x?xf32>
  memref.store %v, %a[%c0, %c0] : memref<?x?xf32>
  // CHECK: %d = memref.dim %a, %c0 : memref<?x?xf32>
  %d = memref.dim %a, %c0 : memref<?x?xf32>
  // CHECK: memref.dealloc %b : memref<?x8xi32>
  memref.dealloc %b : memref<?x8xi32>
  memref.dealloc %a : memref<?x?xf32>
  return
}

// CHECK-LABEL: func.func @subviews
func.func @subviews(%m: memref<64x64xf32>, %i: index, %j: index) {
  // CHECK: %s = memref.subview %m[%i, %j] [8, 8] [1, 1] : memref<64x64xf32> to memref<8x8xf32, strided<[64, 1], offset: ?>>
  %s = memref.subview %m[%i, %j] [8, 8] [1, 1] : memref<64x64xf32> to memref<8x8xf32, strided<[64, 1], offset: ?>>
  // CHECK: %t = memref.subview %m[0, 0] [16, 32] [2, 1] : memref<64x64xf32> to memref<16x32xf32, strided<[128, 1]>>
  %t = memref.subview %m[0, 0] [16, 32] [2, 1] : memref<64x64xf32> to memref<16x32xf32, strided<[128, 1]>>
  // CHECK: %u = memref.subview %m[4, 8] [1, 16] [1, 1] : memref<64x64xf32> to memref<16xf32, strided<[1], offset: 264>>
  %u = memref.subview %m[4, 8] [1, 16] [1, 1] : memref<64x64xf32> to memref<16xf32, strided<[1], offset: 264>>
  %c0 = arith.constant 0 : index
  %v = memref.load %s[%c0, %c0] : memref<8x8xf32, strided<[64, 1], offset: ?>>
  memref.store %v, %t[%c0, %c0] : memref<16x32xf32, strided<[128, 1]>>
  // CHECK: memref.copy %s, %s : memref<8x8xf32, strided<[64, 1], offset: ?>> to memref<8x8xf32, strided<[64, 1], offset: ?>>
  memref.copy %s, %s : memref<8x8xf32, strided<[64, 1], offset: ?>> to memref<8x8xf32, strided<[64, 1], offset: ?>>
  return
}

// CHECK-LABEL: func.func @dynamic_subview
func.func @dynamic_subview(%m: memref<?x?xf32>, %o: index, %sz: index) -> memref<?x?xf32, strided<[?, 1], offset: ?>> {
  // CHECK: memref.subview %m[%o, 0] [%sz, %sz] [1, 1] : memref<?x?xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
  %s = memref.subview %m[%o, 0] [%sz, %sz] [1, 1] : memref<?x?xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
  return %s : memref<?x?xf32, strided<[?, 1], offset: ?>>
}

// CHECK-LABEL: func.func @casts_and_reshapes
func.func @casts_and_reshapes(%m: memref<4x8xf32>) -> memref<32xf32> {
  // CHECK: %c = memref.cast %m : memref<4x8xf32> to memref<?x?xf32>
  %c = memref.cast %m : memref<4x8xf32> to memref<?x?xf32>
  // CHECK: %u = memref.cast %m : memref<4x8xf32> to memref<*xf32>
  %u = memref.cast %m : memref<4x8xf32> to memref<*xf32>
  // CHECK: %r = memref.collapse_shape %m {{\[}}[0, 1]] : memref<4x8xf32> into memref<32xf32>
  %r = memref.collapse_shape %m [[0, 1]] : memref<4x8xf32> into memref<32xf32>
  // CHECK: %e = memref.expand_shape %r {{\[}}[0, 1, 2]] output_shape [2, 2, 8] : memref<32xf32> into memref<2x2x8xf32>
  %e = memref.expand_shape %r [[0, 1, 2]] output_shape [2, 2, 8] : memref<32xf32> into memref<2x2x8xf32>
  return %r : memref<32xf32>
}

// CHECK-LABEL: func.func @dynamic_expand
func.func @dynamic_expand(%m: memref<?xf32>, %n: index) -> memref<?x4xf32> {
  // CHECK: memref.expand_shape %m {{\[}}[0, 1]] output_shape [%n, 4] : memref<?xf32> into memref<?x4xf32>
  %e = memref.expand_shape %m [[0, 1]] output_shape [%n, 4] : memref<?xf32> into memref<?x4xf32>
  return %e : memref<?x4xf32>
}

// CHECK-LABEL: func.func @views
func.func @views(%n: memref<4x8xf32>, %m: memref<10xf32>) {
  // CHECK: %base, %off, %sz, %sz_1, %st, %st_1 = memref.extract_strided_metadata %n : memref<4x8xf32> -> memref<f32>, index, index, index, index, index
  %base, %off, %sz:2, %st:2 = memref.extract_strided_metadata %n : memref<4x8xf32> -> memref<f32>, index, index, index, index, index
  // CHECK: memref.reinterpret_cast %m to offset: [0], sizes: [5, 2], strides: [2, 1] : memref<10xf32> to memref<5x2xf32>
  %rc = memref.reinterpret_cast %m to offset: [0], sizes: [5, 2], strides: [2, 1] : memref<10xf32> to memref<5x2xf32>
  %buf = memref.alloc() : memref<2048xi8>
  %c0 = arith.constant 0 : index
  // CHECK: memref.view %buf[%c0][] : memref<2048xi8> to memref<16x32xf32>
  %vw = memref.view %buf[%c0][] : memref<2048xi8> to memref<16x32xf32>
  return
}
