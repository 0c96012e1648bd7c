// EXPECT: 3:8: did you mean 'arith.addi'
func.func @f(%a: i32) -> i32 {
  %0 = arith.addii %a, %a : i32
  return %0 : i32
}
