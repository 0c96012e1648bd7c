// EXPECT: 3:3: Expected 1 region, but got 0
func.func @f() {
  "scf.execute_region"() : () -> ()
  return
}
