// RUN: ziggurat-opt %s -p convert-poly-to-arith | FileCheck %s --check-prefix=HORNER
// RUN: ziggurat-opt %s -p 'convert-poly-to-arith{use-horner=true}' | FileCheck %s --check-prefix=HORNER
// RUN: ziggurat-opt %s -p 'convert-poly-to-arith{use-horner=false}' | FileCheck %s --check-prefix=POWER

// 1 - 2x + 3x^2. By default (Horner's rule) it becomes (3*x + -2)*x + 1: one
// multiply per degree. With use-horner=false each power of x is built from the
// previous one and scaled by its coefficient: 1 + (-2*x) + 3*(x*x).

// HORNER-LABEL: func.func @quadratic(%x: f64) -> f64 {
// HORNER-NEXT:    %[[C2:.*]] = arith.constant 3.000000e+00 : f64
// HORNER-NEXT:    %[[M1:.*]] = arith.mulf %[[C2]], %x : f64
// HORNER-NEXT:    %[[C1:.*]] = arith.constant -2.000000e+00 : f64
// HORNER-NEXT:    %[[A1:.*]] = arith.addf %[[M1]], %[[C1]] : f64
// HORNER-NEXT:    %[[M0:.*]] = arith.mulf %[[A1]], %x : f64
// HORNER-NEXT:    %[[C0:.*]] = arith.constant 1.000000e+00 : f64
// HORNER-NEXT:    %[[Y:.*]] = arith.addf %[[M0]], %[[C0]] : f64
// HORNER-NEXT:    func.return %[[Y]] : f64
// HORNER-NOT:   poly.

// POWER-LABEL: func.func @quadratic(%x: f64) -> f64 {
// POWER-NEXT:    %[[C0:.*]] = arith.constant 1.000000e+00 : f64
// POWER-NEXT:    %[[C1:.*]] = arith.constant -2.000000e+00 : f64
// POWER-NEXT:    %[[T1:.*]] = arith.mulf %[[C1]], %x : f64
// POWER-NEXT:    %[[S1:.*]] = arith.addf %[[C0]], %[[T1]] : f64
// POWER-NEXT:    %[[X2:.*]] = arith.mulf %x, %x : f64
// POWER-NEXT:    %[[C2:.*]] = arith.constant 3.000000e+00 : f64
// POWER-NEXT:    %[[T2:.*]] = arith.mulf %[[C2]], %[[X2]] : f64
// POWER-NEXT:    %[[Y:.*]] = arith.addf %[[S1]], %[[T2]] : f64
// POWER-NEXT:    func.return %[[Y]] : f64
// POWER-NOT:   poly.
func.func @quadratic(%x: f64) -> f64 {
  %y = poly.eval %x [1.0, -2.0, 3.0] : f64
  func.return %y : f64
}

// A constant polynomial needs no arithmetic at all, in either form.

// HORNER-LABEL: func.func @constant(%x: f32) -> f32 {
// HORNER-NEXT:    %[[K:.*]] = arith.constant 2.500000e+00 : f32
// HORNER-NEXT:    func.return %[[K]] : f32
// POWER-LABEL: func.func @constant(%x: f32) -> f32 {
// POWER-NEXT:    %[[K:.*]] = arith.constant 2.500000e+00 : f32
// POWER-NEXT:    func.return %[[K]] : f32
func.func @constant(%x: f32) -> f32 {
  %y = poly.eval %x [2.5] : f32
  func.return %y : f32
}
