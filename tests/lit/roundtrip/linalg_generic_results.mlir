// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t
// RUN: %if mlir-opt %{ %mlir-opt %t | FileCheck %s --check-prefix=MLIR %}

// A linalg.generic with two results: MLIR writes their types in parentheses.

// CHECK-LABEL: func.func @split
// CHECK: %{{.*}}, %{{.*}} = linalg.generic {{.*}} outs(%e, %e : tensor<4xf32>, tensor<4xf32>) {
// CHECK: linalg.yield %a, %n : f32, f32
// CHECK-NEXT: } -> (tensor<4xf32>, tensor<4xf32>)
// MLIR: -> (tensor<4xf32>, tensor<4xf32>)
func.func @split(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %r:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e, %e : tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32, %p: f32):
    %n = arith.negf %a : f32
    linalg.yield %a, %n : f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>)
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}
