// RUN: not ziggurat-opt %s --split-input-file 2>&1 | FileCheck %s

func.func @f(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: expected a schedule, one of: static, dynamic, guided
  cpu.parallel_for (%i) = (%c0) to (%n) step (%c1) schedule(auto) {
  }
  return
}

// -----

func.func @g(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: expected a positive chunk size
  cpu.parallel_for (%i) = (%c0) to (%n) step (%c1) schedule(dynamic, 0) {
  }
  return
}

// -----

func.func @h(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: expected 1 upper bounds, one per induction variable
  cpu.parallel_for (%i) = (%c0) to (%n, %n) step (%c1) {
  }
  return
}
