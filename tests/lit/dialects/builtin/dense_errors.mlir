// RUN: not ziggurat-opt %s --split-input-file 2>&1 | FileCheck %s

// CHECK: dense_errors.mlir:[[# @LINE + 2]]:23: error: elements hex data size is invalid for provided type: 'tensor<2xf32>'
func.func @f() {
  %c = arith.constant dense<"0x0000803F00"> : tensor<2xf32>
  return
}

// -----

// CHECK: dense_errors.mlir:[[# @LINE + 2]]:29: error: expected string containing hex digits starting with `0x`
func.func @f() {
  %c = arith.constant dense<"0102"> : tensor<2xi8>
  return
}

// -----

// CHECK: dense_errors.mlir:[[# @LINE + 2]]:23: error: elements hex data size is invalid for provided type: 'tensor<20xi1>'
func.func @f() {
  %c = arith.constant dense<"0x0102"> : tensor<20xi1>
  return
}
