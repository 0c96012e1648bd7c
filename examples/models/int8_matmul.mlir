// A quantized matmul: int8 x int8 operands accumulate exactly in int32.
// The shapes are ragged on purpose: no dimension is a multiple of 8 or 16.

func.func @int8_matmul(%a: tensor<37x53xi8>, %b: tensor<53x29xi8>) -> tensor<37x29xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<37x29xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<37x29xi32>) -> tensor<37x29xi32>
  %c = linalg.matmul ins(%a, %b : tensor<37x53xi8>, tensor<53x29xi8>)
                     outs(%init : tensor<37x29xi32>) -> tensor<37x29xi32>
  return %c : tensor<37x29xi32>
}
