// EXPECT: 3:3: incorrect number of dynamic sizes, has 2, expected 1
func.func @f(%n: index) {
  %m = memref.alloc(%n, %n) : memref<?x4xf32>
  return
}
