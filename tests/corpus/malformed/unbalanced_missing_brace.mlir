// EXPECT: 6:2: expected '}' to close the region
func.func @f() {
  return
func.func @g() {
  return
}
