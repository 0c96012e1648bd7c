// EXPECT: 3:20: defined with type i32
func.func @f(%a: i32) -> i64 {
  %0 = arith.extsi %a : i64 to i32
  return %0 : i64
}
