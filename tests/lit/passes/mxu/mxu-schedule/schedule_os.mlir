// RUN: ziggurat-opt %s -p "mxu-pipeline{rows=8 cols=8 dataflow=os}" | FileCheck %s

// The same 20x12 by 12x10 int8 GEMM on an 8x8 array, output-stationary: A arrives
// transposed (K rows of up to 8 elements), each of the 3 x 2 output tiles is one
// matmul_os over the whole K = 12, and no weight tile is ever loaded.

func.func @mm(%a: tensor<20x12xi8>, %b: tensor<12x10xi8>) -> tensor<20x10xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<20x10xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<20x10xi32>) -> tensor<20x10xi32>
  %c = linalg.matmul ins(%a, %b : tensor<20x12xi8>, tensor<12x10xi8>)
                     outs(%init : tensor<20x10xi32>) -> tensor<20x10xi32>
  return %c : tensor<20x10xi32>
}

// CHECK:     device.launch target(#device.target<mxu, {rows = 8 : i64, cols = 8 : i64}>) {
// CHECK-NOT: mxu.loadw
// CHECK:     mxu.load %a <{{.*}}transpose = true
// CHECK:     mxu.matmul_os <{{.*}}depth = 12, rows = {{[0-9]+}}, cols = 8
// CHECK:     mxu.matmul_os <{{.*}}depth = 12, rows = {{[0-9]+}}, cols = 2
// CHECK:     mxu.store
// CHECK-NOT: mxu.loadw
// CHECK:     mxu.halt
// CHECK:     } {mxu.plans = [#mxu.plan<{{.*}}dataflow = "os">]}
