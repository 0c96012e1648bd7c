// EXPECT: 3:22: operand expected
func.func @f(%a: i32) -> i32 {
  %0 = arith.addi %a,
