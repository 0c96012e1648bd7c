// RUN: not ziggurat-opt %s --split-input-file --verify-diagnostics 2>&1 >/dev/null | FileCheck %s

// --verify-diagnostics fails when an error differs from what is expected, when an
// expected error is not produced, and when an error is not expected.

// CHECK: mismatch.mlir:[[# @LINE + 5]]:3: error: unexpected error: 'func.return' op {{.*}}got [i64]
// CHECK: mismatch.mlir:[[# @LINE + 3]]:6: error: expected error "got [i16]" was not produced
func.func @wrong_text() -> i32 {
  %0 = arith.constant 1 : i64
  // expected-error @+1 {{got [i16]}}
  return %0 : i64
}

// -----

// CHECK: mismatch.mlir:[[# @LINE + 3]]:6: error: expected error "never happens" was not produced
// CHECK-NEXT: // expected-error @+1 {{[{][{]}}never happens{{[}][}]}}
func.func @nothing_wrong() {
  // expected-error @+1 {{never happens}}
  return
}

// -----

// CHECK: mismatch.mlir:[[# @LINE + 2]]:23: error: unexpected error: use of undeclared SSA value '%b'
func.func @unexpected(%a: i32) -> i32 {
  %0 = arith.addi %a, %b : i32
  return %0 : i32
}
