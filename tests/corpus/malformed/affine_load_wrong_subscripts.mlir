// EXPECT: 4:31: expected 2 subscripts
func.func @f(%m: memref<4x4xf32>) {
  affine.for %i = 0 to 4 {
    %v = affine.load %m[%i] : memref<4x4xf32>
  }
  return
}
