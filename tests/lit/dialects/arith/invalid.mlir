// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics
// The same file is run through mlir-opt by tests/lit/mlir-compat/arith_invalid.test.

// arith comparisons and float extension/truncation are verified by MLIR's rules.

func.func @dim_range(%m: memref<4xf32>) {
  %c = arith.constant 1 : index
  %d = memref.dim %m, %c : memref<4xf32>
  return
}

// -----

func.func @dim_ok(%t: tensor<4xf32>) {
  %c = arith.constant 3 : index
  %d = tensor.dim %t, %c : tensor<4xf32>
  return
}

// -----

func.func @cmpi_types(%a: i32, %b: i64) {
  // expected-error @+1 {{requires all operands to have the same type}}
  %r = "arith.cmpi"(%a, %b) {predicate = 0 : i64} : (i32, i64) -> i1
  return
}

// -----

func.func @cmpf_pred(%a: f32, %b: f32) {
  // expected-error @+1 {{attribute 'predicate' failed to satisfy constraint: allowed 64-bit signless integer cases: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}
  %r = "arith.cmpf"(%a, %b) {predicate = 42 : i64} : (f32, f32) -> i1
  return
}

// -----

func.func @extf_narrow(%a: f32) {
  // expected-error @+1 {{operand type 'f32' and result type 'f16' are cast incompatible}}
  %r = arith.extf %a : f32 to f16
  return
}

// -----

func.func @truncf_wide(%a: f32) {
  // expected-error @+1 {{operand type 'f32' and result type 'f64' are cast incompatible}}
  %r = arith.truncf %a : f32 to f64
  return
}

// -----

func.func @scf_for_zero_step(%lb: index, %ub: index) {
  %c0 = arith.constant 0 : index
  scf.for %i = %lb to %ub step %c0 {
  }
  return
}
