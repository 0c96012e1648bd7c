// A quantized two-layer perceptron: int8 activations and weights, int32 biases.
// Layer 1 accumulates in int32, adds the bias, applies ReLU and requantises to
// int8 (multiply by 181, round, shift right by 15: a scale of about 0.0055);
// layer 2 returns int32 logits plus bias. 24 samples, 80 -> 48 -> 10.

#identity = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>

func.func @int8_mlp(%x: tensor<24x80xi8>, %w1: tensor<80x48xi8>, %b1: tensor<48xi32>,
                    %w2: tensor<48x10xi8>, %b2: tensor<10xi32>) -> tensor<24x10xi32> {
  %zero = arith.constant 0 : i32
  %scale = arith.constant 181 : i64
  %round = arith.constant 16384 : i64
  %shift = arith.constant 15 : i64
  %lo = arith.constant -128 : i64
  %hi = arith.constant 127 : i64

  %e1 = tensor.empty() : tensor<24x48xi32>
  %i1 = linalg.fill ins(%zero : i32) outs(%e1 : tensor<24x48xi32>) -> tensor<24x48xi32>
  %mm1 = linalg.matmul ins(%x, %w1 : tensor<24x80xi8>, tensor<80x48xi8>)
                       outs(%i1 : tensor<24x48xi32>) -> tensor<24x48xi32>
  %q1 = tensor.empty() : tensor<24x48xi8>
  %h = linalg.generic {indexing_maps = [#identity, #bias, #identity],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm1, %b1 : tensor<24x48xi32>, tensor<48xi32>) outs(%q1 : tensor<24x48xi8>) {
  ^bb0(%v: i32, %b: i32, %out: i8):
    %s = arith.addi %v, %b : i32
    %r = arith.maxsi %s, %zero : i32
    %w = arith.extsi %r : i32 to i64
    %p = arith.muli %w, %scale : i64
    %a = arith.addi %p, %round : i64
    %t = arith.shrsi %a, %shift : i64
    %c1 = arith.maxsi %t, %lo : i64
    %c2 = arith.minsi %c1, %hi : i64
    %q = arith.trunci %c2 : i64 to i8
    linalg.yield %q : i8
  } -> tensor<24x48xi8>

  %e2 = tensor.empty() : tensor<24x10xi32>
  %i2 = linalg.fill ins(%zero : i32) outs(%e2 : tensor<24x10xi32>) -> tensor<24x10xi32>
  %mm2 = linalg.matmul ins(%h, %w2 : tensor<24x48xi8>, tensor<48x10xi8>)
                       outs(%i2 : tensor<24x10xi32>) -> tensor<24x10xi32>
  %y = linalg.generic {indexing_maps = [#identity, #bias, #identity],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm2, %b2 : tensor<24x10xi32>, tensor<10xi32>) outs(%e2 : tensor<24x10xi32>) {
  ^bb0(%v: i32, %b: i32, %out: i32):
    %s = arith.addi %v, %b : i32
    linalg.yield %s : i32
  } -> tensor<24x10xi32>
  return %y : tensor<24x10xi32>
}
