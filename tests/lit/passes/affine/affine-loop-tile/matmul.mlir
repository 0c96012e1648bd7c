// RUN: ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=4,3}' | FileCheck %s

// Tile loops step by the tile size around point loops; 10 is not a multiple
// of 4, so the point loop of %i stops at min(tile start + 4, 10), while 9 is
// a multiple of 3 and needs no min. %k has no size: it stays untiled, inside.

// CHECK-LABEL: func.func @matmul
// CHECK-NEXT:   affine.for %[[IT:.*]] = 0 to 10 step 4 {
// CHECK-NEXT:     affine.for %[[JT:.*]] = 0 to 9 step 3 {
// CHECK-NEXT:       affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[IT]]) to min affine_map<(d0) -> ((d0 + 4), 10)>(%[[IT]]) {
// CHECK-NEXT:         affine.for %[[J:.*]] = affine_map<(d0) -> (d0)>(%[[JT]]) to affine_map<(d0) -> ((d0 + 3))>(%[[JT]]) {
// CHECK-NEXT:           affine.for %[[K:.*]] = 0 to 7 {
// CHECK-NEXT:             affine.load %{{.*}}[%[[I]], %[[K]]] : memref<10x7xf32>
// CHECK-NEXT:             affine.load %{{.*}}[%[[K]], %[[J]]] : memref<7x9xf32>
// CHECK-NEXT:             affine.load %{{.*}}[%[[I]], %[[J]]] : memref<10x9xf32>
// CHECK-NEXT:             arith.mulf
// CHECK-NEXT:             arith.addf
// CHECK-NEXT:             affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<10x9xf32>
// CHECK-NEXT:           }
// CHECK-NEXT:         }
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return
func.func @matmul(%A: memref<10x7xf32>, %B: memref<7x9xf32>, %C: memref<10x9xf32>) {
  affine.for %i = 0 to 10 {
    affine.for %j = 0 to 9 {
      affine.for %k = 0 to 7 {
        %a = affine.load %A[%i, %k] : memref<10x7xf32>
        %b = affine.load %B[%k, %j] : memref<7x9xf32>
        %c = affine.load %C[%i, %j] : memref<10x9xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<10x9xf32>
      }
    }
  }
  return
}
