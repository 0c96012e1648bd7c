// Scaled dot-product attention for 2 heads of 16 tokens of width 32:
// softmax(q k^T / sqrt(32)) v, with the softmax written as generics
// (row max, exp of the shifted scores, row sum, divide).

#id3 = affine_map<(b, i, j) -> (b, i, j)>
#row = affine_map<(b, i, j) -> (b, i)>

func.func @attention(%q: tensor<2x16x32xf32>, %k: tensor<2x16x32xf32>,
                     %v: tensor<2x16x32xf32>) -> tensor<2x16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %scale = arith.constant 0.176776695 : f32

  %ekt = tensor.empty() : tensor<2x32x16xf32>
  %kt = linalg.transpose ins(%k : tensor<2x16x32xf32>) outs(%ekt : tensor<2x32x16xf32>)
        permutation = [0, 2, 1]
  %es = tensor.empty() : tensor<2x16x16xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%es : tensor<2x16x16xf32>) -> tensor<2x16x16xf32>
  %scores = linalg.batch_matmul ins(%q, %kt : tensor<2x16x32xf32>, tensor<2x32x16xf32>)
                                outs(%s0 : tensor<2x16x16xf32>) -> tensor<2x16x16xf32>

  %er = tensor.empty() : tensor<2x16xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%er : tensor<2x16xf32>) -> tensor<2x16xf32>
  %max = linalg.generic {indexing_maps = [#id3, #row],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%scores : tensor<2x16x16xf32>) outs(%m0 : tensor<2x16xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %y = arith.maximumf %x, %acc : f32
    linalg.yield %y : f32
  } -> tensor<2x16xf32>
  %exp = linalg.generic {indexing_maps = [#id3, #row, #id3],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scores, %max : tensor<2x16x16xf32>, tensor<2x16xf32>) outs(%es : tensor<2x16x16xf32>) {
  ^bb0(%x: f32, %m: f32, %o: f32):
    %d = arith.subf %x, %m : f32
    %sc = arith.mulf %d, %scale : f32
    %ex = math.exp %sc : f32
    linalg.yield %ex : f32
  } -> tensor<2x16x16xf32>
  %z0 = linalg.fill ins(%zero : f32) outs(%er : tensor<2x16xf32>) -> tensor<2x16xf32>
  %sum = linalg.generic {indexing_maps = [#id3, #row],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%exp : tensor<2x16x16xf32>) outs(%z0 : tensor<2x16xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %y = arith.addf %x, %acc : f32
    linalg.yield %y : f32
  } -> tensor<2x16xf32>
  %probs = linalg.generic {indexing_maps = [#id3, #row, #id3],
                           iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%exp, %sum : tensor<2x16x16xf32>, tensor<2x16xf32>) outs(%es : tensor<2x16x16xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %y = arith.divf %x, %s : f32
    linalg.yield %y : f32
  } -> tensor<2x16x16xf32>

  %eo = tensor.empty() : tensor<2x16x32xf32>
  %o0 = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x16x32xf32>) -> tensor<2x16x32xf32>
  %out = linalg.batch_matmul ins(%probs, %v : tensor<2x16x16xf32>, tensor<2x16x32xf32>)
                             outs(%o0 : tensor<2x16x32xf32>) -> tensor<2x16x32xf32>
  return %out : tensor<2x16x32xf32>
}
