// y = requantise(relu(x @ w + bias)) to int8: an int8 dense layer.
#map = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

func.func @dense_i8(%x: tensor<64x48xi8>, %w: tensor<48x32xi8>,
                    %bias: tensor<32xi32>) -> tensor<64x32xi8> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<64x32xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%e : tensor<64x32xi32>) -> tensor<64x32xi32>
  %mm = linalg.matmul ins(%x, %w : tensor<64x48xi8>, tensor<48x32xi8>)
                      outs(%acc : tensor<64x32xi32>) -> tensor<64x32xi32>
  %scale = arith.constant 5 : i64
  %round = arith.constant 64 : i64
  %shift = arith.constant 7 : i64
  %lo = arith.constant -128 : i64
  %hi = arith.constant 127 : i64
  %e8 = tensor.empty() : tensor<64x32xi8>
  %y = linalg.generic {indexing_maps = [#map, #col, #map],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<64x32xi32>, tensor<32xi32>) outs(%e8 : tensor<64x32xi8>) {
  ^bb0(%v: i32, %b: i32, %out: i8):
    %s = arith.addi %v, %b : i32
    %r = arith.maxsi %s, %zero : i32
    %wide = arith.extsi %r : i32 to i64
    %m = arith.muli %wide, %scale : i64
    %a = arith.addi %m, %round : i64
    %q = arith.shrsi %a, %shift : i64
    %c1 = arith.maxsi %q, %lo : i64
    %c2 = arith.minsi %c1, %hi : i64
    %t = arith.trunci %c2 : i64 to i8
    linalg.yield %t : i8
  } -> tensor<64x32xi8>
  return %y : tensor<64x32xi8>
}
