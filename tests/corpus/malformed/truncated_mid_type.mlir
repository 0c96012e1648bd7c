// EXPECT: 2:30: Expected '>'
func.func @f(%a: tensor<4xf32
