// RUN: ziggurat-opt %s -p 'linalg-tile{tile-sizes=4,8,3}' | FileCheck %s

// A matmul on memrefs tiled 4x8x3: one scf.for per loop (m, n, k), subviews
// of each operand for the tile, and the same matmul on the subviews. 13 and 7
// are not multiples of 4 and 3: the last tile's size is an affine.min and
// those subviews are dynamically sized; 16 is a multiple of 8, so n tiles
// are static.

// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:      %[[A:.*]]: memref<13x7xf32>, %[[B:.*]]: memref<7x16xf32>, %[[C:.*]]: memref<13x16xf32>)
// CHECK-DAG:     %[[C13:.*]] = arith.constant 13 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG:     %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK:         scf.for %[[M:.*]] = %[[C0]] to %[[C13]] step %[[C4]] {
// CHECK-NEXT:      %[[TM:.*]] = affine.min affine_map<(d0) -> (4, ((d0 * -1) + 13))>(%[[M]])
// CHECK-NEXT:      scf.for %[[N:.*]] = %[[C0]] to %[[C16]] step %[[C8]] {
// CHECK-NEXT:        scf.for %[[K:.*]] = %[[C0]] to %[[C7]] step %[[C3]] {
// CHECK-NEXT:          %[[TK:.*]] = affine.min affine_map<(d0) -> (3, ((d0 * -1) + 7))>(%[[K]])
// CHECK-NEXT:          %[[SA:.*]] = memref.subview %[[A]][%[[M]], %[[K]]] [%[[TM]], %[[TK]]] [1, 1] : memref<13x7xf32> to memref<?x?xf32, strided<[7, 1], offset: ?>>
// CHECK-NEXT:          %[[SB:.*]] = memref.subview %[[B]][%[[K]], %[[N]]] [%[[TK]], 8] [1, 1] : memref<7x16xf32> to memref<?x8xf32, strided<[16, 1], offset: ?>>
// CHECK-NEXT:          %[[SC:.*]] = memref.subview %[[C]][%[[M]], %[[N]]] [%[[TM]], 8] [1, 1] : memref<13x16xf32> to memref<?x8xf32, strided<[16, 1], offset: ?>>
// CHECK-NEXT:          linalg.matmul ins(%[[SA]], %[[SB]] : memref<?x?xf32, strided<[7, 1], offset: ?>>, memref<?x8xf32, strided<[16, 1], offset: ?>>) outs(%[[SC]] : memref<?x8xf32, strided<[16, 1], offset: ?>>)
// CHECK-NEXT:        }
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
func.func @matmul(%A: memref<13x7xf32>, %B: memref<7x16xf32>, %C: memref<13x16xf32>) {
  linalg.matmul ins(%A, %B : memref<13x7xf32>, memref<7x16xf32>) outs(%C : memref<13x16xf32>)
  return
}
