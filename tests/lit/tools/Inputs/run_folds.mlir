// Folding `arith.addi` of two constants needs arith in the context the lowering runs in.
func.func @f(%a: tensor<4xi32>) -> tensor<4xi32> {
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c = arith.addi %c1, %c2 : i32
  %e = tensor.empty() : tensor<4xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : tensor<4xi32>) outs(%e : tensor<4xi32>) {
  ^bb0(%x: i32, %y: i32):
    %s = arith.addi %x, %c : i32
    linalg.yield %s : i32
  } -> tensor<4xi32>
  func.return %r : tensor<4xi32>
}
