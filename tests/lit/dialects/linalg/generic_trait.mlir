// RUN: ziggurat-opt %s | FileCheck %s

// `linalg.generic #trait`: the attributes come from an alias, as MLIR's
// tests write them.

#map = affine_map<(d0, d1) -> (d0, d1)>
#trait = {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"], doc = "scale"}

// CHECK-LABEL: func.func @scale
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"], doc = "scale"} ins(%a : tensor<2x3xf32>) outs(%o : tensor<2x3xf32>)
func.func @scale(%a: tensor<2x3xf32>, %o: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = linalg.generic #trait ins(%a : tensor<2x3xf32>) outs(%o : tensor<2x3xf32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %x : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
