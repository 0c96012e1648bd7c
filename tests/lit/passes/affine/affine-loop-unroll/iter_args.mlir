// RUN: ziggurat-opt %s -p 'affine-loop-unroll{factor=3}' | FileCheck %s

// A sum with a run-time trip count: each copy adds to what the previous one
// yielded. The main loop ends at lb + ((ub - lb) floordiv 3) * 3; the
// remainder starts there (or at lb, if the main loop runs no iteration) and
// continues from the main loop's result.

// CHECK-LABEL: func.func @sum
// CHECK:        %[[MAIN:.*]] = affine.for %[[I:.*]] = 2 to affine_map<()[s0] -> (((((s0 + -2) floordiv 3) * 3) + 2))>()[%[[N:.*]]] step 3 iter_args(%[[ACC:.*]] = %[[ZERO:.*]]) -> (f32) {
// CHECK-NEXT:     %[[V0:.*]] = affine.load %[[M:.*]][%[[I]]]
// CHECK-NEXT:     %[[S0:.*]] = arith.addf %[[ACC]], %[[V0]] : f32
// CHECK-NEXT:     %[[I1:.*]] = affine.apply affine_map<(d0) -> ((d0 + 1))>(%[[I]])
// CHECK-NEXT:     %[[V1:.*]] = affine.load %[[M]][%[[I1]]]
// CHECK-NEXT:     %[[S1:.*]] = arith.addf %[[S0]], %[[V1]] : f32
// CHECK-NEXT:     %[[I2:.*]] = affine.apply affine_map<(d0) -> ((d0 + 2))>(%[[I]])
// CHECK-NEXT:     %[[V2:.*]] = affine.load %[[M]][%[[I2]]]
// CHECK-NEXT:     %[[S2:.*]] = arith.addf %[[S1]], %[[V2]] : f32
// CHECK-NEXT:     affine.yield %[[S2]] : f32
// CHECK-NEXT:   }
// CHECK-NEXT:   %[[R:.*]] = affine.for %[[J:.*]] = max affine_map<()[s0] -> (2, ((((s0 + -2) floordiv 3) * 3) + 2))>()[%[[N]]] to %[[N]] iter_args(%[[ACC2:.*]] = %[[MAIN]]) -> (f32) {
// CHECK-NEXT:     %[[V:.*]] = affine.load %[[M]][%[[J]]]
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[ACC2]], %[[V]] : f32
// CHECK-NEXT:     affine.yield %[[S]] : f32
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return %[[R]] : f32
func.func @sum(%m: memref<?xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %n = memref.dim %m, %c0 : memref<?xf32>
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 2 to %n iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %m[%i] : memref<?xf32>
    %s = arith.addf %acc, %v : f32
    affine.yield %s : f32
  }
  return %r : f32
}
