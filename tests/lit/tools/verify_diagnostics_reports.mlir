// RUN: not ziggurat-opt %s --split-input-file --verify-diagnostics 2>%t.err | FileCheck %s --check-prefix=OUT
// RUN: FileCheck %s < %t.err

// What --verify-diagnostics reports, in mlir-opt's order: first the comments it
// cannot read, then each diagnostic no comment expects as it happens (notes
// included), and once every chunk has run, each comment whose diagnostic never came.
// The exit status is 1. Chunks that compile are still printed.

// CHECK:      verify_diagnostics_reports.mlir:[[# @LINE + 26]]:6: error: invalid regex: parentheses not balanced
// CHECK-NEXT: {{^}}  // {{e}}xpected-error-re @+1 {{[{][{]}}op {{[{][{]}}(}} here{{[}][}]}}
// CHECK-NEXT: {{^}}     ^~~~~~~~~~~~~{{$}}
// CHECK-NEXT: verify_diagnostics_reports.mlir:[[# @LINE + 24]]:3: error: unexpected error: 'func.return' op
// CHECK-NEXT: {{^}}  return %0 : i64
// CHECK-NEXT: {{^}}  ^
// CHECK-NEXT: verify_diagnostics_reports.mlir:[[# @LINE + 26]]:1: error: unexpected note: see existing symbol definition here
// CHECK-NEXT: {{^}}func.func @twice() {
// CHECK-NEXT: {{^}}^
// CHECK-NEXT: verify_diagnostics_reports.mlir:[[# @LINE + 41]]:6: error: 'error' diagnostic emitted when expecting a 'warning'
// CHECK-NEXT: {{^}}  // {{e}}xpected-warning @+1 {{[{][{]}}does not dominate{{[}][}]}}
// CHECK-NEXT: {{^}}     ^{{$}}
// CHECK-NEXT: verify_diagnostics_reports.mlir:[[# @LINE + 38]]:6: error: expected warning "does not dominate" was not produced
// CHECK-NEXT: {{^}}  // {{e}}xpected-warning @+1 {{[{][{]}}does not dominate{{[}][}]}}
// CHECK-NEXT: {{^}}     ^~~~~~~~~~~~~~~~~{{$}}
// CHECK-NEXT: verify_diagnostics_reports.mlir:[[# @LINE + 44]]:6: error: expected error "never happens" was not produced
// CHECK-NEXT: {{^}}  // {{e}}xpected-error @below {{[{][{]}}never happens{{[}][}]}}
// CHECK-NEXT: {{^}}     ^~~~~~~~~~~~~{{$}}
// CHECK-NEXT: <unknown>:0: error: expected error "nowhere" was not produced
// CHECK-NOT:  error

// OUT:     func.func @fine()
// OUT-NOT: func.func

func.func @bad_regex() -> i32 {
  %0 = arith.constant 1 : i64
  // expected-error-re @+1 {{op {{(}} here}}
  return %0 : i64
}

// -----

func.func @twice() {
  return
}
// The error is expected; its note is not, and is reported on its own.
// expected-error @+1 {{redefinition of symbol named 'twice'}}
func.func @twice() {
  return
}

// -----

func.func @wrong_severity(%a: i32) -> i32 {
  cf.br ^bb2
^bb1:
  // expected-note @+1 {{operand defined here}}
  %0 = arith.addi %a, %a : i32
  cf.br ^bb2
^bb2:
  // expected-warning @+1 {{does not dominate}}
  %1 = arith.muli %0, %0 : i32
  return %1 : i32
}

// -----

// expected-error @unknown {{nowhere}}
func.func @fine() {
  // expected-error @below {{never happens}}
  return
}
