// EXPECT: 3:3: unknown dialect 'mystery'
func.func @f() {
  mystery.launch
  return
}
