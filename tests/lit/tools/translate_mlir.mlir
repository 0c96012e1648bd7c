// RUN: ziggurat-translate %s -t mlir | FileCheck %s
// RUN: not ziggurat-translate %s -t nosuch 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not ziggurat-translate %s 2>&1 | FileCheck %s --check-prefix=NONE

// CHECK: affine.load %m[%i + 1] : memref<9xf32>
// UNKNOWN: error: unknown target 'nosuch'
// NONE: error: no target given
func.func @f(%m: memref<9xf32>) {
  affine.for %i = 0 to 8 {
    %v = affine.load %m[%i + 1] : memref<9xf32>
  }
  return
}
