// EXPECT: 3:3: dimension operand count
func.func @f(%n: index) {
  %m = memref.alloc(%n, %n) : memref<?x4xf32>
  return
}
