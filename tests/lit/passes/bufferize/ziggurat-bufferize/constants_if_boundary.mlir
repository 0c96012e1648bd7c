// RUN: ziggurat-opt %s -p ziggurat-bufferize --split-input-file | FileCheck %s

// A dense tensor constant becomes one private constant global (shared by
// equal constants), read through memref.get_global. It is never written:
// accumulating into it works on a copy.

// CHECK:       memref.global "private" constant @__constant_2xf32 : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    %[[K:.*]] = memref.get_global @__constant_2xf32 : memref<2xf32>
// CHECK-NEXT:    %[[J:.*]] = memref.get_global @__constant_2xf32 : memref<2xf32>
// CHECK-NEXT:    %y = memref.alloc() : memref<2xf32>
// CHECK-NEXT:    memref.copy %[[J]], %y : memref<2xf32> to memref<2xf32>
// CHECK-NEXT:    linalg.generic {{.*}} ins(%x, %[[K]] : memref<2xf32>, memref<2xf32>) outs(%y : memref<2xf32>)
#id = affine_map<(d0) -> (d0)>
func.func @constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  %k = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %j = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%x, %k : tensor<2xf32>, tensor<2xf32>) outs(%j : tensor<2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %t = arith.addf %s, %o : f32
    linalg.yield %t : f32
  } -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// scf.if with a tensor result writes it into a buffer allocated before the
// if; each branch copies what it yields there.

// CHECK-LABEL: func.func @select
// CHECK-NEXT:    %r = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    scf.if %c {
// CHECK-NEXT:      memref.copy %a, %r : memref<4xf32> to memref<4xf32>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      memref.copy %b, %r : memref<4xf32> to memref<4xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %r : memref<4xf32>
func.func @select(%c: i1, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r = scf.if %c -> (tensor<4xf32>) {
    scf.yield %a : tensor<4xf32>
  } else {
    scf.yield %b : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// to_tensor/to_buffer pairs fold away; materialize_in_destination is a copy
// into the given buffer.

// CHECK-LABEL: func.func @boundary(%m: memref<4xf32>, %out: memref<4xf32>) {
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    memref.copy %m, %out : memref<4xf32> to memref<4xf32>
// CHECK-NEXT:    %v = memref.load %m[%c0] : memref<4xf32>
// CHECK-NOT:     bufferization
func.func @boundary(%m: memref<4xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %t = bufferization.to_tensor %m restrict writable : memref<4xf32> to tensor<4xf32>
  %n = bufferization.to_buffer %t read_only : tensor<4xf32> to memref<4xf32>
  bufferization.materialize_in_destination %t in restrict writable %out : (tensor<4xf32>, memref<4xf32>) -> ()
  %v = memref.load %n[%c0] : memref<4xf32>
  return
}
