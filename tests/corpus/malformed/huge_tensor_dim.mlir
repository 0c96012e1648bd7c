// EXPECT: 2:25: dimension 99999999999999999999999999 is too large
func.func @f(%a: tensor<99999999999999999999999999x4xf32>) {
  return
}
