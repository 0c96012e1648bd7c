// REQUIRES: mlir-opt
// RUN: ziggurat-opt %s | %mlir-opt | ziggurat-opt | FileCheck %s

// mlir-opt reads the hex and splats ziggurat prints, with the same elements.

// CHECK-LABEL: func.func @hex
// CHECK: arith.constant dense<1.000000e+00> : tensor<5xf32>
// CHECK: arith.constant dense<[1, 2, 3]> : tensor<3xi16>
// CHECK: arith.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK: arith.constant dense<true> : tensor<101xi1>
// CHECK: arith.constant dense<"0x0000000001000000020000000300000004000000{{[0-9A-F]+}}64000000"> : tensor<101xi32>
// CHECK: arith.constant dense<"0xB66DDBB66DDBB66DDBB66DDB16"> : tensor<101xi1>
// CHECK: arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, {{.*}}, 99]> : tensor<100xi32>
func.func @hex() -> (tensor<5xf32>, tensor<3xi16>, tensor<3xi1>, tensor<101xi1>, tensor<101xi32>, tensor<101xi1>, tensor<100xi32>) {
  %a = arith.constant dense<"0x0000803F"> : tensor<5xf32>
  %b = arith.constant dense<"0x010002000300"> : tensor<3xi16>
  %c = arith.constant dense<"0x06"> : tensor<3xi1>
  %d = arith.constant dense<"0xFF"> : tensor<101xi1>
  %e = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]> : tensor<101xi32>
  %f = arith.constant dense<[false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true, true, false, true]> : tensor<101xi1>
  %g = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]> : tensor<100xi32>
  return %a, %b, %c, %d, %e, %f, %g : tensor<5xf32>, tensor<3xi16>, tensor<3xi1>, tensor<101xi1>, tensor<101xi32>, tensor<101xi1>, tensor<100xi32>
}
