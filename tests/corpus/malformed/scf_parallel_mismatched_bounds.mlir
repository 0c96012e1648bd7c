// EXPECT: 6:41: expected 2 upper bounds
func.func @f() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8) step (%c1, %c1) {
    scf.reduce
  }
  return
}
