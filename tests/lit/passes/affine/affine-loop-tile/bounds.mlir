// RUN: ziggurat-opt %s --split-input-file -p 'affine-loop-tile{tile-sizes=4,8}' | FileCheck %s

// A step of 3 and a lower bound of 2: the tile loop keeps both bounds and
// steps by 3 * 4 (tile sizes count iterations); the point loop keeps step 3.
// Dynamic upper bounds and min/max bounds go into the point loop's min.

// CHECK-LABEL: func.func @ragged
// CHECK:       %[[M:.*]] = memref.dim
// CHECK-NEXT:  %[[N:.*]] = memref.dim
// CHECK-NEXT:  affine.for %[[IT:.*]] = 2 to %[[M]] step 12 {
// CHECK-NEXT:    affine.for %[[JT:.*]] = max affine_map<()[s0] -> (0, s0)>()[%[[LO:.*]]] to min affine_map<()[s0] -> (s0, 50)>()[%[[N]]] step 8 {
// CHECK-NEXT:      affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[IT]]) to min affine_map<(d0)[s0] -> ((d0 + 12), s0)>(%[[IT]])[%[[M]]] step 3 {
// CHECK-NEXT:        affine.for %[[J:.*]] = affine_map<(d0) -> (d0)>(%[[JT]]) to min affine_map<(d0)[s0] -> ((d0 + 8), s0, 50)>(%[[JT]])[%[[N]]] {
// CHECK-NEXT:          affine.load %{{.*}}[%[[I]], %[[J]]]
func.func @ragged(%A: memref<?x?xf32>, %lo: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %A, %c0 : memref<?x?xf32>
  %n = memref.dim %A, %c1 : memref<?x?xf32>
  affine.for %i = 2 to %m step 3 {
    affine.for %j = max affine_map<()[s0] -> (0, s0)>()[%lo] to min affine_map<()[s0] -> (s0, 50)>()[%n] {
      %v = affine.load %A[%i, %j] : memref<?x?xf32>
      affine.store %v, %A[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// -----

// A loop with iter_args is a band by itself: the tile loop carries the
// value into the point loop and yields what the point loop returns.

// CHECK-LABEL: func.func @sum
// CHECK:       %[[R:.*]] = affine.for %[[IT:.*]] = 0 to 100 step 4 iter_args(%[[T:.*]] = %[[ZERO:.*]]) -> (f32) {
// CHECK-NEXT:    %[[P:.*]] = affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[IT]]) to affine_map<(d0) -> ((d0 + 4))>(%[[IT]]) iter_args(%[[ACC:.*]] = %[[T]]) -> (f32) {
// CHECK-NEXT:      %[[V:.*]] = affine.load %{{.*}}[%[[I]]]
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT:      affine.yield %[[S]] : f32
// CHECK-NEXT:    }
// CHECK-NEXT:    affine.yield %[[P]] : f32
// CHECK-NEXT:  }
// CHECK-NEXT:  func.return %[[R]] : f32
func.func @sum(%m: memref<100xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 0 to 100 iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %m[%i] : memref<100xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  return %r : f32
}

// -----

// Only the outermost perfect band is tiled: the loop after the store is not
// part of it and stays as it is.

// CHECK-LABEL: func.func @imperfect
// CHECK-NEXT:  affine.for %[[IT:.*]] = 0 to 16 step 4 {
// CHECK-NEXT:    affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[IT]]) to affine_map<(d0) -> ((d0 + 4))>(%[[IT]]) {
// CHECK-NEXT:      affine.store
// CHECK-NEXT:      affine.for %{{.*}} = 0 to 16 {
func.func @imperfect(%A: memref<16x16xf32>, %x: f32) {
  affine.for %i = 0 to 16 {
    affine.store %x, %A[%i, 0] : memref<16x16xf32>
    affine.for %j = 0 to 16 {
      affine.store %x, %A[%i, %j] : memref<16x16xf32>
    }
  }
  return
}
