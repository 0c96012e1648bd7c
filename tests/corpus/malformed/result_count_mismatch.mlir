// EXPECT: 3:3: Operation has 1 results, but was given 2 to bind
func.func @f(%a: i32) {
  %0, %1 = arith.addi %a, %a : i32
  return
}
