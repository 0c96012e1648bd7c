// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Mixed precision: bf16 and f16 operands accumulate into f32 (MLIR extends
// the inputs), and casts between float widths.

// CHECK-LABEL: func.func @bf16_matmul
func.func @bf16_matmul(%a: tensor<16x32xbf16>, %b: tensor<32x8xbf16>) -> tensor<16x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<16x8xf32>) -> tensor<16x8xf32>
  // CHECK: %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x8xbf16>) outs(%init : tensor<16x8xf32>) -> tensor<16x8xf32>
  %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x8xbf16>) outs(%init : tensor<16x8xf32>) -> tensor<16x8xf32>
  return %r : tensor<16x8xf32>
}

// CHECK-LABEL: func.func @bf16_batch_matmul
func.func @bf16_batch_matmul(%a: memref<2x4x8xbf16>, %b: memref<2x8x4xbf16>, %c: memref<2x4x4xf32>) {
  // CHECK: linalg.batch_matmul ins(%a, %b : memref<2x4x8xbf16>, memref<2x8x4xbf16>) outs(%c : memref<2x4x4xf32>)
  linalg.batch_matmul ins(%a, %b : memref<2x4x8xbf16>, memref<2x8x4xbf16>) outs(%c : memref<2x4x4xf32>)
  return
}

// CHECK-LABEL: func.func @f16_vecmat
func.func @f16_vecmat(%x: tensor<8xf16>, %a: tensor<8x4xf16>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: linalg.vecmat ins(%x, %a : tensor<8xf16>, tensor<8x4xf16>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  %r = linalg.vecmat ins(%x, %a : tensor<8xf16>, tensor<8x4xf16>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// CHECK-LABEL: func.func @truncate
func.func @truncate(%x: tensor<16x8xf32>) -> tensor<16x8xbf16> {
  %e = tensor.empty() : tensor<16x8xbf16>
  // CHECK: ^bb0(%in: f32, %out: bf16):
  // CHECK-NEXT: %t = arith.truncf %in : f32 to bf16
  // CHECK-NEXT: linalg.yield %t : bf16
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x8xf32>) outs(%e : tensor<16x8xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<16x8xbf16>
  return %r : tensor<16x8xbf16>
}

// CHECK-LABEL: func.func @scalars() -> (bf16, f16, f64)
func.func @scalars() -> (bf16, f16, f64) {
  // CHECK: %a = arith.constant 1.500000e+00 : bf16
  %a = arith.constant 1.5 : bf16
  // CHECK: %b = arith.constant -2.000000e+00 : f16
  %b = arith.constant -2.0 : f16
  %c = arith.constant 3.25 : f64
  // CHECK: arith.extf %a : bf16 to f32
  %d = arith.extf %a : bf16 to f32
  %e = arith.truncf %d : f32 to f16
  %f = arith.addf %e, %b : f16
  return %a, %f, %c : bf16, f16, f64
}
