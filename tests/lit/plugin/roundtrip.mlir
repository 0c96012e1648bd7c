// RUN: ziggurat-opt %s | FileCheck %s
// RUN: ziggurat-opt %s -o %t.once
// RUN: ziggurat-opt %t.once -o %t.twice
// RUN: diff %t.once %t.twice
// RUN: ziggurat-opt %s --print-op-generic | FileCheck %s --check-prefix=GENERIC
// RUN: ziggurat-opt %s --print-op-generic | ziggurat-opt -o %t.from-generic
// RUN: diff %t.once %t.from-generic

// The plugin's ops print in their declarative syntax, coefficients lowest degree
// first; printing, parsing and printing again changes nothing, and the generic
// form (properties in <{...}>) reads back to the same IR.

// CHECK-LABEL: func.func @quadratic(%x: f64) -> f64 {
// CHECK-NEXT:    %y = poly.eval %x [1.000000e+00, -2.000000e+00, 3.000000e+00] : f64
// CHECK-NEXT:    func.return %y : f64
func.func @quadratic(%x: f64) -> f64 {
  %y = poly.eval %x [1.0, -2.0, 3.0] : f64
  func.return %y : f64
}

// CHECK-LABEL: func.func @pade_exp(%t: f32) -> f32 {
// CHECK-NEXT:    %e = poly.rational %t [1.000000e+00, 5.000000e-01] / [1.000000e+00, -5.000000e-01] : f32
// CHECK-NEXT:    %c = poly.eval %e [2.500000e+00] {note = "constant"} : f32
func.func @pade_exp(%t: f32) -> f32 {
  %e = poly.rational %t [1.0, 0.5] / [1.0, -0.5] : f32
  %c = poly.eval %e [2.5] {note = "constant"} : f32
  func.return %c : f32
}

// GENERIC: %y = "poly.eval"(%x) <{coeffs = array<f64: 1.000000e+00, -2.000000e+00, 3.000000e+00>}> : (f64) -> f64
// GENERIC: %e = "poly.rational"(%t) <{numerator = array<f64: 1.000000e+00, 5.000000e-01>, denominator = array<f64: 1.000000e+00, -5.000000e-01>}> : (f32) -> f32
