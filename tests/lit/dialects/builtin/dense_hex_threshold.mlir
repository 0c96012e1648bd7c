// mlir-opt's --mlir-print-elementsattrs-with-hex-if-larger: literals of more elements than N print in hex.
// RUN: ziggurat-opt %s | FileCheck %s --check-prefix=LIST
// RUN: ziggurat-opt %s --mlir-print-elementsattrs-with-hex-if-larger=3 | FileCheck %s --check-prefix=HEX
// RUN: ziggurat-opt %s -mlir-print-elementsattrs-with-hex-if-larger=4 | FileCheck %s --check-prefix=LIST
// RUN: ziggurat-opt %s --mlir-print-elementsattrs-with-hex-if-larger=3 | ziggurat-opt --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=LIST

// LIST: dense<[1, 2, 3, 4]> : tensor<4xi32>
// HEX: dense<"0x01000000020000000300000004000000"> : tensor<4xi32>
func.func @f() -> tensor<4xi32> {
  %c = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  return %c : tensor<4xi32>
}
