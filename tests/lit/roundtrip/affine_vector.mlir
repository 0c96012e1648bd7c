// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// A vectorized row scaling: affine.vector_load and affine.vector_store take
// their subscripts as dims and symbols, like affine.load and affine.store.

// CHECK-LABEL: func.func @scale_rows
func.func @scale_rows(%A: memref<64x128xf32>, %s: vector<8xf32>, %off: index) {
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 128 step 8 {
      // CHECK: %v = affine.vector_load %A[%i, %j] : memref<64x128xf32>, vector<8xf32>
      %v = affine.vector_load %A[%i, %j] : memref<64x128xf32>, vector<8xf32>
      %w = arith.mulf %v, %s : vector<8xf32>
      // CHECK: affine.vector_store %w, %A[%i, %j] : memref<64x128xf32>, vector<8xf32>
      affine.vector_store %w, %A[%i, %j] : memref<64x128xf32>, vector<8xf32>
    }
    // CHECK: affine.vector_load %A[%i, symbol(%off) * 8] : memref<64x128xf32>, vector<8xf32>
    %t = affine.vector_load %A[%i, symbol(%off) * 8] : memref<64x128xf32>, vector<8xf32>
  }
  return
}
