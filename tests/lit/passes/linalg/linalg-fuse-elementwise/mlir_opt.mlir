// REQUIRES: mlir-opt
// RUN: ziggurat-opt %S/chain.mlir -p linalg-fuse-elementwise | %mlir-opt | FileCheck %s --check-prefix=CHAIN
// RUN: ziggurat-opt %S/permuted.mlir -p linalg-fuse-elementwise | %mlir-opt | FileCheck %s --check-prefix=PERMUTED
// RUN: ziggurat-opt %S/epilogue.mlir --split-input-file -p linalg-fuse-elementwise | %mlir-opt --split-input-file | FileCheck %s --check-prefix=EPILOGUE
// RUN: ziggurat-opt %S/not_folded.mlir --split-input-file -p linalg-fuse-elementwise | %mlir-opt --split-input-file > /dev/null

// Real MLIR accepts (parses and verifies) what linalg-fuse-elementwise prints.

// CHAIN: linalg.generic
// CHAIN: math.exp
// PERMUTED: arith.negf

// EPILOGUE-LABEL: func.func @mlp
// EPILOGUE: linalg.matmul
// EPILOGUE: arith.maximumf
// EPILOGUE-LABEL: func.func @batch_bias
// EPILOGUE: linalg.batch_matmul
// EPILOGUE-LABEL: func.func @conv_relu
// EPILOGUE: linalg.conv_2d_nhwc_hwcf
