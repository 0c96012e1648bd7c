// RUN: not ziggurat-opt %s -p 'affine-loop-interchange{permutation=1,0}' 2>&1 | FileCheck %s

// A call may touch any memory: the analysis reports a dependence in every
// direction, and the pass refuses rather than guess.

// CHECK: unknown_effects.mlir:[[# @LINE + 4]]:3: error: affine-loop-interchange: cannot interchange 'affine.for' with permutation=1,0: the dependence between 'func.call' at [[# @LINE + 6]]:7 and 'func.call' at [[# @LINE + 6]]:7 has direction (<, >)
func.func private @touch(index, index)

func.func @calls() {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 4 {
      func.call @touch(%i, %j) : (index, index) -> ()
    }
  }
  return
}
