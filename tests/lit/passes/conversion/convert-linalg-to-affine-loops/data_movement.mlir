// RUN: ziggurat-opt %s -p convert-linalg-to-affine-loops | FileCheck %s

// copy, transpose, broadcast and reduce lower like any structured op: one
// loop per dimension of the iteration space.

// CHECK-LABEL: func.func @copy
// CHECK:       affine.for %[[I:.*]] = 0 to 16 {
// CHECK-NEXT:    affine.for %[[J:.*]] = 0 to 8 {
// CHECK-NEXT:      %[[v:.*]] = affine.load %{{.*}}[%[[I]], %[[J]]] : memref<16x8xi8>
// CHECK-NEXT:      %[[e:.*]] = arith.extsi %[[v]] : i8 to i32
// CHECK-NEXT:      affine.store %[[e]], %{{.*}}[%[[I]], %[[J]]] : memref<16x8xi32>
func.func @copy(%A: memref<16x8xi8>, %B: memref<16x8xi32>) {
  linalg.copy ins(%A : memref<16x8xi8>) outs(%B : memref<16x8xi32>)
  return
}

// The loops run over the output; the input is read transposed.
// CHECK-LABEL: func.func @transpose
// CHECK:       affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT:    affine.for %[[J:.*]] = 0 to 2 {
// CHECK-NEXT:      affine.for %[[K:.*]] = 0 to 3 {
// CHECK-NEXT:        %[[v:.*]] = affine.load %{{.*}}[%[[J]], %[[K]], %[[I]]] : memref<2x3x4xf32>
// CHECK-NEXT:        affine.store %[[v]], %{{.*}}[%[[I]], %[[J]], %[[K]]] : memref<4x2x3xf32>
func.func @transpose(%A: memref<2x3x4xf32>, %T: memref<4x2x3xf32>) {
  linalg.transpose ins(%A : memref<2x3x4xf32>) outs(%T : memref<4x2x3xf32>) permutation = [2, 0, 1]
  return
}

// CHECK-LABEL: func.func @broadcast
// CHECK:       affine.for %[[I:.*]] = 0 to 16 {
// CHECK-NEXT:    affine.for %[[J:.*]] = 0 to 8 {
// CHECK-NEXT:      %[[v:.*]] = affine.load %{{.*}}[%[[J]]] : memref<8xf32>
// CHECK-NEXT:      affine.store %[[v]], %{{.*}}[%[[I]], %[[J]]] : memref<16x8xf32>
func.func @broadcast(%v: memref<8xf32>, %B: memref<16x8xf32>) {
  linalg.broadcast ins(%v : memref<8xf32>) outs(%B : memref<16x8xf32>) dimensions = [0]
  return
}

// The reduced dimension is missing from the init's subscripts.
// CHECK-LABEL: func.func @reduce
// CHECK:       affine.for %[[I:.*]] = 0 to 16 {
// CHECK-NEXT:    affine.for %[[J:.*]] = 0 to 8 {
// CHECK-NEXT:      %[[v:.*]] = affine.load %{{.*}}[%[[I]], %[[J]]] : memref<16x8xf32>
// CHECK-NEXT:      %[[acc:.*]] = affine.load %{{.*}}[%[[J]]] : memref<8xf32>
// CHECK-NEXT:      %[[m:.*]] = arith.maximumf %[[v]], %[[acc]] : f32
// CHECK-NEXT:      affine.store %[[m]], %{{.*}}[%[[J]]] : memref<8xf32>
func.func @reduce(%A: memref<16x8xf32>, %r: memref<8xf32>) {
  linalg.reduce ins(%A : memref<16x8xf32>) outs(%r : memref<8xf32>) dimensions = [0]
    (%in: f32, %init: f32) {
      %m = arith.maximumf %in, %init : f32
      linalg.yield %m : f32
    }
  return
}

// A named elementwise op.
// CHECK-LABEL: func.func @add
// CHECK:       affine.for %[[I:.*]] = 0 to 5 {
// CHECK-NEXT:    %[[a:.*]] = affine.load %{{.*}}[%[[I]]] : memref<5xf32>
// CHECK-NEXT:    %[[b:.*]] = affine.load %{{.*}}[%[[I]]] : memref<5xf32>
// CHECK-NEXT:    %[[s:.*]] = arith.addf %[[a]], %[[b]] : f32
// CHECK-NEXT:    affine.store %[[s]], %{{.*}}[%[[I]]] : memref<5xf32>
func.func @add(%a: memref<5xf32>, %b: memref<5xf32>, %c: memref<5xf32>) {
  linalg.add ins(%a, %b : memref<5xf32>, memref<5xf32>) outs(%c : memref<5xf32>)
  return
}
