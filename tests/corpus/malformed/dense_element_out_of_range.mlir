// EXPECT: 3:23: 1000 is out of range for type i8
func.func @f() -> tensor<2xi8> {
  %0 = arith.constant dense<[1, 1000]> : tensor<2xi8>
  return %0 : tensor<2xi8>
}
