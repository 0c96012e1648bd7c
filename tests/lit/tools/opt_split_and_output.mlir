// RUN: ziggurat-opt %s --split-input-file | FileCheck %s
// RUN: ziggurat-opt %s --split-input-file -o %t && FileCheck %s < %t
// RUN: ziggurat-opt %s --split-input-file --print-op-generic | FileCheck %s --check-prefix=GENERIC

// Each chunk is parsed and printed on its own; the separator is kept.

// CHECK: func.func @first
// CHECK: // -----
// CHECK: func.func @second
// GENERIC: "func.func"() <{sym_name = "first"
// GENERIC: "func.func"() <{sym_name = "second"
func.func @first() {
  return
}

// -----

func.func @second() {
  return
}
