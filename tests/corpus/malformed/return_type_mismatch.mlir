// EXPECT: 4:3: expected [i32], got [i64]
func.func @f() -> i32 {
  %0 = arith.constant 1 : i64
  return %0 : i64
}
