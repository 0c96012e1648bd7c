// RUN: ziggurat-opt %s -split-input-file='// ===''= next' -verify-diagnostics=only-expected --output-split-marker='// ==== out' | FileCheck %s
// RUN: not ziggurat-opt %s --split-input-file='// ===''= next' --verify-diagnostics 2>&1 >/dev/null | FileCheck %s --check-prefix=ALL
// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics 2>&1 >/dev/null | FileCheck %s --check-prefix=NEAR

// mlir-opt's spellings: a split marker of one's own (`=MARKER`), the marker printed
// between outputs, single-dash flags, and `=only-expected`, which checks that each
// expected diagnostic comes but lets others through. A marker splits wherever it
// is, so the RUN lines spell it in two quoted halves.

// CHECK:      func.func @a()
// CHECK:      // ==== out
// CHECK-NEXT: // ==== out
// CHECK-NOT:  func.func

// ALL:     verify_diagnostics_options.mlir:[[# @LINE + 18]]:3: error: unexpected error: 'func.return' op
// ALL-NOT: error

// With the default marker the file is one chunk, and the last line is a near miss.
// NEAR:     verify_diagnostics_options.mlir:[[# @LINE + 16]]:7: warning: near miss with file split marker
// NEAR-NOT: error

func.func @a() {
  return
}
// ==== next
func.func @b(%x: i32) -> i32 {
  %0 = arith.addi %x, %y : i32 // expected-error {{use of undeclared SSA value}}
  return %0 : i32
}
// ==== next
func.func @c() -> i32 {
  %0 = arith.constant 1 : i64
  return %0 : i64
}
// ----
