// EXPECT: 3:9: reference to an undefined block '^missing'
func.func @f() {
  cf.br ^missing
}
