// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// A splat is one element whatever the shape: 310M of them parse, print and
// lower as one value, and a list of equal elements is the same splat.

// CHECK: memref.global "private" constant @g : memref<310000000xi32> = dense<7>
memref.global "private" constant @g : memref<310000000xi32> = dense<7>

// CHECK-LABEL: func.func @f
// CHECK: arith.constant dense<1.000000e+00> : tensor<310000000xf32>
// CHECK: arith.constant dense<3> : tensor<2x2xi16>
func.func @f() -> (tensor<310000000xf32>, tensor<2x2xi16>, memref<310000000xi32>) {
  %c = arith.constant dense<1.0> : tensor<310000000xf32>
  %d = arith.constant dense<[[3, 3], [3, 3]]> : tensor<2x2xi16>
  %g = memref.get_global @g : memref<310000000xi32>
  return %c, %d, %g : tensor<310000000xf32>, tensor<2x2xi16>, memref<310000000xi32>
}
