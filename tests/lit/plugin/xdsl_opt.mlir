// RUN: xdsl-opt %s | FileCheck %s --check-prefix=PRINT
// RUN: xdsl-opt %s | ziggurat-opt | FileCheck %s --check-prefix=PRINT
// RUN: xdsl-opt %s -p convert-poly-to-arith | FileCheck %s --check-prefix=LOWER
// RUN: xdsl-opt %s -p 'convert-poly-to-arith{use-horner=false}' | FileCheck %s --check-prefix=POWER
// RUN: xdsl-opt %s -t poly-c | FileCheck %s --check-prefix=EMIT

// Plain xdsl-opt finds the plugin through the same entry point: it parses and
// prints the op, runs the pass with and without its option, and emits C.
// What xdsl-opt prints, ziggurat-opt reads back unchanged.

// PRINT: %y = poly.eval %x [5.000000e-01, 0.000000e+00, -1.000000e+00] : f64

// LOWER:      %[[C:.*]] = arith.constant -1.000000e+00 : f64
// LOWER-NEXT: arith.mulf %[[C]], %x : f64
// LOWER-NOT:  poly.eval

// POWER:      %[[C:.*]] = arith.constant 5.000000e-01 : f64
// POWER-NOT:  poly.eval
// POWER:      arith.mulf %x, %x : f64

// EMIT:      /* @hill */
// EMIT-NEXT: double y = 0.5 + x * (0.0 + x * (-1.0));
func.func @hill(%x: f64) -> f64 {
  %y = poly.eval %x [0.5, 0.0, -1.0] : f64
  func.return %y : f64
}
