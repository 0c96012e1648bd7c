// EXPECT: 3:3: 'linalg.matmul' op
func.func @f(%a: memref<4x8xf32>, %b: memref<6x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<6x4xf32>) outs(%c : memref<4x4xf32>)
  return
}
