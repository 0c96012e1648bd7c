// EXPECT: 3:34: ']' expected
func.func @f() {
  %0 = arith.constant dense<[1, 2
