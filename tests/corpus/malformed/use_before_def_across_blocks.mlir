// EXPECT: 8:3: operand #0 does not dominate this use
func.func @f(%a: i32) -> i32 {
  cf.br ^bb2
^bb1:
  %0 = arith.addi %a, %a : i32
  cf.br ^bb2
^bb2:
  %1 = arith.muli %0, %0 : i32
  return %1 : i32
}
