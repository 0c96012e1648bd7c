// RUN: ziggurat-opt %s | FileCheck %s
// RUN: ziggurat-opt %s | ziggurat-opt | FileCheck %s
// RUN: ziggurat-opt %s --print-op-generic | ziggurat-opt | FileCheck %s

// Every instruction op and mxu.gemm print back as written (defaults left out).

// CHECK-LABEL: func.func @kernel
func.func @kernel(%a: memref<37x53xi8>, %b: memref<53x29xi8>, %d: memref<37x29xi32>,
                  %bias: memref<29xi32>, %q: memref<37x29xi8>, %x: memref<3x9x20xbf16>,
                  %y: memref<3x20x11xbf16>, %z: memref<3x9x11xf32>) {
  // CHECK: device.launch target(#device.target<mxu, {rows = 8 : i64, cols = 8 : i64}>)
  device.launch target(#device.target<mxu, {rows = 8, cols = 8}>) {
    // CHECK-NEXT: mxu.gemm %a, %b -> %d : memref<37x53xi8>, memref<53x29xi8>, memref<37x29xi32>
    mxu.gemm %a, %b -> %d : memref<37x53xi8>, memref<53x29xi8>, memref<37x29xi32>
    // CHECK-NEXT: mxu.gemm %a, %b -> %d <accumulate = true> : memref<37x53xi8>, memref<53x29xi8>, memref<37x29xi32>
    mxu.gemm %a, %b -> %d <accumulate = true> : memref<37x53xi8>, memref<53x29xi8>, memref<37x29xi32>
    // CHECK-NEXT: mxu.gemm %a, %b -> %q bias %bias <func = relu, scale = 3, shift = 9> : memref<37x53xi8>, memref<53x29xi8>, memref<37x29xi8>, memref<29xi32>
    mxu.gemm %a, %b -> %q bias %bias <func = relu, scale = 3, shift = 9> : memref<37x53xi8>, memref<53x29xi8>, memref<37x29xi8>, memref<29xi32>
    // CHECK-NEXT: mxu.gemm %x, %y -> %z : memref<3x9x20xbf16>, memref<3x20x11xbf16>, memref<3x9x11xf32>
    mxu.gemm %x, %y -> %z : memref<3x9x20xbf16>, memref<3x20x11xbf16>, memref<3x9x11xf32>
    // CHECK-NEXT: mxu.load %a <memory = spad, row = 0, dram_addr = 53, stride = 53, rows = 8, cols = 8, dtype = i8, deps = [push_next]> : memref<37x53xi8>
    mxu.load %a <memory = spad, row = 0, dram_addr = 53, stride = 53, rows = 8, cols = 8, dtype = i8, deps = [push_next]> : memref<37x53xi8>
    // CHECK-NEXT: mxu.load %d <memory = acc, row = 4, dram_addr = 0, stride = 116, rows = 3, cols = 8, dtype = i32, pad_rows = 5> : memref<37x29xi32>
    mxu.load %d <memory = acc, row = 4, dram_addr = 0, stride = 116, rows = 3, cols = 8, dtype = i32, pad_rows = 5> : memref<37x29xi32>
    // CHECK-NEXT: mxu.loadw <row = 0, rows = 8, cols = 8, dtype = i8, deps = [pop_prev]>
    mxu.loadw <row = 0, rows = 8, cols = 8, dtype = i8, deps = [pop_prev]>
    // CHECK-NEXT: mxu.matmul <row = 0, rows = 8, acc_row = 0, dtype = i8, accumulate = true>
    mxu.matmul <row = 0, rows = 8, acc_row = 0, dtype = i8, accumulate = true>
    // CHECK-NEXT: mxu.config <scale = -3, shift = 2>
    mxu.config <scale = -3, shift = 2>
    // CHECK-NEXT: mxu.activate <acc_row = 0, rows = 8, row = 64, cols = 8, dtype = i8, func = relu, has_bias = true, bias_row = 128, deps = [push_next]>
    mxu.activate <acc_row = 0, rows = 8, row = 64, cols = 8, dtype = i8, func = relu, has_bias = true, bias_row = 128, deps = [push_next]>
    // CHECK-NEXT: mxu.store %q <memory = spad, row = 64, dram_addr = 0, stride = 29, rows = 8, cols = 8, dtype = i8, deps = [pop_prev]> : memref<37x29xi8>
    mxu.store %q <memory = spad, row = 64, dram_addr = 0, stride = 29, rows = 8, cols = 8, dtype = i8, deps = [pop_prev]> : memref<37x29xi8>
    // CHECK-NEXT: mxu.fence
    mxu.fence
    // CHECK-NEXT: mxu.halt
    mxu.halt
  }
  return
}
