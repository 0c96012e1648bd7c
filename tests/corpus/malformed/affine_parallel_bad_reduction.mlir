// EXPECT: 3:50: unknown reduction kind 'frobnicate'
func.func @f(%m: memref<8xf32>) -> f32 {
  %r = affine.parallel (%i) = (0) to (8) reduce ("frobnicate") -> (f32) {
    %v = affine.load %m[%i] : memref<8xf32>
    affine.yield %v : f32
  }
  return %r : f32
}
