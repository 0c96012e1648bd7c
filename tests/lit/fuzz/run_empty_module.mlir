// A fuzzer finding: a file with no op in it has nothing to run, and the error says so at
// the file's first line (it once had no location at all, unlike a file of declarations).
// RUN: not ziggurat-run %s --target ref 2>&1 | FileCheck %s
// RUN: not ziggurat-run %s --target c 2>&1 | FileCheck %s
// RUN: ziggurat-opt --print-debuginfo %s | FileCheck %s --check-prefix=LOC
// CHECK: run_empty_module.mlir:1:1: error: ref: no public function with a body to run
// LOC: } loc("{{.*}}run_empty_module.mlir":1:1)
