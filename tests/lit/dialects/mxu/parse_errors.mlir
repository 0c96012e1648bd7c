// RUN: not ziggurat-opt %s --split-input-file 2>&1 | FileCheck %s

func.func @unknown_field() {
  device.launch target(#device.target<mxu>) {
    // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: 'mxu.matmul' has no field 'acc_rw'
    mxu.matmul <row = 0, rows = 8, acc_rw = 0, dtype = i8>
  }
  return
}

// -----

func.func @bad_dtype() {
  device.launch target(#device.target<mxu>) {
    // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: field 'dtype' must be one of: i8, bf16, f32, i32
    mxu.loadw <row = 0, rows = 8, cols = 8, dtype = f16>
  }
  return
}

// -----

func.func @missing_field() {
  device.launch target(#device.target<mxu>) {
    // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: 'mxu.loadw' is missing field(s) 'dtype'
    mxu.loadw <row = 0, rows = 8, cols = 8>
  }
  return
}

// -----

func.func @bad_deps() {
  device.launch target(#device.target<mxu>) {
    // CHECK: parse_errors.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: 'deps' must be a list of: pop_prev, pop_next, push_prev, push_next
    mxu.loadw <row = 0, rows = 8, cols = 8, dtype = i8, deps = [wait]>
  }
  return
}
