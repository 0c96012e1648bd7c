// EXPECT: 3:31: unexpected character '`'
func.func @f() {
  %0 = arith.constant 1 : i32 `
  return
}
