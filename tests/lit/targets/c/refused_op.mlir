// RUN: not ziggurat-translate %s -t c -o %t.c 2>&1 | FileCheck %s
// RUN: not test -e %t.c

func.func @f(%a: memref<4xf32>) {
  %c = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  // CHECK: refused_op.mlir:[[# @LINE + 1]]:3: error: c: cannot emit 'memref.atomic_rmw'
  %r = memref.atomic_rmw addf %c, %a[%c0] : (f32, memref<4xf32>) -> f32
  return
}
