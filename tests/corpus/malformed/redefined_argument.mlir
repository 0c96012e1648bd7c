// EXPECT: 2:23: SSA value %a is already defined
func.func @f(%a: i32, %a: i32) {
  return
}
