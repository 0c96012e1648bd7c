// RUN: not ziggurat-opt %s --split-input-file --verify-diagnostics 2>&1 >/dev/null | FileCheck %s

// --verify-diagnostics fails when an error differs from what is expected, when an
// expected error is not produced, and when an error is not expected. As mlir-opt
// does, an error that no comment expects is reported when it happens, and a comment
// whose error never came once every chunk has run.

// CHECK: mismatch.mlir:[[# @LINE + 11]]:3: error: unexpected error: 'func.return' op {{.*}}got [i64]
// CHECK: mismatch.mlir:[[# @LINE + 23]]:23: error: unexpected error: use of undeclared SSA value '%b'
// CHECK: mismatch.mlir:[[# @LINE + 8]]:6: error: expected error "got [i16]" was not produced
// CHECK: mismatch.mlir:[[# @LINE + 14]]:6: error: expected error "never happens" was not produced
// CHECK-NEXT: {{^}}  // {{e}}xpected-error @+1 {{[{][{]}}never happens{{[}][}]}}
// CHECK-NEXT: {{^}}     ^~~~~~~~~~~~~{{$}}
// CHECK-NOT: error

func.func @wrong_text() -> i32 {
  %0 = arith.constant 1 : i64
  // expected-error @+1 {{got [i16]}}
  return %0 : i64
}

// -----

func.func @nothing_wrong() {
  // expected-error @+1 {{never happens}}
  return
}

// -----

func.func @unexpected(%a: i32) -> i32 {
  %0 = arith.addi %a, %b : i32
  return %0 : i32
}
