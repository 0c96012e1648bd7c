// EXPECT: 5:1: '}' without a matching '{'
func.func @f() {
  return
}
}
