// EXPECT: 2:11: expect symbol name
func.func (%a: i32) {
  return
}
