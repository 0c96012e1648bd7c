// REQUIRES: mlir-opt
// RUN: ziggurat-opt %s -p 'affine-loop-tile{tile-sizes=4,8}' | %mlir-opt | FileCheck %s

// Real MLIR reads the tiled loops, min bounds included.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[MIN:.*]] = affine_map<(d0)[s0] -> (d0 + 8, s0)>
// CHECK:     affine.for %[[IT:.*]] = 0 to 10 step 4 {
// CHECK:       affine.for %[[JT:.*]] = 0 to %[[N:.*]] step 8 {
// CHECK:         affine.for %{{.*}} = #[[ID]](%[[IT]]) to
// CHECK:           affine.for %{{.*}} = #[[ID]](%[[JT]]) to min #[[MIN]](%[[JT]])[%[[N]]] {
func.func @f(%A: memref<10x?xf32>) {
  %c1 = arith.constant 1 : index
  %n = memref.dim %A, %c1 : memref<10x?xf32>
  affine.for %i = 0 to 10 {
    affine.for %j = 0 to %n {
      %v = affine.load %A[%i, %j] : memref<10x?xf32>
      affine.store %v, %A[%i, %j] : memref<10x?xf32>
    }
  }
  return
}
