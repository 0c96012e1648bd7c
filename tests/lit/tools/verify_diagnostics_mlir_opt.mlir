// REQUIRES: mlir-opt
// RUN: %mlir-opt %s --split-input-file --verify-diagnostics
// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// One file, unchanged, through both tools: every designator form, a regex, notes,
// a parse error, and two failing functions in one chunk (each is reported).

func.func @redefined() {
  return
}
// expected-error @+2 {{redefinition of symbol named 'redefined'}}
// expected-note @-4 {{see existing symbol definition here}}
func.func @redefined() {
  return
}

// -----

func.func @undeclared(%a: i32) -> i32 {
  %0 = arith.addi %a, %b : i32 // expected-error {{use of undeclared SSA value}}
  return %0 : i32
}

// -----

func.func @dominance_above(%a: i32) -> i32 {
  cf.br ^bb2
^bb1:
  %0 = arith.addi %a, %a : i32
  // expected-note @above {{operand defined here}}
  cf.br ^bb2
^bb2:
  // expected-error-re @below {{operand #{{[0-9]+}} does not dominate this use}}
  %1 = arith.muli %0, %0 : i32
  return %1 : i32
}

// -----

func.func @first(%a: i32) -> i32 {
  cf.br ^bb2
^bb1:
  // expected-note @+1 {{operand defined here}}
  %0 = arith.addi %a, %a : i32
  cf.br ^bb2
^bb2:
  // expected-error @+1 {{does not dominate this use}}
  %1 = arith.muli %0, %0 : i32
  return %1 : i32
}

func.func @second(%a: i32) -> i32 {
  // expected-error @+1 {{block with no terminator}}
  %0 = arith.addi %a, %a : i32
}

// -----

func.func @fine() {
  return
}
