// REQUIRES: mlir-opt
// RUN: ziggurat-opt %s -p 'cpu-matmul-kernel{mc=8 kc=16 nc=32 mr=4 nr=8}' | %mlir-opt | FileCheck %s

// What the pass prints is valid MLIR.

// CHECK: math.fma
func.func @mm(%a: memref<37x29xf32>, %b: memref<29x45xf32>, %c: memref<37x45xf32>) {
  linalg.matmul ins(%a, %b : memref<37x29xf32>, memref<29x45xf32>) outs(%c : memref<37x45xf32>)
  return
}
