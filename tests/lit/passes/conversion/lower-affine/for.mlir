// RUN: ziggurat-opt %s -p lower-affine | FileCheck %s

// CHECK-LABEL: func.func @constant_bounds
// CHECK-NEXT:   %[[lb:.*]] = arith.constant 2 : index
// CHECK-NEXT:   %[[ub:.*]] = arith.constant 10 : index
// CHECK-NEXT:   %[[step:.*]] = arith.constant 3 : index
// CHECK-NEXT:   scf.for %[[I:.*]] = %[[lb]] to %[[ub]] step %[[step]] {
// CHECK-NEXT:     memref.store %{{.*}}, %{{.*}}[%[[I]]] : memref<16xf32>
// CHECK-NEXT:   }
// CHECK-NOT:  affine.
func.func @constant_bounds(%A: memref<16xf32>, %v: f32) {
  affine.for %i = 2 to 10 step 3 {
    affine.store %v, %A[%i] : memref<16xf32>
  }
  return
}

// Several lower bounds: their maximum; several upper bounds: their minimum.
// CHECK-LABEL: func.func @min_max_bounds
// CHECK-SAME: (%[[A:.*]]: memref<16xf32>, %[[v:.*]]: f32, %[[n:.*]]: index, %[[m:.*]]: index)
// CHECK-NEXT:   %[[c0:.*]] = arith.constant 0 : index
// CHECK-NEXT:   %[[c:.*]] = arith.constant -4 : index
// CHECK-NEXT:   %[[l1:.*]] = arith.addi %[[m]], %[[c]] : index
// CHECK-NEXT:   %[[lb:.*]] = arith.maxsi %[[c0]], %[[l1]] : index
// CHECK-NEXT:   %[[c16:.*]] = arith.constant 16 : index
// CHECK-NEXT:   %[[ub1:.*]] = arith.minsi %[[n]], %[[c16]] : index
// CHECK-NEXT:   %[[ub:.*]] = arith.minsi %[[ub1]], %[[m]] : index
// CHECK-NEXT:   %[[step:.*]] = arith.constant 1 : index
// CHECK-NEXT:   scf.for %[[I:.*]] = %[[lb]] to %[[ub]] step %[[step]] {
func.func @min_max_bounds(%A: memref<16xf32>, %v: f32, %n: index, %m: index) {
  affine.for %i = max affine_map<()[s0] -> (0, s0 - 4)>()[%m] to min affine_map<(d0)[s0] -> (d0, 16, s0)>(%n)[%m] {
    affine.store %v, %A[%i] : memref<16xf32>
  }
  return
}

// iter_args carry over; affine.yield becomes scf.yield.
// CHECK-LABEL: func.func @sum
// CHECK:       %[[r:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[acc:.*]] = %{{.*}}) -> (f32) {
// CHECK-NEXT:    %[[x:.*]] = memref.load %{{.*}}[%[[I]]] : memref<16xf32>
// CHECK-NEXT:    %[[s:.*]] = arith.addf %[[acc]], %[[x]] : f32
// CHECK-NEXT:    scf.yield %[[s]] : f32
// CHECK-NEXT:  }
// CHECK-NEXT:  func.return %[[r]] : f32
func.func @sum(%A: memref<16xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 0 to 16 iter_args(%acc = %zero) -> (f32) {
    %x = affine.load %A[%i] : memref<16xf32>
    %s = arith.addf %acc, %x : f32
    affine.yield %s : f32
  }
  return %r : f32
}
