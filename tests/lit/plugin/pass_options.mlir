// RUN: not ziggurat-opt %s -p 'convert-poly-to-arith{horner=false}' 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not ziggurat-opt %s -p 'convert-poly-to-arith{use-horner=maybe}' 2>&1 | FileCheck %s --check-prefix=VALUE

// The pass's option is checked before anything runs: a misspelt name gets a
// suggestion, a value that is not a boolean is refused.

// NAME: error: pass 'convert-poly-to-arith' has no option 'horner'; did you mean 'use-horner'?
// VALUE: error: invalid options for pass 'convert-poly-to-arith'
func.func @f(%x: f64) -> f64 {
  %y = poly.eval %x [1.0] : f64
  func.return %y : f64
}
