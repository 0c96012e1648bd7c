// EXPECT: 3:10: invalid UTF-8 in input (byte 0xff)
func.func @f() {
  // été �
  return
}
