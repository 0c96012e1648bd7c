// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Scaled dot-product attention: batch_matmul, a numerically stable softmax
// written as generics (row max, exp, row sum, divide), batch_matmul again.

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row3 = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<4x8x16xf32>, %k: tensor<4x16x8xf32>, %v: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  // CHECK: %ninf = arith.constant 0xff800000 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %scale = arith.constant 2.500000e-01 : f32
  %e3 = tensor.empty() : tensor<4x8x8xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  // CHECK: %scores = linalg.batch_matmul ins(%q, %k : tensor<4x8x16xf32>, tensor<4x16x8xf32>) outs(%s0 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %scores = linalg.batch_matmul ins(%q, %k : tensor<4x8x16xf32>, tensor<4x16x8xf32>) outs(%s0 : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %e2 = tensor.empty() : tensor<4x8xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK: %max = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%scores : tensor<4x8x8xf32>) outs(%m0 : tensor<4x8xf32>)
  // CHECK: arith.maximumf
  %max = linalg.generic {indexing_maps = [#id3, #row3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%scores : tensor<4x8x8xf32>) outs(%m0 : tensor<4x8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %y = arith.maximumf %x, %acc : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  // CHECK: %exp = linalg.generic
  // CHECK: arith.subf
  // CHECK: math.exp %{{.*}} : f32
  %exp = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%scores, %max : tensor<4x8x8xf32>, tensor<4x8xf32>) outs(%e3 : tensor<4x8x8xf32>) {
  ^bb0(%x: f32, %m: f32, %o: f32):
    %d = arith.subf %x, %m : f32
    %sc = arith.mulf %d, %scale : f32
    %ex = math.exp %sc : f32
    linalg.yield %ex : f32
  } -> tensor<4x8x8xf32>
  %z0 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK: %sum = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
  %sum = linalg.generic {indexing_maps = [#id3, #row3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%exp : tensor<4x8x8xf32>) outs(%z0 : tensor<4x8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %y = arith.addf %x, %acc : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  // CHECK: %probs = linalg.generic
  // CHECK: arith.divf
  %probs = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%exp, %sum : tensor<4x8x8xf32>, tensor<4x8xf32>) outs(%e3 : tensor<4x8x8xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %y = arith.divf %x, %s : f32
    linalg.yield %y : f32
  } -> tensor<4x8x8xf32>
  %eo = tensor.empty() : tensor<4x8x16xf32>
  %o0 = linalg.fill ins(%zero : f32) outs(%eo : tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  // CHECK: %out = linalg.batch_matmul ins(%probs, %v : tensor<4x8x8xf32>, tensor<4x8x16xf32>)
  %out = linalg.batch_matmul ins(%probs, %v : tensor<4x8x8xf32>, tensor<4x8x16xf32>) outs(%o0 : tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  return %out : tensor<4x8x16xf32>
}

// The row max again, as linalg.reduce.

// CHECK-LABEL: func.func @row_max
func.func @row_max(%x: tensor<8x32xf32>) -> tensor<8xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<8xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  // CHECK: %m = linalg.reduce ins(%x{{ ?}}:{{ ?}}tensor<8x32xf32>) outs(%init{{ ?}}:{{ ?}}tensor<8xf32>) dimensions = [1]
  // CHECK-NEXT: (%in: f32, %acc: f32) {
  // CHECK-NEXT:   %r = arith.maximumf %in, %acc : f32
  // CHECK-NEXT:   linalg.yield %r : f32
  // CHECK-NEXT: }
  %m = linalg.reduce ins(%x : tensor<8x32xf32>) outs(%init : tensor<8xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %r = arith.maximumf %in, %acc : f32
      linalg.yield %r : f32
    }
  return %m : tensor<8xf32>
}
