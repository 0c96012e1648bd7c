// EXPECT: 3:3: '@nowhere' could not be found in symbol table
func.func @f() {
  func.call @nowhere() : () -> ()
  return
}
