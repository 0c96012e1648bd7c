// RUN: ziggurat-opt %s -p 'linalg-tile{tile-sizes=0,0,5}' | FileCheck %s

// Tiling only the reduction loop k of a matmul on tensors: every tile reads
// and accumulates into the whole output (the iter_arg), so there is no
// output slice to extract or insert.

// CHECK-LABEL: func.func @matmul_k(
// CHECK-SAME:      %[[A:.*]]: tensor<4x12xf32>, %[[B:.*]]: tensor<12x6xf32>, %[[C:.*]]: tensor<4x6xf32>)
// CHECK:         %[[R:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[C]]) -> (tensor<4x6xf32>) {
// CHECK-NEXT:      %[[TK:.*]] = affine.min affine_map<(d0) -> (5, ((d0 * -1) + 12))>(%[[K]])
// CHECK-NEXT:      %[[SA:.*]] = tensor.extract_slice %[[A]][0, %[[K]]] [4, %[[TK]]] [1, 1] : tensor<4x12xf32> to tensor<4x?xf32>
// CHECK-NEXT:      %[[SB:.*]] = tensor.extract_slice %[[B]][%[[K]], 0] [%[[TK]], 6] [1, 1] : tensor<12x6xf32> to tensor<?x6xf32>
// CHECK-NEXT:      %[[T:.*]] = linalg.matmul ins(%[[SA]], %[[SB]] : tensor<4x?xf32>, tensor<?x6xf32>) outs(%[[ACC]] : tensor<4x6xf32>) -> tensor<4x6xf32>
// CHECK-NEXT:      scf.yield %[[T]] : tensor<4x6xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]]
func.func @matmul_k(%A: tensor<4x12xf32>, %B: tensor<12x6xf32>, %C: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %r = linalg.matmul ins(%A, %B : tensor<4x12xf32>, tensor<12x6xf32>) outs(%C : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %r : tensor<4x6xf32>
}
