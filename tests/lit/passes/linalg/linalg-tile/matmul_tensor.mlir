// RUN: ziggurat-opt %s -p 'linalg-tile{tile-sizes=4,8}' | FileCheck %s

// On tensors, the output is threaded through the loops as an iter_arg: each
// tile extracts its inputs' slices and its output slice from the iter_arg,
// computes, inserts the result back and yields it. Only m and n are tiled
// (k has no size): the lhs slice spans all of k, and the rhs is sliced in n only.

// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:      %[[A:.*]]: tensor<10x7xf32>, %[[B:.*]]: tensor<7x16xf32>, %[[C:.*]]: tensor<10x16xf32>) -> tensor<10x16xf32>
// CHECK:         %[[R:.*]] = scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC0:.*]] = %[[C]]) -> (tensor<10x16xf32>) {
// CHECK-NEXT:      %[[TM:.*]] = affine.min affine_map<(d0) -> (4, ((d0 * -1) + 10))>(%[[M]])
// CHECK-NEXT:      %[[INNER:.*]] = scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC1:.*]] = %[[ACC0]]) -> (tensor<10x16xf32>) {
// CHECK-NEXT:        %[[SA:.*]] = tensor.extract_slice %[[A]][%[[M]], 0] [%[[TM]], 7] [1, 1] : tensor<10x7xf32> to tensor<?x7xf32>
// CHECK-NEXT:        %[[SB:.*]] = tensor.extract_slice %[[B]][0, %[[N]]] [7, 8] [1, 1] : tensor<7x16xf32> to tensor<7x8xf32>
// CHECK-NEXT:        %[[SC:.*]] = tensor.extract_slice %[[ACC1]][%[[M]], %[[N]]] [%[[TM]], 8] [1, 1] : tensor<10x16xf32> to tensor<?x8xf32>
// CHECK-NEXT:        %[[T:.*]] = linalg.matmul ins(%[[SA]], %[[SB]] : tensor<?x7xf32>, tensor<7x8xf32>) outs(%[[SC]] : tensor<?x8xf32>) -> tensor<?x8xf32>
// CHECK-NEXT:        %[[INS:.*]] = tensor.insert_slice %[[T]] into %[[ACC1]][%[[M]], %[[N]]] [%[[TM]], 8] [1, 1] : tensor<?x8xf32> into tensor<10x16xf32>
// CHECK-NEXT:        scf.yield %[[INS]] : tensor<10x16xf32>
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[INNER]] : tensor<10x16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]] : tensor<10x16xf32>
func.func @matmul(%A: tensor<10x7xf32>, %B: tensor<7x16xf32>, %C: tensor<10x16xf32>) -> tensor<10x16xf32> {
  %r = linalg.matmul ins(%A, %B : tensor<10x7xf32>, tensor<7x16xf32>) outs(%C : tensor<10x16xf32>) -> tensor<10x16xf32>
  return %r : tensor<10x16xf32>
}
