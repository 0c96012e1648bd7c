// EXPECT: 3:16: defined with type i32
func.func @f(%lb: i32, %ub: i32, %st: i32) {
  scf.for %i = %lb to %ub step %st {
  }
  return
}
