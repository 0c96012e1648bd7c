// EXPECT: 2:18: unknown type '!nosuch.thing'
func.func @f(%a: !nosuch.thing) {
  return
}
