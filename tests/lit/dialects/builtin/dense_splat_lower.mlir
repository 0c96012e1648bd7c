// RUN: ziggurat-opt %s -p lower-to-affine | FileCheck %s

// A splat stays one value through bufferization: the constant becomes a
// global holding the one element, not 310M of them.

memref.global "private" constant @g : memref<310000000xi32> = dense<7>

// CHECK-DAG: memref.global "private" constant @__constant_310000000xf32 : memref<310000000xf32> = dense<1.000000e+00>
// CHECK-DAG: memref.global "private" constant @g : memref<310000000xi32> = dense<7>
func.func @f() -> (tensor<310000000xf32>, tensor<2x2xi16>, memref<310000000xi32>) {
  %c = arith.constant dense<1.0> : tensor<310000000xf32>
  %d = arith.constant dense<[[3, 3], [3, 3]]> : tensor<2x2xi16>
  %g = memref.get_global @g : memref<310000000xi32>
  return %c, %d, %g : tensor<310000000xf32>, tensor<2x2xi16>, memref<310000000xi32>
}
