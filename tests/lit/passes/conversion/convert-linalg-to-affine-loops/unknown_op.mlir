// RUN: not ziggurat-opt %s --allow-unregistered-dialect -p convert-linalg-to-affine-loops 2>&1 | FileCheck %s

// A linalg op ziggurat does not define (here MLIR's linalg.softmax) has no
// indexing maps to lower it by: it is refused, not left behind.
// CHECK: unknown_op.mlir:[[# @LINE + 2]]:3: error: convert-linalg-to-affine-loops: cannot lower 'linalg.softmax': not a structured linalg op (no indexing maps and iterator types known for it)
func.func @softmax(%A: memref<4x8xf32>, %B: memref<4x8xf32>) {
  "linalg.softmax"(%A, %B) {dimension = 1 : i64} : (memref<4x8xf32>, memref<4x8xf32>) -> ()
  return
}
