// EXPECT: 4:18: expected '}' to close the region
func.func @f(%a: i32) -> i32 {
  %0 = arith.addi %a, %a : i32
  return %0 : i32
