// EXPECT: 2:18: type expected
func.func @f(%a: i33x) {
  return
}
