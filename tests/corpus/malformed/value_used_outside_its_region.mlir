// EXPECT: 6:10: use of undeclared SSA value '%x'
func.func @f(%lb: index, %ub: index, %st: index) -> index {
  scf.for %i = %lb to %ub step %st {
    %x = arith.addi %i, %i : index
  }
  return %x : index
}
