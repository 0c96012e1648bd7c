// RUN: ziggurat-opt %s -p 'cpu-matmul-kernel{mc=8 kc=16 nc=32 mr=4 nr=8}' | FileCheck %s

// i8 x i8 -> i32: operands are sign-extended while packing, so the panels and the
// accumulator are i32 and the kernel multiplies and adds in i32.

// CHECK-LABEL: func.func @int8_matmul
// CHECK:       %packed_b = memref.alloc() : memref<4x16x8xi32>
// CHECK:       %[[B:.*]] = memref.load %{{.*}} : memref<53x29xi8>
// CHECK-NEXT:  %[[BW:.*]] = arith.extsi %[[B]] : i8 to i32
// CHECK-NEXT:  memref.store %[[BW]], %packed_b
// CHECK:       %packed_a = memref.alloc() : memref<2x16x4xi32>
// CHECK:       %[[A:.*]] = memref.load %{{.*}} : memref<37x53xi8>
// CHECK-NEXT:  %[[AW:.*]] = arith.extsi %[[A]] : i8 to i32
// CHECK-NEXT:  memref.store %[[AW]], %packed_a
// CHECK:       %acc = memref.alloca() : memref<4x8xi32>
// CHECK:       %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK-NEXT:  arith.addi %{{.*}}, %[[P]] : i32
// CHECK-NOT:   linalg.matmul
func.func @int8_matmul(%a: memref<37x53xi8>, %b: memref<53x29xi8>, %c: memref<37x29xi32>) {
  linalg.matmul ins(%a, %b : memref<37x53xi8>, memref<53x29xi8>) outs(%c : memref<37x29xi32>)
  return
}
