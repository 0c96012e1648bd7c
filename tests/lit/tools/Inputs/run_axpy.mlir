func.func @axpy(%a: f32, %x: tensor<4xf32>, %y: memref<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a, %x : f32, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%s: f32, %in: f32, %o: f32):
    %m = arith.mulf %s, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %c0 = arith.constant 0 : index
  %v = tensor.extract %r[%c0] : tensor<4xf32>
  memref.store %v, %y[%c0] : memref<4xf32>
  return %r : tensor<4xf32>
}

func.func @other() -> i32 {
  %c = arith.constant 42 : i32
  return %c : i32
}
