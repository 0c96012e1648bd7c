// A two-layer perceptron on tensors: matmul, bias, ReLU, matmul, bias.
// x: 32 samples of 64 features -> 128 hidden units -> 10 classes.

#identity = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>

func.func @mlp(%x: tensor<32x64xf32>, %w1: tensor<64x128xf32>, %b1: tensor<128xf32>,
               %w2: tensor<128x10xf32>, %b2: tensor<10xf32>) -> tensor<32x10xf32> {
  %zero = arith.constant 0.0 : f32

  %e1 = tensor.empty() : tensor<32x128xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %mm1 = linalg.matmul ins(%x, %w1 : tensor<32x64xf32>, tensor<64x128xf32>)
                       outs(%i1 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %h = linalg.generic {indexing_maps = [#identity, #bias, #identity],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm1, %b1 : tensor<32x128xf32>, tensor<128xf32>) outs(%e1 : tensor<32x128xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<32x128xf32>

  %e2 = tensor.empty() : tensor<32x10xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<32x10xf32>) -> tensor<32x10xf32>
  %mm2 = linalg.matmul ins(%h, %w2 : tensor<32x128xf32>, tensor<128x10xf32>)
                       outs(%i2 : tensor<32x10xf32>) -> tensor<32x10xf32>
  %y = linalg.generic {indexing_maps = [#identity, #bias, #identity],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm2, %b2 : tensor<32x10xf32>, tensor<10xf32>) outs(%e2 : tensor<32x10xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<32x10xf32>
  return %y : tensor<32x10xf32>
}
