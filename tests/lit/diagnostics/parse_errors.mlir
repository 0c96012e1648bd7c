// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// Each parse error is reported at the token a reader would look at, and each
// chunk is checked on its own.

func.func @undefined(%a: i32) -> i32 {
  // expected-error @+1 {{use of undeclared SSA value '%b'}}
  %0 = arith.addi %a, %b : i32
  return %0 : i32
}

// -----

func.func @unknown_op(%a: i32) -> i32 {
  // expected-error @+1 {{dialect 'arith' has no operation 'arith.addii'; did you mean 'arith.addi'}}
  %0 = arith.addii %a, %a : i32
  return %0 : i32
}

// -----

func.func @dense_shape() {
  // expected-error @+1 {{Shape mismatch in dense literal}}
  %0 = arith.constant dense<[1, 2, 3]> : tensor<2xi32>
  return
}

// -----

func.func @out_of_range() -> i8 {
  // expected-error @+1 {{out of range for type i8}}
  %0 = arith.constant 300 : i8
  return %0 : i8
}

// -----

func.func @redefined(%a: i32) -> i32 {
  %0 = arith.addi %a, %a : i32
  // expected-error @+1 {{SSA value %0 is already defined}}
  %0 = arith.muli %a, %a : i32
  return %0 : i32
}

// -----

// expected-error @+1 {{unknown type '!nosuch.thing'}}
func.func @unknown_type(%a: !nosuch.thing) {
  return
}

// -----

func.func @undefined_block() {
  // expected-error @+1 {{reference to an undefined block '^missing'}}
  cf.br ^missing
}

// -----

func.func @truncated(%a: i32) -> i32 {
  // expected-error @+1 {{expected '}' to close the region}}
  return %a : i32

// -----

// A stray quote in a signature is an unterminated string, found at once.
// expected-error @+1 {{expected '"' to close the string literal on this line}}
func.func @stray_quote(%w": tensor<128x10xf32>, %b2: tensor<10xf32>, %b3: tensor<10xf32>) {
  return
}
