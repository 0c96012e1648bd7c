// EXPECT: 2:37: d2
#map = affine_map<(d0, d1) -> (d0 + d2)>
func.func @f() {
  return
}
