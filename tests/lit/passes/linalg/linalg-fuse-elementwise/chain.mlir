// RUN: ziggurat-opt %s -p linalg-fuse-elementwise | FileCheck %s
// RUN: ziggurat-opt %s -p linalg-fuse-elementwise | grep -c linalg.generic | FileCheck %s --check-prefix=COUNT
// COUNT: {{^}}1{{$}}

// Three elementwise generics in a chain become one: the consumer reads the
// producers' inputs (through composed maps: %y is read transposed) and runs
// their bodies before its own.

#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>

// CHECK-LABEL: func.func @chain(
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %y, %x : tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
// CHECK-NEXT:    ^bb0(%p: f32, %q: f32, %q_1: f32, %o: f32):
// CHECK-NEXT:      %[[M:.*]] = arith.mulf %p, %q : f32
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[M]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.subf %[[E]], %q_1 : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK-NEXT:    } -> tensor<4x8xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         func.return %[[R]] : tensor<4x8xf32>
func.func @chain(%x: tensor<4x8xf32>, %y: tensor<8x4xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #t, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<4x8xf32>, tensor<8x4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.mulf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %o: f32):
    %s = math.exp %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %c = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%b, %x : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.subf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}
