// EXPECT: 2:32: Expected primary expression
#map = affine_map<(d0) -> (d0 *)>
func.func @f() {
  return
}
