// EXPECT: 3:3: unknown dialect 'nosuchdialect'
func.func @f() {
  "nosuchdialect.op"() : () -> ()
  return
}
