// EXPECT: 3:3: operand #0 does not dominate this use
func.func @f(%a: i32) -> i32 {
  %1 = arith.muli %0, %0 : i32
  %0 = arith.addi %a, %a : i32
  return %1 : i32
}
