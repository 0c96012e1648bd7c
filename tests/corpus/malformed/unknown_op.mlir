// EXPECT: 3:8: dialect 'arith' has no operation 'arith.frobnicate'
func.func @f(%a: i32) -> i32 {
  %0 = arith.frobnicate %a, %a : i32
  return %0 : i32
}
