// RUN: ziggurat-opt %s -p cpu-conv-to-matmul | FileCheck %s

// A strided, dilated NHWC/HWCF convolution becomes an im2col copy into a 6-D buffer and a
// matmul on 2-D views of it, the filter and the output.

// CHECK-LABEL: func.func @conv
// CHECK-SAME:    (%[[X:.*]]: memref<2x9x10x3xf32>, %[[K:.*]]: memref<2x3x3x5xf32>, %[[Y:.*]]: memref<2x4x3x5xf32>)
// CHECK:         %im2col = memref.alloc() : memref<2x4x3x2x3x3xf32>
// CHECK-NEXT:    linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, ((d1 * 2) + (d3 * 2)), ((d2 * 3) + d4), d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>]
// CHECK-SAME:      ins(%[[X]] : memref<2x9x10x3xf32>) outs(%im2col : memref<2x4x3x2x3x3xf32>)
// CHECK-NEXT:    ^{{.*}}(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      linalg.yield %[[IN]] : f32
// CHECK-NEXT:    }
// CHECK-NEXT:    %im2col_rows = memref.collapse_shape %im2col {{\[\[}}0, 1, 2], [3, 4, 5]] : memref<2x4x3x2x3x3xf32> into memref<24x18xf32>
// CHECK-NEXT:    %filter_2d = memref.collapse_shape %[[K]] {{\[\[}}0, 1, 2], [3]] : memref<2x3x3x5xf32> into memref<18x5xf32>
// CHECK-NEXT:    %output_2d = memref.collapse_shape %[[Y]] {{\[\[}}0, 1, 2], [3]] : memref<2x4x3x5xf32> into memref<24x5xf32>
// CHECK-NEXT:    linalg.matmul ins(%im2col_rows, %filter_2d : memref<24x18xf32>, memref<18x5xf32>) outs(%output_2d : memref<24x5xf32>)
// CHECK-NEXT:    memref.dealloc %im2col : memref<2x4x3x2x3x3xf32>
// CHECK-NOT:     linalg.conv_2d_nhwc_hwcf
func.func @conv(%x: memref<2x9x10x3xf32>, %k: memref<2x3x3x5xf32>, %y: memref<2x4x3x5xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[2, 3]> : tensor<2xi64>}
      ins(%x, %k : memref<2x9x10x3xf32>, memref<2x3x3x5xf32>) outs(%y : memref<2x4x3x5xf32>)
  return
}

// i8 x i8 -> i32: the im2col buffer holds the i8 input; the matmul widens.

// CHECK-LABEL: func.func @int8
// CHECK:         %im2col = memref.alloc() : memref<1x4x4x3x3x8xi8>
// CHECK:         linalg.matmul ins(%im2col_rows, %filter_2d : memref<16x72xi8>, memref<72x16xi8>) outs(%output_2d : memref<16x16xi32>)
func.func @int8(%x: memref<1x6x6x8xi8>, %k: memref<3x3x8x16xi8>, %y: memref<1x4x4x16xi32>) {
  linalg.conv_2d_nhwc_hwcf ins(%x, %k : memref<1x6x6x8xi8>, memref<3x3x8x16xi8>) outs(%y : memref<1x4x4x16xi32>)
  return
}

// Then cpu-matmul-kernel gives it the packed kernel.
// RUN: ziggurat-opt %s -p cpu-conv-to-matmul,cpu-matmul-kernel | FileCheck %s --check-prefix=KERNEL
// KERNEL-LABEL: func.func @conv
// KERNEL:         %packed_b = memref.alloc()
// KERNEL:         math.fma
// KERNEL-NOT:     linalg.matmul
