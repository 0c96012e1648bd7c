// RUN: ziggurat-opt %s -p canonicalize,cse | FileCheck %s
// RUN: ziggurat-opt %s -p 'canonicalize,cse' --print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=DUMP
// RUN: ziggurat-opt %s -p canonicalize,cse --pass-timing 2>&1 >/dev/null | FileCheck %s --check-prefix=TIMING
// RUN: ziggurat-opt < %s --passes cse | FileCheck %s --check-prefix=STDIN

// Constants fold and duplicates merge; the dumps follow the pipeline's order.

// CHECK-LABEL: func.func @fold
// CHECK-NEXT:    %{{.*}} = arith.constant 5 : i32
// CHECK-NEXT:    func.return %{{.*}}, %{{.*}} : i32, i32
func.func @fold() -> (i32, i32) {
  %a = arith.constant 2 : i32
  %b = arith.constant 3 : i32
  %c = arith.addi %a, %b : i32
  %d = arith.addi %a, %b : i32
  return %c, %d : i32, i32
}

// DUMP: // -----// IR Dump After canonicalize //----- //
// DUMP: arith.constant 5 : i32
// DUMP: // -----// IR Dump After cse //----- //

// TIMING: Total Execution Time:
// TIMING: ----Wall Time----  ----Name----
// TIMING-DAG: Parser
// TIMING-DAG: canonicalize
// TIMING-DAG: cse
// TIMING-DAG: Output
// TIMING: (100.0%)  Total

// STDIN: %c = arith.addi %a, %b : i32
// STDIN-NOT: %d = arith.addi
