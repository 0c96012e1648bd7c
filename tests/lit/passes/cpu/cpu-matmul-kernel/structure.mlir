// RUN: ziggurat-opt %s -p 'cpu-matmul-kernel{mc=8 kc=16 nc=32 mr=4 nr=8}' | FileCheck %s
// RUN: ziggurat-opt %s -p 'cpu-matmul-kernel{mc=8 kc=16 nc=32 mr=4 nr=8 threads=1}' | FileCheck %s --check-prefix=SEQ

// C[37x45] += A[37x29] * B[29x45], none of the sizes a multiple of a block: loops over
// N blocks (nc=32) and K blocks (kc=16); B packed into zero-padded 8-wide panels and, per
// 8-row M block, A into 4-tall panels, both by parallel loops; a 4x8 accumulator updated
// with math.fma over the K block; only the rows and columns that exist written back.

// CHECK-LABEL: func.func @mm
// CHECK-NOT:   linalg.matmul
// CHECK:       %packed_b = memref.alloc() : memref<4x16x8xf32>
// CHECK:       scf.for %[[JC:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:         scf.for %[[PC:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           scf.parallel
// CHECK:             memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<29x45xf32>
// CHECK-NEXT:        memref.store %{{.*}}, %packed_b[%{{.*}}, %{{.*}}, %{{.*}}] : memref<4x16x8xf32>
// CHECK:             memref.store %{{.*}}, %packed_b
// CHECK:             scf.reduce
// CHECK:           scf.parallel
// CHECK:             %packed_a = memref.alloc() : memref<2x16x4xf32>
// CHECK:             memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<37x29xf32>
// CHECK-NEXT:        memref.store %{{.*}}, %packed_a[%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x16x4xf32>
// CHECK:             %acc = memref.alloca() : memref<4x8xf32>
// CHECK:             memref.store %{{.*}}, %acc[%{{.*}}, %{{.*}}] : memref<4x8xf32>
// CHECK:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:          scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:            %[[A:.*]] = memref.load %packed_a[%{{.*}}, %{{.*}}, %[[I]]]
// CHECK-NEXT:            scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:              %[[B:.*]] = memref.load %packed_b[%{{.*}}, %{{.*}}, %[[J]]]
// CHECK-NEXT:              %[[OLD:.*]] = memref.load %acc[%[[I]], %[[J]]]
// CHECK-NEXT:              %[[NEW:.*]] = math.fma %[[A]], %[[B]], %[[OLD]] : f32
// CHECK-NEXT:              memref.store %[[NEW]], %acc[%[[I]], %[[J]]]
// CHECK:                 arith.addf
// CHECK-NEXT:            memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : memref<37x45xf32>
// CHECK:             memref.dealloc %packed_a
// CHECK:       memref.dealloc %packed_b

// SEQ-NOT: scf.parallel

func.func @mm(%a: memref<37x29xf32>, %b: memref<29x45xf32>, %c: memref<37x45xf32>) {
  linalg.matmul ins(%a, %b : memref<37x29xf32>, memref<29x45xf32>) outs(%c : memref<37x45xf32>)
  return
}
