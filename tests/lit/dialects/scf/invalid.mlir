// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics
// (mlir-opt also reports each error; it adds a note at the yield, which ziggurat does not print.)

// scf.if and scf.while regions yield what their successor takes, as MLIR checks.

func.func @scf_if_no_else(%c: i1) {
  // expected-error @+1 {{must have an else block if defining values}}
  %r = scf.if %c -> (f32) {
    %z = arith.constant 0.0 : f32
    scf.yield %z : f32
  }
  return
}

// -----

func.func @scf_if_yield(%c: i1) {
  // expected-error @+1 {{along control flow edge from Operation scf.yield to parent: successor operand type #0 'i32' should match successor input type #0 'f32'}}
  %r = scf.if %c -> (f32) {
    %z = arith.constant 0 : i32
    scf.yield %z : i32
  } else {
    %z = arith.constant 0 : i32
    scf.yield %z : i32
  }
  return
}

// -----

func.func @scf_if_yield_count(%c: i1) {
  // expected-error @+1 {{along control flow edge from Operation scf.yield to parent: region branch point has 0 operands, but region successor needs 1 inputs}}
  %r = scf.if %c -> (f32) {
    scf.yield
  } else {
    scf.yield
  }
  return
}

// -----

func.func @scf_while_yield(%x: f32) {
  // expected-error @+1 {{along control flow edge from Operation scf.yield to Region #0: successor operand type #0 'i32' should match successor input type #0 'f32'}}
  %r = scf.while (%a = %x) : (f32) -> f32 {
    %c = arith.constant true
    scf.condition(%c) %a : f32
  } do {
  ^bb0(%b: f32):
    %z = arith.constant 0 : i32
    scf.yield %z : i32
  }
  return
}
