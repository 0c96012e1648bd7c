// RUN: ziggurat-opt %s | FileCheck %s
// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: ziggurat-opt < /dev/null | FileCheck %s

// A file holding only comments is an empty module, as in mlir-opt.

// CHECK: builtin.module {
// CHECK-NEXT: }
// CHECK-NOT: {{.}}
