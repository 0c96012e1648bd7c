// RUN: ziggurat-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: not ziggurat-opt %s 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK: "mystery.op"() {note = "kept"} : () -> ()
// ERR: opt_unregistered.mlir:[[# @LINE + 1]]:{{[0-9]+}}: error: {{.*}}mystery.op
"mystery.op"() {note = "kept"} : () -> ()
