// REQUIRES: mlir-opt
// RUN: not %mlir-opt %s --split-input-file --verify-diagnostics 2>&1 >/dev/null | FileCheck %s
// RUN: not ziggurat-opt %s --split-input-file --verify-diagnostics 2>&1 >/dev/null | FileCheck %s

// The failure reports of both tools, checked by the same lines: their wording,
// places, underlines and order.

// CHECK:      verify_diagnostics_reports_mlir_opt.mlir:[[# @LINE + 21]]:6: error: found start of regex with no end '}}'
// CHECK-NEXT: {{^}}  // {{e}}xpected-error-re @+1 {{[{][{]}}undeclared {{[{][{]}}[}{{[}][}]}}
// CHECK-NEXT: {{^}}     ^~~~~~~~~~~~~~~{{$}}
// CHECK-NEXT: verify_diagnostics_reports_mlir_opt.mlir:[[# @LINE + 19]]:23: error: unexpected error: use of undeclared SSA value
// CHECK-NEXT: {{^}}  %0 = arith.addi %x, %y : i32
// CHECK-NEXT: {{^}}                      ^
// CHECK-NEXT: verify_diagnostics_reports_mlir_opt.mlir:[[# @LINE + 22]]:1: error: unexpected note: see existing symbol definition here
// CHECK-NEXT: {{^}}func.func @twice() {
// CHECK-NEXT: {{^}}^
// CHECK-NEXT: verify_diagnostics_reports_mlir_opt.mlir:[[# @LINE + 36]]:6: error: 'error' diagnostic emitted when expecting a 'remark'
// CHECK-NEXT: {{^}}  // {{e}}xpected-remark @+1 {{[{][{]}}does not dominate{{[}][}]}}
// CHECK-NEXT: {{^}}     ^{{$}}
// CHECK-NEXT: verify_diagnostics_reports_mlir_opt.mlir:[[# @LINE + 33]]:6: error: expected remark "does not dominate" was not produced
// CHECK-NEXT: {{^}}  // {{e}}xpected-remark @+1 {{[{][{]}}does not dominate{{[}][}]}}
// CHECK-NEXT: {{^}}     ^~~~~~~~~~~~~~~~~{{$}}
// CHECK-NEXT: verify_diagnostics_reports_mlir_opt.mlir:[[# @LINE + 39]]:6: error: expected error "never happens" was not produced
// CHECK-NEXT: {{^}}  // {{e}}xpected-error @below {{[{][{]}}never happens{{[}][}]}}
// CHECK-NEXT: {{^}}     ^~~~~~~~~~~~~{{$}}
// CHECK-NEXT: <unknown>:0: error: expected error "nowhere" was not produced

func.func @bad_regex(%x: i32) -> i32 {
  // expected-error-re @+1 {{undeclared {{[}}}
  %0 = arith.addi %x, %y : i32
  return %0 : i32
}

// -----

func.func @twice() {
  return
}
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
  // expected-remark @+1 {{does not dominate}}
  %1 = arith.muli %0, %0 : i32
  return %1 : i32
}

// -----

// expected-error @unknown {{nowhere}}
func.func @fine() {
  // expected-error @below {{never happens}}
  return
}
