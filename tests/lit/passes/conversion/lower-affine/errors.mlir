// RUN: not ziggurat-opt %s --split-input-file --allow-unregistered-dialect -p lower-affine 2>&1 | FileCheck %s

// CHECK: errors.mlir:[[# @LINE + 2]]:3: error: lower-affine: cannot lower 'affine.apply': '(d0 floordiv -2)' divides by -2; affine division and modulo need a positive divisor
func.func @negative_divisor(%n: index) -> index {
  %k = affine.apply affine_map<(d0) -> (d0 floordiv -2)>(%n)
  return %k : index
}

// -----

// "assign" has no identity to start an scf.parallel reduction from.
// CHECK: errors.mlir:[[# @LINE + 2]]:3: error: lower-affine: cannot lower 'affine.parallel': no scf reduction for kind 'assign' on f32
func.func @assign(%B: memref<8xf32>) -> f32 {
  %s = affine.parallel (%i) = (0) to (8) reduce ("assign") -> (f32) {
    %x = affine.load %B[%i] : memref<8xf32>
    affine.yield %x : f32
  }
  return %s : f32
}

// -----

// An affine op ziggurat does not define is refused, not left behind.
// CHECK: errors.mlir:[[# @LINE + 3]]:5: error: lower-affine: cannot lower 'affine.prefetch': lower-affine has no lowering for it
func.func @prefetch(%B: memref<8xf32>) {
  affine.for %i = 0 to 8 {
    "affine.prefetch"(%B, %i) : (memref<8xf32>, index) -> ()
  }
  return
}
