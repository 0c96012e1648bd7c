// RUN: ziggurat-opt %s -p lower-affine | FileCheck %s

// CHECK-LABEL: func.func @parallel_store
// CHECK:       scf.parallel (%[[I:.*]], %[[J:.*]]) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step (%{{.*}}, %{{.*}}) {
// CHECK-NEXT:    memref.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<8x6xf32>
// CHECK-NEXT:    scf.reduce
// CHECK-NEXT:  }
func.func @parallel_store(%A: memref<8x6xf32>, %v: f32) {
  affine.parallel (%i, %j) = (0, 0) to (8, 6) {
    affine.store %v, %A[%i, %j] : memref<8x6xf32>
  }
  return
}

// Reductions start from each kind's identity and combine in scf.reduce.
// Bound groups become maxsi/minsi of their expressions.
// CHECK-LABEL: func.func @reductions
// CHECK-SAME: (%[[A:.*]]: memref<8x6xf32>, %[[B:.*]]: memref<8x6xi32>, %[[n:.*]]: index)
// CHECK:       %[[ub:.*]] = arith.minsi %{{.*}}, %[[n]] : index
// CHECK:       %[[zero:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:  %[[ninf:.*]] = arith.constant 0x{{[fF][fF]}}800000 : f32
// CHECK-NEXT:  %[[one:.*]] = arith.constant 1 : i32
// CHECK-NEXT:  {{.*}} = scf.parallel (%[[I:.*]], %[[J:.*]]) = (%{{.*}}, %{{.*}}) to (%[[ub]], %{{.*}}) step (%{{.*}}, %{{.*}}) init (%[[zero]], %[[ninf]], %[[one]]) -> (f32, f32, i32) {
// CHECK-NEXT:    %[[x:.*]] = memref.load %[[A]][%[[I]], %[[J]]] : memref<8x6xf32>
// CHECK-NEXT:    %[[y:.*]] = memref.load %[[B]][%[[I]], %[[J]]] : memref<8x6xi32>
// CHECK-NEXT:    scf.reduce(%[[x]], %[[x]], %[[y]] : f32, f32, i32) {
// CHECK-NEXT:    ^{{.*}}(%[[a:.*]]: f32, %[[b:.*]]: f32):
// CHECK-NEXT:      %[[s:.*]] = arith.addf %[[a]], %[[b]] : f32
// CHECK-NEXT:      scf.reduce.return %[[s]] : f32
// CHECK-NEXT:    }, {
// CHECK-NEXT:    ^{{.*}}(%[[a:.*]]: f32, %[[b:.*]]: f32):
// CHECK-NEXT:      %[[m:.*]] = arith.maximumf %[[a]], %[[b]] : f32
// CHECK-NEXT:      scf.reduce.return %[[m]] : f32
// CHECK-NEXT:    }, {
// CHECK-NEXT:    ^{{.*}}(%[[a:.*]]: i32, %[[b:.*]]: i32):
// CHECK-NEXT:      %[[p:.*]] = arith.muli %[[a]], %[[b]] : i32
// CHECK-NEXT:      scf.reduce.return %[[p]] : i32
// CHECK-NEXT:    }
// CHECK-NEXT:  }
func.func @reductions(%A: memref<8x6xf32>, %B: memref<8x6xi32>, %n: index) -> (f32, f32, i32) {
  %s, %m, %p = affine.parallel (%i, %j) = (0, 0) to (min(8, %n), 6) reduce ("addf", "maximumf", "muli") -> (f32, f32, i32) {
    %x = affine.load %A[%i, %j] : memref<8x6xf32>
    %y = affine.load %B[%i, %j] : memref<8x6xi32>
    affine.yield %x, %x, %y : f32, f32, i32
  }
  return %s, %m, %p : f32, f32, i32
}
