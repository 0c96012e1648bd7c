// EXPECT: 3:3: expected an index for each dimension
func.func @f(%m: memref<4x4xf32>, %i: index) -> f32 {
  %v = memref.load %m[%i] : memref<4x4xf32>
  return %v : f32
}
