// REQUIRES: mlir-opt
// RUN: ziggurat-opt %S/matmul_memref.mlir -p 'linalg-tile{tile-sizes=4,8,3}' | %mlir-opt | FileCheck %s --check-prefix=MEMREF
// RUN: ziggurat-opt %S/matmul_tensor.mlir -p 'linalg-tile{tile-sizes=4,8}' | %mlir-opt | FileCheck %s --check-prefix=TENSOR
// RUN: ziggurat-opt %S/conv_strided.mlir -p 'linalg-tile{tile-sizes=0,2,2,0,2}' | %mlir-opt | FileCheck %s --check-prefix=CONV
// RUN: ziggurat-opt %S/generic_maps.mlir --split-input-file -p 'linalg-tile{tile-sizes=3,2}' | %mlir-opt --split-input-file | FileCheck %s --check-prefix=GENERIC
// RUN: ziggurat-opt %S/other_ops.mlir --split-input-file -p 'linalg-tile{tile-sizes=2,4}' | %mlir-opt --split-input-file | FileCheck %s --check-prefix=OTHER
// RUN: ziggurat-opt %S/reduction_tensor.mlir -p 'linalg-tile{tile-sizes=0,0,5}' | %mlir-opt | FileCheck %s --check-prefix=REDUCTION

// Real MLIR accepts (parses and verifies) what linalg-tile prints.

// MEMREF: affine.min
// MEMREF: memref.subview {{.*}} to memref<?x?xf32, strided<[7, 1], offset: ?>>
// MEMREF: linalg.matmul

// TENSOR: scf.for {{.*}} iter_args
// TENSOR: tensor.insert_slice
// TENSOR: scf.yield

// CONV: affine.apply
// CONV: linalg.conv_2d_nhwc_hwcf

// GENERIC: linalg.generic
// GENERIC: linalg.index 0

// OTHER: linalg.fill
// OTHER: linalg.transpose
// OTHER: linalg.broadcast
// OTHER: linalg.reduce

// REDUCTION: linalg.matmul {{.*}} -> tensor<4x6xf32>
