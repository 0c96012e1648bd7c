// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t
// RUN: rm -f %t.zero && touch %t.zero && ziggurat-opt %t.zero | FileCheck %s

// A file holding only comments, or nothing at all, is an empty module, as
// in mlir-opt.

// CHECK: builtin.module {
// CHECK-NEXT: }
// CHECK-NOT: {{.}}
