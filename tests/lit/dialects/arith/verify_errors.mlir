// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

func.func @no_index(%x: i64) -> i32 {
  // expected-error @+1 {{'arith.index_castui' op expects exactly one of i64 and i32 to be index}}
  %r = arith.index_castui %x : i64 to i32
  return %r : i32
}

// -----

// MLIR 22's generic form of trunci carries overflow flags; none is accepted,
// other flags are not supported.
func.func @flags(%x: i32) -> (i8, i8) {
  %a = "arith.trunci"(%x) <{overflowFlags = #arith.overflow<none>}> : (i32) -> i8
  // expected-error @+1 {{property 'overflowFlags' is not defined by the operation 'arith.trunci'}}
  %b = "arith.trunci"(%x) <{overflowFlags = #arith.overflow<nsw>}> : (i32) -> i8
  return %a, %b : i8, i8
}
