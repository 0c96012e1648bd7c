// EXPECT: 3:23: floating point value is not valid for an integer type
func.func @f() {
  %0 = arith.constant 1.5 : i32
  return
}
