// EXPECT: 2:18: integer bitwidth is limited to 16777215 bits
func.func @f(%a: i99999999999) {
  return
}
