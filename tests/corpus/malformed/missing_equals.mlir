// EXPECT: 3:6: Expected '=' after operation result list
func.func @f() {
  %0 arith.constant 1 : i32
  return
}
