// RUN: ziggurat-opt %s -p convert-poly-to-arith | FileCheck %s

// A rational function evaluates its numerator, then its denominator, then
// divides; f32 stays f32 throughout.

// CHECK-LABEL: func.func @pade_exp(%t: f32) -> f32 {
// CHECK-NEXT:    %[[N1:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT:    %[[NM:.*]] = arith.mulf %[[N1]], %t : f32
// CHECK-NEXT:    %[[N0:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:    %[[NUM:.*]] = arith.addf %[[NM]], %[[N0]] : f32
// CHECK-NEXT:    %[[D1:.*]] = arith.constant -5.000000e-01 : f32
// CHECK-NEXT:    %[[DM:.*]] = arith.mulf %[[D1]], %t : f32
// CHECK-NEXT:    %[[D0:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:    %[[DEN:.*]] = arith.addf %[[DM]], %[[D0]] : f32
// CHECK-NEXT:    %[[Q:.*]] = arith.divf %[[NUM]], %[[DEN]] : f32
// CHECK-NEXT:    func.return %[[Q]] : f32
func.func @pade_exp(%t: f32) -> f32 {
  %e = poly.rational %t [1.0, 0.5] / [1.0, -0.5] : f32
  func.return %e : f32
}
