// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics
// The same file is run through mlir-opt by tests/lit/mlir-compat/affine_invalid.test.

// affine.yield ends only affine.if/for/parallel regions and yields the parent's result types.

func.func @affine_for_yield(%x: f32) {
  %r = affine.for %i = 0 to 4 iter_args(%a = %x) -> (f32) {
    %z = arith.constant 0 : i32
    // expected-error @+1 {{types mismatch between yield op and its parent}}
    affine.yield %z : i32
  }
  return
}

// -----

func.func @affine_for_yield_count(%x: f32) {
  %r = affine.for %i = 0 to 4 iter_args(%a = %x) -> (f32) {
    // expected-error @+1 {{parent of yield must have same number of results as the yield operands}}
    affine.yield
  }
  return
}

// -----

func.func @affine_for_yield_parent(%i: index) {
  // expected-error @+1 {{only terminates affine.if/for/parallel regions}}
  affine.yield
}
