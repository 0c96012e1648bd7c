// RUN: ziggurat-opt %s -p 'affine-loop-unroll{full=true}' | FileCheck %s

// full=true replaces a loop with a constant trip count by one copy of its
// body per iteration, each reading its induction variable as a constant.
// A loop whose trip count is only known at run time is left as it is.

// CHECK-LABEL: func.func @dot3
// CHECK-NEXT:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:   %[[C1:.*]] = arith.constant 1 : index
// CHECK-NEXT:   %[[A0:.*]] = affine.load %[[A:.*]][%[[C1]]] : memref<8xf32>
// CHECK-NEXT:   %[[S0:.*]] = arith.addf %[[ZERO]], %[[A0]] : f32
// CHECK-NEXT:   %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT:   %[[A1:.*]] = affine.load %[[A]][%[[C3]]] : memref<8xf32>
// CHECK-NEXT:   %[[S1:.*]] = arith.addf %[[S0]], %[[A1]] : f32
// CHECK-NEXT:   %[[C5:.*]] = arith.constant 5 : index
// CHECK-NEXT:   %[[A2:.*]] = affine.load %[[A]][%[[C5]]] : memref<8xf32>
// CHECK-NEXT:   %[[S2:.*]] = arith.addf %[[S1]], %[[A2]] : f32
// CHECK-NEXT:   func.return %[[S2]] : f32
func.func @dot3(%A: memref<8xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 1 to 6 step 2 iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %A[%i] : memref<8xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  return %r : f32
}

// CHECK-LABEL: func.func @dynamic
// CHECK:        affine.for %{{.*}} = 0 to %{{.*}} {
func.func @dynamic(%A: memref<?xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %A, %c0 : memref<?xf32>
  affine.for %i = 0 to %n {
    affine.store %x, %A[%i] : memref<?xf32>
  }
  return
}
