// A fuzzer finding: a function declaration went through cuda-pipeline into an internal
// error ('block' of a region with no block) in convert-device-to-cuda. A declaration has
// nothing to launch or place, so it is kept as it is, beside the functions it converts.
// RUN: ziggurat-opt %s -p cuda-pipeline | FileCheck %s
// RUN: ziggurat-opt %s -p convert-device-to-cuda | FileCheck %s
// CHECK: func.func private @ext(i32, i64) -> i32
// CHECK: func.func @f(
// CHECK-NEXT: return
func.func private @ext(%a: i32, %b: i64) -> i32
func.func @f(%x: i32) -> i32 {
  return %x : i32
}
