// RUN: ziggurat-opt %s --split-input-file -p 'affine-loop-unroll{factor=4}' | FileCheck %s

// 10 iterations by 4: a loop of 2 x 4 copies (copy k reads %i + k), then a
// remainder loop for the last 2 iterations.

// CHECK-LABEL: func.func @scale
// CHECK-NEXT:   affine.for %[[I:.*]] = 0 to 8 step 4 {
// CHECK-NEXT:     %[[V0:.*]] = affine.load %[[A:.*]][%[[I]]] : memref<10xf32>
// CHECK-NEXT:     %[[S0:.*]] = arith.mulf %[[V0]], %[[X:.*]] : f32
// CHECK-NEXT:     affine.store %[[S0]], %[[A]][%[[I]]] : memref<10xf32>
// CHECK-NEXT:     %[[I1:.*]] = affine.apply affine_map<(d0) -> ((d0 + 1))>(%[[I]])
// CHECK-NEXT:     %[[V1:.*]] = affine.load %[[A]][%[[I1]]] : memref<10xf32>
// CHECK-NEXT:     %[[S1:.*]] = arith.mulf %[[V1]], %[[X]] : f32
// CHECK-NEXT:     affine.store %[[S1]], %[[A]][%[[I1]]] : memref<10xf32>
// CHECK-NEXT:     %[[I2:.*]] = affine.apply affine_map<(d0) -> ((d0 + 2))>(%[[I]])
// CHECK:          %[[I3:.*]] = affine.apply affine_map<(d0) -> ((d0 + 3))>(%[[I]])
// CHECK-NEXT:     %[[V3:.*]] = affine.load %[[A]][%[[I3]]] : memref<10xf32>
// CHECK-NEXT:     %[[S3:.*]] = arith.mulf %[[V3]], %[[X]] : f32
// CHECK-NEXT:     affine.store %[[S3]], %[[A]][%[[I3]]] : memref<10xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   affine.for %[[R:.*]] = 8 to 10 {
// CHECK-NEXT:     %[[VR:.*]] = affine.load %[[A]][%[[R]]] : memref<10xf32>
// CHECK-NEXT:     %[[SR:.*]] = arith.mulf %[[VR]], %[[X]] : f32
// CHECK-NEXT:     affine.store %[[SR]], %[[A]][%[[R]]] : memref<10xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return
func.func @scale(%A: memref<10xf32>, %x: f32) {
  affine.for %i = 0 to 10 {
    %v = affine.load %A[%i] : memref<10xf32>
    %s = arith.mulf %v, %x : f32
    affine.store %s, %A[%i] : memref<10xf32>
  }
  return
}

// -----

// A trip count divisible by the factor needs no remainder loop. Only the
// innermost loop is unrolled; with step 2 the copies read %j + 2k.

// CHECK-LABEL: func.func @nested
// CHECK-NEXT:   affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT:     affine.for %[[J:.*]] = 1 to 17 step 8 {
// CHECK-NEXT:       affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]]
// CHECK-NEXT:       %[[J1:.*]] = affine.apply affine_map<(d0) -> ((d0 + 2))>(%[[J]])
// CHECK-NEXT:       affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J1]]]
// CHECK-NEXT:       %[[J2:.*]] = affine.apply affine_map<(d0) -> ((d0 + 4))>(%[[J]])
// CHECK-NEXT:       affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J2]]]
// CHECK-NEXT:       %[[J3:.*]] = affine.apply affine_map<(d0) -> ((d0 + 6))>(%[[J]])
// CHECK-NEXT:       affine.store %{{.*}}, %{{.*}}[%[[I]], %[[J3]]]
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return
func.func @nested(%A: memref<4x17xf32>, %x: f32) {
  affine.for %i = 0 to 4 {
    affine.for %j = 1 to 17 step 2 {
      affine.store %x, %A[%i, %j] : memref<4x17xf32>
    }
  }
  return
}

// -----

// Fewer iterations than the factor: nothing to unroll, as in MLIR.

// CHECK-LABEL: func.func @short
// CHECK-NEXT:   affine.for %{{.*}} = 0 to 3 {
// CHECK-NEXT:     affine.store
// CHECK-NEXT:   }
func.func @short(%A: memref<3xf32>, %x: f32) {
  affine.for %i = 0 to 3 {
    affine.store %x, %A[%i] : memref<3xf32>
  }
  return
}
