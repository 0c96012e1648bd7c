// RUN: ziggurat-opt %s -p lower-affine | FileCheck %s

// Each constraint is compared with zero (eq for equalities, sge for
// inequalities) and the results are and-ed.
// CHECK-LABEL: func.func @guarded
// CHECK-SAME: (%[[A:.*]]: memref<16xf32>, %[[v:.*]]: f32, %[[i:.*]]: index, %[[n:.*]]: index)
// CHECK-NEXT:   %[[c:.*]] = arith.constant -2 : index
// CHECK-NEXT:   %[[e0:.*]] = arith.addi %[[i]], %[[c]] : index
// CHECK-NEXT:   %[[c0:.*]] = arith.constant 0 : index
// CHECK-NEXT:   %[[t0:.*]] = arith.cmpi sge, %[[e0]], %[[c0]] : index
// CHECK-NEXT:   %[[e1:.*]] = arith.subi %[[n]], %[[i]] : index
// CHECK-NEXT:   %[[t1:.*]] = arith.cmpi sge, %[[e1]], %[[c0]] : index
// CHECK-NEXT:   %[[both:.*]] = arith.andi %[[t0]], %[[t1]] : i1
// CHECK:        %[[t2:.*]] = arith.cmpi eq, %{{.*}}, %[[c0]] : index
// CHECK-NEXT:   %[[all:.*]] = arith.andi %[[both]], %[[t2]] : i1
// CHECK-NEXT:   scf.if %[[all]] {
// CHECK-NEXT:     memref.store %[[v]], %[[A]][%[[i]]] : memref<16xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return
func.func @guarded(%A: memref<16xf32>, %v: f32, %i: index, %n: index) {
  affine.if affine_set<(d0)[s0] : (d0 - 2 >= 0, s0 - d0 >= 0, d0 mod 2 == 0)>(%i)[%n] {
    affine.store %v, %A[%i] : memref<16xf32>
  }
  return
}

// With results and an else region.
// CHECK-LABEL: func.func @select
// CHECK:       %[[r:.*]] = scf.if %{{.*}} -> (f32) {
// CHECK-NEXT:    scf.yield %{{.*}} : f32
// CHECK-NEXT:  } else {
// CHECK-NEXT:    scf.yield %{{.*}} : f32
// CHECK-NEXT:  }
// CHECK-NEXT:  func.return %[[r]] : f32
func.func @select(%i: index, %a: f32, %b: f32) -> f32 {
  %r = affine.if affine_set<(d0) : (d0 - 5 == 0)>(%i) -> f32 {
    affine.yield %a : f32
  } else {
    affine.yield %b : f32
  }
  return %r : f32
}
