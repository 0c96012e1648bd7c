// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// A strided convolution lowered to affine loops, written the way mlir-opt
// prints it (after one-shot bufferization and convert-linalg-to-affine-loops):
// map aliases, `module {`, `%argN` names, `return` without `func.`.

// CHECK: builtin.module {
// CHECK-NEXT: func.func @conv_relu(%arg0: memref<1x32x32x3xf32, strided<[?, ?, ?, ?], offset: ?>>, %arg1: memref<3x3x3x16xf32, strided<[?, ?, ?, ?], offset: ?>>, %arg2: memref<16xf32, strided<[?], offset: ?>>) -> memref<1x15x15x16xf32> {
// CHECK: %alloc = memref.alloc() {alignment = 64 : i64} : memref<1x15x15x16xf32>
// Sibling loops reuse MLIR's names; ziggurat keeps names unique per function.
// CHECK: affine.for %[[KC:arg9[_0-9]*]] = 0 to 3 {
// CHECK-NEXT: %0 = affine.apply affine_map<(d0, d1) -> ({{.*}})>(%[[OH:arg4[_0-9]*]], %[[KH:arg7[_0-9]*]])
// CHECK-NEXT: %1 = affine.apply affine_map<(d0, d1) -> ({{.*}})>(%[[OW:arg5[_0-9]*]], %[[KW:arg8[_0-9]*]])
// CHECK-NEXT: %2 = affine.load %arg0[%[[N:arg3[_0-9]*]], %0, %1, %[[KC]]] : memref<1x32x32x3xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK-NEXT: %3 = affine.load %arg1[%[[KH]], %[[KW]], %[[KC]], %[[F:arg6[_0-9]*]]] : memref<3x3x3x16xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK: affine.store %6, %alloc[%[[N]], %[[OH]], %[[OW]], %[[F]]] : memref<1x15x15x16xf32>
// CHECK: func.return %alloc : memref<1x15x15x16xf32>
#map = affine_map<(d0, d1) -> (d0 * 2 + d1)>
#map1 = affine_map<(d0, d1) -> (d0 + d1)>
#map2 = affine_map<(d0, d1) -> (d0 + d1 * 2)>
module {
  func.func @conv_relu(%arg0: memref<1x32x32x3xf32, strided<[?, ?, ?, ?], offset: ?>>, %arg1: memref<3x3x3x16xf32, strided<[?, ?, ?, ?], offset: ?>>, %arg2: memref<16xf32, strided<[?], offset: ?>>) -> memref<1x15x15x16xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %alloc = memref.alloc() {alignment = 64 : i64} : memref<1x15x15x16xf32>
    affine.for %arg3 = 0 to 1 {
      affine.for %arg4 = 0 to 15 {
        affine.for %arg5 = 0 to 15 {
          affine.for %arg6 = 0 to 16 {
            affine.store %cst, %alloc[%arg3, %arg4, %arg5, %arg6] : memref<1x15x15x16xf32>
          }
        }
      }
    }
    affine.for %arg3 = 0 to 1 {
      affine.for %arg4 = 0 to 15 {
        affine.for %arg5 = 0 to 15 {
          affine.for %arg6 = 0 to 16 {
            affine.for %arg7 = 0 to 3 {
              affine.for %arg8 = 0 to 3 {
                affine.for %arg9 = 0 to 3 {
                  %0 = affine.apply #map(%arg4, %arg7)
                  %1 = affine.apply #map(%arg5, %arg8)
                  %2 = affine.load %arg0[%arg3, %0, %1, %arg9] : memref<1x32x32x3xf32, strided<[?, ?, ?, ?], offset: ?>>
                  %3 = affine.load %arg1[%arg7, %arg8, %arg9, %arg6] : memref<3x3x3x16xf32, strided<[?, ?, ?, ?], offset: ?>>
                  %4 = affine.load %alloc[%arg3, %arg4, %arg5, %arg6] : memref<1x15x15x16xf32>
                  %5 = arith.mulf %2, %3 : f32
                  %6 = arith.addf %4, %5 : f32
                  affine.store %6, %alloc[%arg3, %arg4, %arg5, %arg6] : memref<1x15x15x16xf32>
                }
              }
            }
          }
        }
      }
    }
    affine.for %arg3 = 0 to 1 {
      affine.for %arg4 = 0 to 15 {
        affine.for %arg5 = 0 to 15 {
          affine.for %arg6 = 0 to 16 {
            %0 = affine.load %alloc[%arg3, %arg4, %arg5, %arg6] : memref<1x15x15x16xf32>
            %1 = affine.load %arg2[%arg6] : memref<16xf32, strided<[?], offset: ?>>
            %2 = arith.addf %0, %1 : f32
            %3 = arith.maximumf %2, %cst : f32
            affine.store %3, %alloc[%arg3, %arg4, %arg5, %arg6] : memref<1x15x15x16xf32>
          }
        }
      }
    }
    return %alloc : memref<1x15x15x16xf32>
  }
}
