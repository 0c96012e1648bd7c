// EXPECT: 2:18: undefined type alias '!undefined_alias'
func.func @f(%a: !undefined_alias) {
  return
}
