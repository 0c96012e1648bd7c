// RUN: ziggurat-opt %s -p lower-affine | FileCheck %s

// CHECK-LABEL: func.func @shifted_copy
// CHECK-SAME: (%[[A:.*]]: memref<10x10xf32>, %[[B:.*]]: memref<10x10xf32>, %[[i:.*]]: index, %[[j:.*]]: index)
// CHECK-NEXT:   %[[c1:.*]] = arith.constant 1 : index
// CHECK-NEXT:   %[[i1:.*]] = arith.addi %[[i]], %[[c1]] : index
// CHECK-NEXT:   %[[c2:.*]] = arith.constant 2 : index
// CHECK-NEXT:   %[[j2:.*]] = arith.muli %[[j]], %[[c2]] : index
// CHECK-NEXT:   %[[v:.*]] = memref.load %[[A]][%[[i1]], %[[j2]]] : memref<10x10xf32>
// CHECK-NEXT:   %[[c3:.*]] = arith.constant 3 : index
// CHECK-NEXT:   memref.store %[[v]], %[[B]][%[[j]], %[[c3]]] : memref<10x10xf32>
func.func @shifted_copy(%A: memref<10x10xf32>, %B: memref<10x10xf32>, %i: index, %j: index) {
  %v = affine.load %A[%i + 1, %j * 2] : memref<10x10xf32>
  affine.store %v, %B[%j, 3] : memref<10x10xf32>
  return
}

// CHECK-LABEL: func.func @vectors
// CHECK:       %[[v:.*]] = vector.load %{{.*}}[%{{.*}}] : memref<64xf32>, vector<8xf32>
// CHECK:       vector.store %[[v]], %{{.*}}[%{{.*}}] : memref<64xf32>, vector<8xf32>
func.func @vectors(%A: memref<64xf32>, %i: index) {
  %v = affine.vector_load %A[%i * 8] : memref<64xf32>, vector<8xf32>
  affine.vector_store %v, %A[%i * 8 + 1] : memref<64xf32>, vector<8xf32>
  return
}
