// EXPECT: 2:18: memref layout mismatch between rank and affine map
func.func @f(%m: memref<4xf32, affine_map<(d0, d1) -> (d0)>>) {
  return
}
