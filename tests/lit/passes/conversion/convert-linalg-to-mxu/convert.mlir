// RUN: ziggurat-opt %s --split-input-file -p ziggurat-bufferize,convert-linalg-to-mxu,canonicalize | FileCheck %s
// RUN: not ziggurat-opt %s --split-input-file -p "ziggurat-bufferize,convert-linalg-to-mxu{host-fallback=false}" 2>&1 | FileCheck %s --check-prefix=ERR

// A zero fill and an epilogue the activation unit can run (bias, ReLU,
// requantisation to i8) fold into one mxu.gemm that writes the i8 result.

// CHECK-LABEL: func.func @requantized
// CHECK-NOT:   linalg.
// CHECK:       device.launch target(#device.target<mxu>) {
// CHECK-NEXT:    mxu.gemm %x, %w -> %{{.*}} bias %bias <func = relu, scale = 77, shift = 10> : memref<37x53xi8>, memref<53x29xi8>, memref<37x29xi8>, memref<29xi32>
// CHECK-NEXT:  }
// CHECK-NOT:   linalg.
func.func @requantized(%x: tensor<37x53xi8>, %w: tensor<53x29xi8>, %bias: tensor<29xi32>) -> tensor<37x29xi8> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<37x29xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<37x29xi32>) -> tensor<37x29xi32>
  %mm = linalg.matmul ins(%x, %w : tensor<37x53xi8>, tensor<53x29xi8>) outs(%init : tensor<37x29xi32>) -> tensor<37x29xi32>
  %e8 = tensor.empty() : tensor<37x29xi8>
  %scale = arith.constant 77 : i64
  %round = arith.constant 512 : i64
  %shift = arith.constant 10 : i64
  %lo = arith.constant -128 : i64
  %hi = arith.constant 127 : i64
  %q = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<37x29xi32>, tensor<29xi32>) outs(%e8 : tensor<37x29xi8>) {
  ^bb0(%v: i32, %b: i32, %o: i8):
    %s = arith.addi %v, %b : i32
    %r = arith.maxsi %s, %zero : i32
    %w64 = arith.extsi %r : i32 to i64
    %m = arith.muli %w64, %scale : i64
    %a = arith.addi %m, %round : i64
    %sh = arith.shrsi %a, %shift : i64
    %c1 = arith.maxsi %sh, %lo : i64
    %c2 = arith.minsi %c1, %hi : i64
    %t = arith.trunci %c2 : i64 to i8
    linalg.yield %t : i8
  } -> tensor<37x29xi8>
  return %q : tensor<37x29xi8>
}

// -----

// Without a zero fill the unit reads C first and accumulates into it.

// CHECK-LABEL: func.func @accumulating
// CHECK:       mxu.gemm %a, %b -> %c <accumulate = true> : memref<10x12xf32>, memref<12x7xf32>, memref<10x7xf32>
func.func @accumulating(%a: memref<10x12xf32>, %b: memref<12x7xf32>, %c: memref<10x7xf32>) {
  linalg.matmul ins(%a, %b : memref<10x12xf32>, memref<12x7xf32>) outs(%c : memref<10x7xf32>)
  return
}

// -----

// The array has no f64: the matmul stays on the host, or is an error when
// host fallback is off.

// CHECK-LABEL: func.func @double
// CHECK-NOT:   device.launch
// CHECK:       linalg.matmul
func.func @double(%a: memref<4x4xf64>, %b: memref<4x4xf64>, %c: memref<4x4xf64>) {
  // ERR: convert.mlir:[[# @LINE + 1]]:3: error: convert-linalg-to-mxu: cannot lower 'linalg.matmul' to the mxu: the array multiplies i8 -> i32, bf16 -> f32 and f32 -> f32, not f64, f64, f64
  linalg.matmul ins(%a, %b : memref<4x4xf64>, memref<4x4xf64>) outs(%c : memref<4x4xf64>)
  return
}

// -----

// A loop between the fill and the matmul writes C: the fill is not the matmul's
// starting point any more, so the unit accumulates into C as the loop left it.

// CHECK-LABEL: func.func @written_between
// CHECK:       linalg.fill
// CHECK:       affine.for
// CHECK:       mxu.gemm %a, %b -> %c <accumulate = true>
func.func @written_between(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<8x8xf32>)
  affine.for %i = 0 to 8 {
    affine.store %one, %c[%i, %i] : memref<8x8xf32>
  }
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  return
}
