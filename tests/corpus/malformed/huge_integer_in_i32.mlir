// EXPECT: 3:23: out of range for type i32
func.func @f() -> i32 {
  %0 = arith.constant 1606938044258990275541962092341162602522202993782792835301376 : i32
  return %0 : i32
}
