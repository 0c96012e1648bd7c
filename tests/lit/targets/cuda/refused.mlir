// RUN: not ziggurat-translate %s -t cuda -o %t.cu 2>&1 | FileCheck %s
// RUN: not test -e %t.cu

// A launch that still passes host buffers cannot be printed: the placement of
// convert-device-to-cuda has not run. Nothing is written.

cuda.kernel @k(%a: memref<64xf32, #device.memory_space<global>>) {
}
func.func @f(%a: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  // CHECK: refused.mlir:[[# @LINE + 1]]:3: error: cuda: the launch passes host buffers; place them first (convert-device-to-cuda)
  cuda.launch @k blocks(%c1, %c1, %c1) threads(%c1, %c1, %c1) shared(%c0) args(%a : memref<64xf32>)
  return
}
