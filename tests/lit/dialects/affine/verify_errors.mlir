// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// The affine verifiers reject what MLIR rejects.

func.func @float_kind_on_integers(%A: memref<16xi32>) -> i32 {
  // expected-error @+1 {{'affine.parallel' op cannot reduce values of type i32 with 'addf'}}
  %r = affine.parallel (%i) = (0) to (16) reduce ("addf") -> (i32) {
    %v = affine.load %A[%i] : memref<16xi32>
    affine.yield %v : i32
  }
  return %r : i32
}

// -----

// Signed max needs a signed integer type (si32), as in MLIR.
func.func @signless_max(%A: memref<16xi32>) -> i32 {
  // expected-error @+1 {{'affine.parallel' op cannot reduce values of type i32 with 'maxs'}}
  %r = affine.parallel (%i) = (0) to (16) reduce ("maxs") -> (i32) {
    %v = affine.load %A[%i] : memref<16xi32>
    affine.yield %v : i32
  }
  return %r : i32
}

// -----

func.func @index_sum(%A: memref<16xindex>) -> index {
  // expected-error @+1 {{'affine.parallel' op cannot reduce values of type index with 'addi'}}
  %r = affine.parallel (%i) = (0) to (16) reduce ("addi") -> (index) {
    %v = affine.load %A[%i] : memref<16xindex>
    affine.yield %v : index
  }
  return %r : index
}

// -----

func.func @unknown_kind(%A: memref<16xf32>) -> f32 {
  // expected-error @+1 {{unknown reduction kind 'sum'}}
  %r = affine.parallel (%i) = (0) to (16) reduce ("sum") -> (f32) {
    %v = affine.load %A[%i] : memref<16xf32>
    affine.yield %v : f32
  }
  return %r : f32
}

// -----

func.func @zero_step(%A: memref<16xf32>) {
  // expected-error @+1 {{'affine.for' op expects a positive step, got 0}}
  affine.for %i = 0 to 16 step 0 {
    %v = affine.load %A[%i] : memref<16xf32>
  }
  return
}

// -----

func.func @wrong_rank(%A: memref<16x16xf32>, %i: index) -> f32 {
  // expected-error @+1 {{expected 2 subscripts for memref<16x16xf32>, got 1}}
  %v = affine.load %A[%i] : memref<16x16xf32>
  return %v : f32
}

// -----

func.func @two_results(%i: index) -> index {
  // expected-error @+1 {{'affine.apply' op affine.apply expects a unidimensional map.}}
  %r = affine.apply affine_map<(d0) -> (d0, d0 + 1)>(%i)
  return %r : index
}

// -----

func.func @missing_operand(%i: index) -> index {
  // expected-error @+1 {{expected 1 dim and 1 symbol operands, got 1 and 0}}
  %r = affine.apply affine_map<(d0)[s0] -> (d0 + s0)>(%i)
  return %r : index
}

// -----

func.func @bound_beyond_index(%a: memref<4xf32>) {
  // expected-error @+1 {{'affine.for' op expects bounds that fit in index, got 100000000000000000000}}
  affine.for %i = 0 to 100000000000000000000 {
  }
  return
}
