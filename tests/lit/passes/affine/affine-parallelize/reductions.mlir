// RUN: ziggurat-opt %s -p 'affine-parallelize{parallel-reductions=true}' | FileCheck %s
// RUN: ziggurat-opt %s -p affine-parallelize | FileCheck %s --check-prefix=NORED

// With parallel-reductions, a loop whose iter_arg is only combined with
// arith.addf and yielded becomes an affine.parallel reducing with "addf";
// the initial value is added to its result afterwards. Without the option,
// the loop carries a value and stays sequential.

// CHECK-LABEL: func.func @matmul
// CHECK-NEXT:   affine.parallel (%[[I:.*]]) = (0) to (10) {
// CHECK-NEXT:     affine.parallel (%[[J:.*]]) = (0) to (9) {
// CHECK-NEXT:       %[[INIT:.*]] = affine.load %[[C:.*]][%[[I]], %[[J]]] : memref<10x9xf32>
// CHECK-NEXT:       %[[SUM:.*]] = affine.parallel (%[[K:.*]]) = (0) to (7) reduce ("addf") -> (f32) {
// CHECK-NEXT:         %[[A:.*]] = affine.load %{{.*}}[%[[I]], %[[K]]]
// CHECK-NEXT:         %[[B:.*]] = affine.load %{{.*}}[%[[K]], %[[J]]]
// CHECK-NEXT:         %[[P:.*]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT:         affine.yield %[[P]] : f32
// CHECK-NEXT:       }
// CHECK-NEXT:       %[[R:.*]] = arith.addf %[[INIT]], %[[SUM]] : f32
// CHECK-NEXT:       affine.store %[[R]], %[[C]][%[[I]], %[[J]]] : memref<10x9xf32>

// NORED:      affine.parallel
// NORED-NEXT:   affine.parallel
// NORED-NEXT:     affine.load
// NORED-NEXT:     affine.for %{{.*}} = 0 to 7 iter_args
func.func @matmul(%A: memref<10x7xf32>, %B: memref<7x9xf32>, %C: memref<10x9xf32>) {
  affine.for %i = 0 to 10 {
    affine.for %j = 0 to 9 {
      %init = affine.load %C[%i, %j] : memref<10x9xf32>
      %r = affine.for %k = 0 to 7 iter_args(%acc = %init) -> (f32) {
        %a = affine.load %A[%i, %k] : memref<10x7xf32>
        %b = affine.load %B[%k, %j] : memref<7x9xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %acc, %p : f32
        affine.yield %s : f32
      }
      affine.store %r, %C[%i, %j] : memref<10x9xf32>
    }
  }
  return
}

// Max and integer product, several results at once.

// CHECK-LABEL: func.func @max_and_product
// CHECK:        %[[M:.*]], %[[P:.*]] = affine.parallel (%{{.*}}) = (0) to (16) reduce ("maximumf", "muli") -> (f32, i32) {
// CHECK-NEXT:     %[[A:.*]] = affine.load
// CHECK-NEXT:     %[[B:.*]] = affine.load
// CHECK-NEXT:     affine.yield %[[A]], %[[B]] : f32, i32
// CHECK-NEXT:   }
// CHECK-NEXT:   %[[M2:.*]] = arith.maximumf %{{.*}}, %[[M]] : f32
// CHECK-NEXT:   %[[P2:.*]] = arith.muli %[[P]], %{{.*}} : i32
// CHECK-NEXT:   func.return %[[M2]], %[[P2]] : f32, i32
func.func @max_and_product(%A: memref<16xf32>, %B: memref<16xi32>) -> (f32, i32) {
  %ninf = arith.constant 0xFF800000 : f32
  %one = arith.constant 1 : i32
  %r:2 = affine.for %i = 0 to 16 iter_args(%m = %ninf, %p = %one) -> (f32, i32) {
    %a = affine.load %A[%i] : memref<16xf32>
    %b = affine.load %B[%i] : memref<16xi32>
    %m2 = arith.maximumf %m, %a : f32
    %p2 = arith.muli %b, %p : i32
    affine.yield %m2, %p2 : f32, i32
  }
  return %r#0, %r#1 : f32, i32
}

// Not a reduction: the iter_arg is scaled before it is added.

// CHECK-LABEL: func.func @not_a_reduction
// CHECK:        affine.for %{{.*}} = 0 to 16 iter_args
func.func @not_a_reduction(%A: memref<16xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %r = affine.for %i = 0 to 16 iter_args(%acc = %zero) -> (f32) {
    %a = affine.load %A[%i] : memref<16xf32>
    %twice = arith.addf %acc, %acc : f32
    %s = arith.addf %twice, %a : f32
    affine.yield %s : f32
  }
  return %r : f32
}
