// RUN: not ziggurat-opt %s -p 'map-to-device{target=cpu}' 2>&1 | FileCheck %s
// RUN: not ziggurat-opt %s -p 'map-to-device{target=tpu}' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not ziggurat-opt %s -p 'map-to-device{target=cuda}' 2>&1 | FileCheck %s
// RUN: not ziggurat-opt %s -p 'map-to-device{target=mxu}' 2>&1 | FileCheck %s --check-prefix=MXU

// A parallel loop that reduces cannot become a device.parallel (it has no
// reductions): it is refused, not left behind.

func.func @sum(%A: memref<16xf32>) -> f32 {
  // CHECK: errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: map-to-device: cannot map 'affine.parallel' with reductions to a device
  %r = affine.parallel (%i) = (0) to (16) reduce ("addf") -> (f32) {
    %v = affine.load %A[%i] : memref<16xf32>
    affine.yield %v : f32
  }
  return %r : f32
}

// UNKNOWN: error: map-to-device: unknown target 'tpu', expected one of: cpu, cuda, mxu
// MXU: error: map-to-device: target 'mxu' runs whole matmuls, not loop nests: its kernels come from convert-linalg-to-mxu (mxu-pipeline); map-to-device maps to: cpu, cuda
