// EXPECT: 3:37: invalid UTF-8 in input (byte 0xe9)
func.func @f() {
  %0 = arith.constant 1 : i32 // café
  return
}
