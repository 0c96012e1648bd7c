// RUN: ziggurat-opt %s -p convert-linalg-to-affine-loops | FileCheck %s

// A reduction generic over a transposed input: column sums weighted by the
// row index. linalg.index becomes the induction variable of its loop.

// CHECK-LABEL: func.func @weighted_column_sums
// CHECK-SAME: (%[[A:.*]]: memref<4x5xf32>, %[[R:.*]]: memref<5xf32>)
// CHECK-NEXT:   affine.for %[[J:.*]] = 0 to 5 {
// CHECK-NEXT:     affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT:       %[[a:.*]] = affine.load %[[A]][%[[I]], %[[J]]] : memref<4x5xf32>
// CHECK-NEXT:       %[[acc:.*]] = affine.load %[[R]][%[[J]]] : memref<5xf32>
// CHECK-NEXT:       %[[ii:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK-NEXT:       %[[f:.*]] = arith.sitofp %[[ii]] : i32 to f32
// CHECK-NEXT:       %[[m:.*]] = arith.mulf %[[a]], %[[f]] : f32
// CHECK-NEXT:       %[[s:.*]] = arith.addf %[[m]], %[[acc]] : f32
// CHECK-NEXT:       affine.store %[[s]], %[[R]][%[[J]]] : memref<5xf32>
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NOT:  linalg.
func.func @weighted_column_sums(%A: memref<4x5xf32>, %r: memref<5xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%A : memref<4x5xf32>) outs(%r : memref<5xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %m = arith.mulf %a, %f : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// A constant subscript, a broadcast (missing dimension) and a scalar operand.
// Outputs whose value the body never reads are not loaded.
// CHECK-LABEL: func.func @broadcast_column
// CHECK-SAME: (%[[A:.*]]: memref<6x3xi32>, %[[B:.*]]: memref<6x3xi32>, %[[k:.*]]: i32)
// CHECK-NEXT:   affine.for %[[I:.*]] = 0 to 6 {
// CHECK-NEXT:     affine.for %[[J:.*]] = 0 to 3 {
// CHECK-NEXT:       %[[a:.*]] = affine.load %[[A]][%[[I]], 2] : memref<6x3xi32>
// CHECK-NEXT:       %[[s:.*]] = arith.addi %[[a]], %[[k]] : i32
// CHECK-NEXT:       affine.store %[[s]], %[[B]][%[[I]], %[[J]]] : memref<6x3xi32>
// CHECK-NEXT:     }
// CHECK-NEXT:   }
func.func @broadcast_column(%A: memref<6x3xi32>, %B: memref<6x3xi32>, %k: i32) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 2)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%A, %k : memref<6x3xi32>, i32) outs(%B : memref<6x3xi32>) {
  ^bb0(%a: i32, %kk: i32, %out: i32):
    %s = arith.addi %a, %kk : i32
    linalg.yield %s : i32
  }
  return
}

// Two outputs: one store each, through each output's own map.
// CHECK-LABEL: func.func @min_max
// CHECK:       affine.for %[[I:.*]] = 0 to 7 {
// CHECK:         affine.store %{{.*}}, %{{.*}}[%[[I]]] : memref<7xf32>
// CHECK-NEXT:    affine.store %{{.*}}, %{{.*}}[] : memref<f32>
func.func @min_max(%x: memref<7xf32>, %y: memref<7xf32>, %m: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]} ins(%x : memref<7xf32>) outs(%y, %m : memref<7xf32>, memref<f32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %n = arith.negf %a : f32
    %mx = arith.maximumf %a, %acc : f32
    linalg.yield %n, %mx : f32, f32
  }
  return
}
