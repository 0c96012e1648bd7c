// EXPECT: 3:3: must be the last operation in its parent block
func.func @f(%a: i32) {
  "func.return"() : () -> ()
  %0 = arith.addi %a, %a : i32
  return
}
