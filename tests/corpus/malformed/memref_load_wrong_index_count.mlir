// EXPECT: 3:3: incorrect number of indices for load, expected 2 but got 1
func.func @f(%m: memref<4x4xf32>, %i: index) -> f32 {
  %v = memref.load %m[%i] : memref<4x4xf32>
  return %v : f32
}
