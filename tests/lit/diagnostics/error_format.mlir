// RUN: not ziggurat-opt %s --split-input-file 2>&1 | FileCheck %s --strict-whitespace
// RUN: rm -f %t.out
// RUN: not ziggurat-opt %s --split-input-file -o %t.out 2>&1 | FileCheck %s --check-prefix=QUIET
// RUN: not ls %t.out

// Without --verify-diagnostics, the error of every chunk is printed as mlir-opt
// does: file:line:col, the message, the source line, a caret under the column.
// Nothing reaches the output file when any chunk fails.

// CHECK-NOT: builtin.module
// CHECK:      error_format.mlir:[[# @LINE + 5]]:23: error: use of undeclared SSA value '%b'
// CHECK-NEXT: {{^}}  %0 = arith.addi %a, %b : i32
// CHECK-NEXT: {{^}}                      ^
// CHECK-NOT: Traceback
func.func @first(%a: i32) -> i32 {
  %0 = arith.addi %a, %b : i32
  return %0 : i32
}

// -----

// CHECK:      error_format.mlir:[[# @LINE + 6]]:3: error: 'func.return' op {{.*}}expected [i32], got [i64]
// CHECK-NEXT: {{^}}  return %0 : i64
// CHECK-NEXT: {{^}}  ^
// CHECK-NOT: Traceback
func.func @second() -> i32 {
  %0 = arith.constant 1 : i64
  return %0 : i64
}

// -----

// QUIET-NOT: func.func @third
func.func @third() {
  return
}
