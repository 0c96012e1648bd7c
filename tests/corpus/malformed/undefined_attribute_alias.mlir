// EXPECT: 4:45: undefined attribute alias '#undefined_map'
func.func @f(%m: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %m[%i] : memref<4xf32, #undefined_map>
  }
  return
}
