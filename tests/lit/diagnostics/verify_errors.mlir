// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// Verifier errors are reported at the op that is invalid.

func.func @return_type() -> i32 {
  %0 = arith.constant 1 : i64
  // expected-error @+1 {{'func.return' op Expected arguments to have the same types as the function output types}}
  return %0 : i64
}

// -----

func.func @dominance(%a: i32) -> i32 {
  cf.br ^bb2
^bb1:
  // expected-note @+1 {{operand defined here}}
  %0 = arith.addi %a, %a : i32
  cf.br ^bb2
^bb2:
  // expected-error @+1 {{'arith.muli' op operand #0 does not dominate this use}}
  %1 = arith.muli %0, %0 : i32
  return %1 : i32
}

// -----

// expected-note @+1 {{see existing symbol definition here}}
func.func @twice() {
  return
}
// expected-error @+1 {{redefinition of symbol named 'twice'}}
func.func @twice() {
  return
}

// -----

func.func @no_terminator(%a: i32) -> i32 {
  // expected-error @+1 {{block with no terminator}}
  %0 = arith.addi %a, %a : i32
}

// -----

func.func @matmul(%a: memref<4x8xf32>, %b: memref<6x4xf32>, %c: memref<4x4xf32>) {
  // expected-error @+1 {{'linalg.matmul' op}}
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<6x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// -----

// A chunk without errors and without expectations passes.
func.func @fine() {
  return
}

// -----

// A trait's error reads as MLIR's op errors do: "'name' op ...".
func.func @return_inside_loop() {
  affine.for %i = 0 to 10 {
    // expected-error @+1 {{'func.return' op expects parent op 'func.func'}}
    func.return
  }
  return
}
