// EXPECT: 3:3: expected [i32, i32], got [i32]
func.func @f(%a: i32) -> (i32, i32) {
  return %a : i32
}
