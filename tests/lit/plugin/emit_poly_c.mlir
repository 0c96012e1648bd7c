// RUN: ziggurat-translate %s -t poly-c | FileCheck %s
// RUN: ziggurat-translate %s -t poly-c -o %t.c
// RUN: FileCheck %s < %t.c
// RUN: ziggurat-opt %s -p convert-poly-to-arith | ziggurat-translate -t poly-c | FileCheck %s --check-prefix=LOWERED --allow-empty

// poly-c prints one C declaration per poly op, in Horner form, under a comment
// naming its function; f32 literals get an `f` suffix, negative coefficients
// in a product are parenthesised, and IR names become C names. Once the ops
// are lowered to arith there is nothing left for it to print.

// CHECK:      /* @quadratic */
// CHECK-NEXT: double y = 1.0 + x * (-2.0 + x * 3.0);
// CHECK-NEXT: /* @pade_exp */
// CHECK-NEXT: float e = (1.0f + t * 0.5f) / (1.0f + t * (-0.5f));
// CHECK-NEXT: float c = 2.5f;
// CHECK-EMPTY:
func.func @quadratic(%x: f64) -> f64 {
  %y = poly.eval %x [1.0, -2.0, 3.0] : f64
  func.return %y : f64
}

func.func @pade_exp(%t: f32) -> f32 {
  %e = poly.rational %t [1.0, 0.5] / [1.0, -0.5] : f32
  %c = poly.eval %e [2.5] : f32
  func.return %c : f32
}

// LOWERED-NOT: {{.}}
