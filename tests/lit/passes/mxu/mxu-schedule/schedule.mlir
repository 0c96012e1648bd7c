// RUN: ziggurat-opt %s -p "mxu-pipeline{rows=8 cols=8}" | FileCheck %s

// A 20x12 by 12x10 int8 GEMM on an 8x8 array: K = 12 is two folds (8 + 4 rows),
// N = 10 two tiles (8 + 2 columns), both ragged. A stays resident in the
// scratchpad (two K slices at rows 0 and 20); B's tiles stream through four
// slots (rows 40, 48, 56, 64) so that each DMA overlaps the previous fold's
// matmul; the two N tiles accumulate in different accumulator rows (0 and 20)
// so the store of one overlaps the compute of the next. Tokens order the queues.

func.func @mm(%a: tensor<20x12xi8>, %b: tensor<12x10xi8>) -> tensor<20x10xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<20x10xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<20x10xi32>) -> tensor<20x10xi32>
  %c = linalg.matmul ins(%a, %b : tensor<20x12xi8>, tensor<12x10xi8>)
                     outs(%init : tensor<20x10xi32>) -> tensor<20x10xi32>
  return %c : tensor<20x10xi32>
}

// CHECK:      device.launch target(#device.target<mxu, {rows = 8 : i64, cols = 8 : i64}>) {
// CHECK-NEXT:   mxu.load %b <memory = spad, row = 40, dram_addr = 0, stride = 10, rows = 12, cols = 8, dtype = i8, deps = [push_next]>
// CHECK-NEXT:   mxu.loadw <row = 40, rows = 8, cols = 8, dtype = i8, deps = [pop_prev]>
// CHECK-NEXT:   mxu.load %a <memory = spad, row = 0, dram_addr = 0, stride = 12, rows = 20, cols = 8, dtype = i8, deps = [push_next]>
// CHECK-NEXT:   mxu.matmul <row = 0, rows = 20, acc_row = 0, dtype = i8, deps = [pop_prev]>
// CHECK-NEXT:   mxu.loadw <row = 48, rows = 4, cols = 8, dtype = i8>
// CHECK-NEXT:   mxu.load %a <memory = spad, row = 20, dram_addr = 8, stride = 12, rows = 20, cols = 4, dtype = i8, deps = [push_next]>
// CHECK-NEXT:   mxu.matmul <row = 20, rows = 20, acc_row = 0, dtype = i8, accumulate = true, deps = [pop_prev, push_next]>
// CHECK-NEXT:   mxu.store %{{.*}} <memory = acc, row = 0, dram_addr = 0, stride = 40, rows = 20, cols = 8, dtype = i32, deps = [pop_prev]>
// CHECK-NEXT:   mxu.load %b <memory = spad, row = 56, dram_addr = 8, stride = 10, rows = 12, cols = 2, dtype = i8, deps = [push_next]>
// CHECK-NEXT:   mxu.loadw <row = 56, rows = 8, cols = 2, dtype = i8, deps = [pop_prev]>
// CHECK-NEXT:   mxu.matmul <row = 0, rows = 20, acc_row = 20, dtype = i8>
// CHECK-NEXT:   mxu.loadw <row = 64, rows = 4, cols = 2, dtype = i8>
// CHECK-NEXT:   mxu.matmul <row = 20, rows = 20, acc_row = 20, dtype = i8, accumulate = true, deps = [push_next]>
// CHECK-NEXT:   mxu.store %{{.*}} <memory = acc, row = 20, dram_addr = 32, stride = 40, rows = 20, cols = 2, dtype = i32, deps = [pop_prev]>
// CHECK-NEXT:   mxu.halt
// CHECK-NEXT: } {mxu.plans = [#mxu.plan<m_tile = 20, m_tiles = 1, k_tiles = 2, n_tiles = 2, {{.*}}double_buffered = true
