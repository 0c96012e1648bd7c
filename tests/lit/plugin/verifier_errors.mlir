// RUN: not ziggurat-opt %s --split-input-file 2>&1 | FileCheck %s
// RUN: not ziggurat-opt %s --split-input-file 2>&1 | FileCheck %s --check-prefix=CLEAN
// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// The verifier of each poly op rejects what cannot be evaluated, at the op's
// line and column, with the op's name; every failing chunk is reported, and
// no Python traceback is shown.

// CLEAN-NOT: Traceback

func.func @no_coefficients(%x: f64) -> f64 {
  // CHECK: verifier_errors.mlir:[[# @LINE + 3]]:3: error: 'poly.eval' op expects at least one polynomial coefficient
  // CHECK-NEXT: %y = poly.eval %x [] : f64
  // expected-error @+1 {{'poly.eval' op expects at least one polynomial coefficient}}
  %y = poly.eval %x [] : f64
  func.return %y : f64
}

// -----

func.func @zero_denominator(%x: f64) -> f64 {
  // CHECK: verifier_errors.mlir:[[# @LINE + 3]]:3: error: 'poly.rational' op denominator is identically zero
  // CHECK-NEXT: %y = poly.rational %x [1.0] / [0.0, 0.0] : f64
  // expected-error @+1 {{'poly.rational' op denominator is identically zero}}
  %y = poly.rational %x [1.0] / [0.0, 0.0] : f64
  func.return %y : f64
}

// -----

func.func @integer_operand(%x: i32) -> i32 {
  // CHECK: verifier_errors.mlir:[[# @LINE + 3]]:3: error: 'poly.eval' op expects an f32 or f64 operand, got i32
  // CHECK-NEXT: %y = poly.eval %x [1.0] : i32
  // expected-error @+1 {{'poly.eval' op expects an f32 or f64 operand, got i32}}
  %y = poly.eval %x [1.0] : i32
  func.return %y : i32
}
