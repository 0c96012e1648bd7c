// EXPECT: 3:24: use of undeclared SSA value '%n'
func.func @f() {
  affine.for %i = 0 to %n {
  }
  return
}
