// RUN: ziggurat-opt %s --split-input-file -p 'linalg-tile{tile-sizes=0,32}' | FileCheck %s

// A tile size of 0, a missing size, or one at least as large as the loop's
// range leave that loop untiled; with no loop left to tile, the op is unchanged.

// CHECK-LABEL: func.func @nothing_to_tile
// CHECK-NOT:     scf.for
// CHECK:         linalg.matmul ins(%A, %B : memref<8x8xf32>, memref<8x8xf32>) outs(%C : memref<8x8xf32>)
func.func @nothing_to_tile(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>) {
  linalg.matmul ins(%A, %B : memref<8x8xf32>, memref<8x8xf32>) outs(%C : memref<8x8xf32>)
  return
}

// -----

// Only n (64 > 32) is tiled: one loop, and the lhs is used whole.

// CHECK-LABEL: func.func @only_n
// CHECK:         scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NOT:       scf.for
// CHECK-NEXT:      %[[SB:.*]] = memref.subview %B[0, %[[N]]] [8, 32] [1, 1] : memref<8x64xf32> to memref<8x32xf32, strided<[64, 1], offset: ?>>
// CHECK-NEXT:      %[[SC:.*]] = memref.subview %C[0, %[[N]]] [8, 32] [1, 1] : memref<8x64xf32> to memref<8x32xf32, strided<[64, 1], offset: ?>>
// CHECK-NEXT:      linalg.matmul ins(%A, %[[SB]] : memref<8x8xf32>, memref<8x32xf32, strided<[64, 1], offset: ?>>) outs(%[[SC]] : memref<8x32xf32, strided<[64, 1], offset: ?>>)
func.func @only_n(%A: memref<8x8xf32>, %B: memref<8x64xf32>, %C: memref<8x64xf32>) {
  linalg.matmul ins(%A, %B : memref<8x8xf32>, memref<8x64xf32>) outs(%C : memref<8x64xf32>)
  return
}
