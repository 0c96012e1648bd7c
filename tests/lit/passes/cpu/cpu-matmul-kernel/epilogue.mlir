// RUN: ziggurat-opt %s -p 'cpu-matmul-kernel{mc=8 kc=16 nc=32 mr=4 nr=8 threads=1}' | FileCheck %s
// RUN: ziggurat-opt %s -p 'cpu-matmul-kernel{mc=8 kc=16 nc=32 mr=4 nr=8 threads=1 fuse-epilogue=false}' | FileCheck %s --check-prefix=OFF

// C[37x45] += A[37x29] * B[29x45], then bias + ReLU on C in place. The generic is folded
// into the write-back: K blocks of 16 (two of them), and only in the last one
// (%last_k: pc + kc >= K) is the bias loaded by column, added and the ReLU taken, once
// per element; earlier blocks only add the accumulator.

// CHECK-LABEL: func.func @mm
// CHECK-NOT:   linalg.generic
// CHECK:       %[[K:.*]] = memref.dim %a, %{{.*}} : memref<37x29xf32>
// CHECK:       scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:         scf.for %[[PC:.*]] = %{{.*}} to %{{.*}} step %[[KC:.*]] {
// CHECK:         %[[END:.*]] = arith.addi %[[PC]], %[[KC]] : index
// CHECK-NEXT:    %last_k = arith.cmpi sge, %[[END]], %[[K]] : index
// CHECK:         math.fma
// CHECK:         scf.if %last_k {
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:               %[[ROW:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK-NEXT:          %[[COL:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:               %[[SUM:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:          %[[BIAS:.*]] = memref.load %bias[%[[COL]]] : memref<45xf32>
// CHECK-NEXT:          %[[Y:.*]] = arith.addf %[[SUM]], %[[BIAS]] : f32
// CHECK-NEXT:          %[[R:.*]] = arith.maximumf %[[Y]], %zero : f32
// CHECK-NEXT:          memref.store %[[R]], %c[%[[ROW]], %[[COL]]] : memref<37x45xf32>
// CHECK:         } else {
// CHECK-NOT:       arith.maximumf
// CHECK:           %[[S:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:      memref.store %[[S]], %c[%{{.*}}, %{{.*}}] : memref<37x45xf32>
// CHECK:       memref.dealloc %packed_b
// CHECK-NOT:   linalg.generic
// CHECK:       return

// OFF-NOT:     scf.if
// OFF:         memref.dealloc %packed_b
// OFF-NEXT:    linalg.generic

func.func @mm(%a: memref<37x29xf32>, %b: memref<29x45xf32>, %c: memref<37x45xf32>, %bias: memref<45xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<37x29xf32>, memref<29x45xf32>) outs(%c : memref<37x45xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<37x45xf32>, memref<45xf32>) outs(%c : memref<37x45xf32>) {
  ^bb0(%x: f32, %v: f32, %o: f32):
    %y = arith.addf %x, %v : f32
    %r = arith.maximumf %y, %zero : f32
    linalg.yield %r : f32
  }
  return
}
