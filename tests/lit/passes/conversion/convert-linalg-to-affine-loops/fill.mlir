// RUN: ziggurat-opt %s -p convert-linalg-to-affine-loops | FileCheck %s

// linalg.fill: the scalar is stored directly, the output is never loaded.
// CHECK-LABEL: func.func @fill
// CHECK-SAME: (%[[C:.*]]: memref<3x4x5xf32>)
// CHECK-NEXT:   %[[zero:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:   affine.for %[[I:.*]] = 0 to 3 {
// CHECK-NEXT:     affine.for %[[J:.*]] = 0 to 4 {
// CHECK-NEXT:       affine.for %[[K:.*]] = 0 to 5 {
// CHECK-NEXT:         affine.store %[[zero]], %[[C]][%[[I]], %[[J]], %[[K]]] : memref<3x4x5xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return
func.func @fill(%C: memref<3x4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%C : memref<3x4x5xf32>)
  return
}

// A zero-dimensional fill has no loops.
// CHECK-LABEL: func.func @fill_scalar
// CHECK-NEXT:   %[[v:.*]] = arith.constant
// CHECK-NEXT:   affine.store %[[v]], %{{.*}}[] : memref<f64>
// CHECK-NEXT:   func.return
func.func @fill_scalar(%C: memref<f64>) {
  %v = arith.constant 1.5 : f64
  linalg.fill ins(%v : f64) outs(%C : memref<f64>)
  return
}
