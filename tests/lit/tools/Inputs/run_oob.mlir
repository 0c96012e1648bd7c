func.func @f(%a: memref<4xi32>) -> i32 {
  %c4 = arith.constant 4 : index
  %x = memref.load %a[%c4] : memref<4xi32>
  return %x : i32
}
