// EXPECT: 3:30: expected '}' to close the region
func.func @f() {
  %0 = arith.constant 1 : i32 // the end is missing

// and so is the return
