// EXPECT: 3:3: block with no terminator
func.func @f(%a: i32) -> i32 {
  %0 = arith.addi %a, %a : i32
}
