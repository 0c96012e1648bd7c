// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Quantized kernels: i8 operands accumulate into i32 (MLIR sign-extends the
// inputs), on tensors and memrefs, then a requantizing generic back to i8.

// CHECK-LABEL: func.func @int8_matmul
func.func @int8_matmul(%a: tensor<32x64xi8>, %b: tensor<64x16xi8>) -> tensor<32x16xi32> {
  // CHECK: %c0 = arith.constant 0 : i32
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<32x16xi32>
  // CHECK: linalg.fill ins(%c0 : i32) outs(%e : tensor<32x16xi32>) -> tensor<32x16xi32>
  %init = linalg.fill ins(%c0 : i32) outs(%e : tensor<32x16xi32>) -> tensor<32x16xi32>
  // CHECK: %r = linalg.matmul ins(%a, %b : tensor<32x64xi8>, tensor<64x16xi8>) outs(%init : tensor<32x16xi32>) -> tensor<32x16xi32>
  %r = linalg.matmul ins(%a, %b : tensor<32x64xi8>, tensor<64x16xi8>) outs(%init : tensor<32x16xi32>) -> tensor<32x16xi32>
  return %r : tensor<32x16xi32>
}

// CHECK-LABEL: func.func @int8_matmul_memref
func.func @int8_matmul_memref(%a: memref<32x64xi8>, %b: memref<64x16xi8>, %c: memref<32x16xi32>) {
  // CHECK: linalg.matmul ins(%a, %b : memref<32x64xi8>, memref<64x16xi8>) outs(%c : memref<32x16xi32>){{$}}
  linalg.matmul ins(%a, %b : memref<32x64xi8>, memref<64x16xi8>) outs(%c : memref<32x16xi32>)
  return
}

// CHECK-LABEL: func.func @int8_family
func.func @int8_family(%a3: tensor<2x8x4xi8>, %b3: tensor<2x4x8xi8>, %c3: tensor<2x8x8xi32>,
                       %m: tensor<8x4xi8>, %x: tensor<4xi8>, %y: tensor<8xi32>,
                       %u: tensor<64xi8>, %v: tensor<64xi8>, %d: tensor<i32>) -> (tensor<2x8x8xi32>, tensor<8xi32>, tensor<i32>) {
  // CHECK: linalg.batch_matmul ins(%a3, %b3 : tensor<2x8x4xi8>, tensor<2x4x8xi8>) outs(%c3 : tensor<2x8x8xi32>) -> tensor<2x8x8xi32>
  %0 = linalg.batch_matmul ins(%a3, %b3 : tensor<2x8x4xi8>, tensor<2x4x8xi8>) outs(%c3 : tensor<2x8x8xi32>) -> tensor<2x8x8xi32>
  // CHECK: linalg.matvec ins(%m, %x : tensor<8x4xi8>, tensor<4xi8>) outs(%y : tensor<8xi32>) -> tensor<8xi32>
  %1 = linalg.matvec ins(%m, %x : tensor<8x4xi8>, tensor<4xi8>) outs(%y : tensor<8xi32>) -> tensor<8xi32>
  // CHECK: linalg.dot ins(%u, %v : tensor<64xi8>, tensor<64xi8>) outs(%d : tensor<i32>) -> tensor<i32>
  %2 = linalg.dot ins(%u, %v : tensor<64xi8>, tensor<64xi8>) outs(%d : tensor<i32>) -> tensor<i32>
  return %0, %1, %2 : tensor<2x8x8xi32>, tensor<8xi32>, tensor<i32>
}

// CHECK-LABEL: func.func @int8_conv
func.func @int8_conv(%img: tensor<1x8x8x4xi8>, %f: tensor<3x3x4x8xi8>, %o: tensor<1x6x6x8xi32>) -> tensor<1x6x6x8xi32> {
  // CHECK: linalg.conv_2d_nhwc_hwcf ins(%img, %f : tensor<1x8x8x4xi8>, tensor<3x3x4x8xi8>) outs(%o : tensor<1x6x6x8xi32>) -> tensor<1x6x6x8xi32>
  %r = linalg.conv_2d_nhwc_hwcf ins(%img, %f : tensor<1x8x8x4xi8>, tensor<3x3x4x8xi8>) outs(%o : tensor<1x6x6x8xi32>) -> tensor<1x6x6x8xi32>
  return %r : tensor<1x6x6x8xi32>
}

// CHECK-LABEL: func.func @requantize
func.func @requantize(%acc: tensor<32x16xi32>, %scale: f32) -> tensor<32x16xi8> {
  %e = tensor.empty() : tensor<32x16xi8>
  // CHECK: ^bb0(%x: i32, %o: i8):
  // CHECK: arith.sitofp %x : i32 to f32
  // CHECK: %lo = arith.constant -1.280000e+02 : f32
  // CHECK: arith.fptosi %{{.*}} : f32 to i8
  // CHECK: linalg.yield %{{.*}} : i8
  // CHECK: } -> tensor<32x16xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc : tensor<32x16xi32>) outs(%e : tensor<32x16xi8>) {
  ^bb0(%x: i32, %o: i8):
    %f = arith.sitofp %x : i32 to f32
    %s = arith.mulf %f, %scale : f32
    %lo = arith.constant -1.280000e+02 : f32
    %hi = arith.constant 1.270000e+02 : f32
    %c1 = arith.maximumf %s, %lo : f32
    %c2 = arith.minimumf %c1, %hi : f32
    %i = arith.fptosi %c2 : f32 to i8
    linalg.yield %i : i8
  } -> tensor<32x16xi8>
  return %r : tensor<32x16xi8>
}
