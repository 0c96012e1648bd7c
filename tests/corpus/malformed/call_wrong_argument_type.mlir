// EXPECT: 6:3: operand type mismatch
func.func @g(%x: i32) -> i32 {
  return %x : i32
}
func.func @f(%a: i64) -> i32 {
  %0 = func.call @g(%a) : (i64) -> i32
  return %0 : i32
}
