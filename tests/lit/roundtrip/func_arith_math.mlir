// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Scalar code: declarations and calls, a GELU in arith and math, integer and
// float operations with their flags, vectors, and unstructured control flow.

// CHECK: func.func private @external(f32) -> f32
func.func private @external(f32) -> f32
// CHECK: func.func private @ext_memref(memref<?xf32>, index) -> () attributes {llvm.emit_c_interface}
func.func private @ext_memref(memref<?xf32>, index) attributes {llvm.emit_c_interface}

// CHECK-LABEL: func.func @gelu(%x: f32) -> f32
func.func @gelu(%x: f32) -> f32 {
  %half = arith.constant 5.000000e-01 : f32
  %one = arith.constant 1.000000e+00 : f32
  // CHECK: %c = arith.constant 0.797884583 : f32
  %c = arith.constant 0.797884583 : f32
  %k = arith.constant 4.471500e-02 : f32
  %x2 = arith.mulf %x, %x : f32
  %x3 = arith.mulf %x2, %x : f32
  // CHECK: %t0 = math.fma %k, %x3, %x : f32
  %t0 = math.fma %k, %x3, %x : f32
  %t1 = arith.mulf %c, %t0 : f32
  // CHECK: %t2 = math.tanh %t1 : f32
  %t2 = math.tanh %t1 : f32
  %t3 = arith.addf %one, %t2 : f32
  %t4 = arith.mulf %half, %x : f32
  // CHECK: %r = arith.mulf %t4, %t3 fastmath<fast> : f32
  %r = arith.mulf %t4, %t3 fastmath<fast> : f32
  return %r : f32
}

// CHECK-LABEL: func.func @integers
func.func @integers(%a: i32, %b: i32) -> (i32, i1, i64, i8) {
  %0 = arith.addi %a, %b : i32
  // CHECK: %1 = arith.muli %0, %b overflow<nsw> : i32
  %1 = arith.muli %0, %b overflow<nsw> : i32
  %2 = arith.divsi %1, %a : i32
  %3 = arith.remui %2, %b : i32
  %4 = arith.andi %3, %a : i32
  %5 = arith.ori %4, %b : i32
  %6 = arith.xori %5, %a : i32
  %7 = arith.shli %6, %b : i32
  %8 = arith.shrsi %7, %b : i32
  %9 = arith.maxsi %8, %a : i32
  %10 = arith.minui %9, %b : i32
  // CHECK: %11 = arith.cmpi slt, %10, %a : i32
  %11 = arith.cmpi slt, %10, %a : i32
  // CHECK: %12 = arith.select %11, %a, %b : i32
  %12 = arith.select %11, %a, %b : i32
  // CHECK: %13 = arith.extsi %12 : i32 to i64
  %13 = arith.extsi %12 : i32 to i64
  // CHECK: %14 = arith.trunci %12 : i32 to i8
  %14 = arith.trunci %12 : i32 to i8
  %15 = arith.ceildivsi %a, %b : i32
  %16 = arith.floordivsi %a, %b : i32
  // CHECK: %17, %18 = arith.addui_extended %a, %b : i32, i1
  %17, %18 = arith.addui_extended %a, %b : i32, i1
  return %12, %11, %13, %14 : i32, i1, i64, i8
}

// CHECK-LABEL: func.func @floats
func.func @floats(%a: f64, %b: f64) -> (f64, i1) {
  %0 = arith.subf %a, %b : f64
  %1 = arith.divf %0, %b : f64
  // CHECK: %2 = arith.negf %1 : f64
  %2 = arith.negf %1 : f64
  %3 = math.sqrt %2 : f64
  %4 = math.log %3 : f64
  // CHECK: %5 = math.powf %4, %b : f64
  %5 = math.powf %4, %b : f64
  %6 = math.absf %5 : f64
  %7 = math.rsqrt %6 : f64
  %8 = math.floor %7 : f64
  // CHECK: %9 = arith.cmpf oge, %8, %a : f64
  %9 = arith.cmpf oge, %8, %a : f64
  %10 = arith.maxnumf %8, %a : f64
  %11 = math.exp2 %10 : f64
  %12 = math.erf %11 : f64
  // CHECK: %13 = arith.remf %12, %a : f64
  %13 = arith.remf %12, %a : f64
  // CHECK: %14 = arith.addf %13, %b fastmath<nnan,ninf> : f64
  %14 = arith.addf %13, %b fastmath<nnan, ninf> : f64
  return %14, %9 : f64, i1
}

// CHECK-LABEL: func.func @vectors
func.func @vectors(%a: vector<4xf32>, %b: vector<4xf32>) -> vector<4xf32> {
  // CHECK: %0 = arith.addf %a, %b : vector<4xf32>
  %0 = arith.addf %a, %b : vector<4xf32>
  // CHECK: %1 = math.exp %0 : vector<4xf32>
  %1 = math.exp %0 : vector<4xf32>
  return %1 : vector<4xf32>
}

// CHECK-LABEL: func.func @indices
func.func @indices(%i: index, %j: index, %k: i64) -> (index, index) {
  %c4 = arith.constant 4 : index
  %0 = arith.muli %i, %c4 : index
  %1 = arith.addi %0, %j : index
  // CHECK: %2 = arith.index_cast %1 : index to i64
  %2 = arith.index_cast %1 : index to i64
  // CHECK: %3 = arith.index_castui %k : i64 to index
  %3 = arith.index_castui %k : i64 to index
  return %1, %3 : index, index
}

// CHECK-LABEL: func.func @caller
func.func @caller(%x: f32, %m: memref<?xf32>) -> f32 {
  // CHECK: %y = func.call @external(%x) : (f32) -> f32
  %y = func.call @external(%x) : (f32) -> f32
  // CHECK: %z = func.call @gelu(%y) : (f32) -> f32
  %z = call @gelu(%y) : (f32) -> f32
  %c0 = arith.constant 0 : index
  // CHECK: func.call @ext_memref(%m, %c0) : (memref<?xf32>, index) -> ()
  call @ext_memref(%m, %c0) : (memref<?xf32>, index) -> ()
  return %z : f32
}

// CHECK-LABEL: func.func @branches
func.func @branches(%c: i1, %a: i32, %b: i32) -> i32 {
  // CHECK: cf.cond_br %c, ^bb1(%a : i32), ^bb2
  cf.cond_br %c, ^bb1(%a : i32), ^bb2
// CHECK: ^bb1(%v: i32):
^bb1(%v: i32):
  return %v : i32
^bb2:
  // CHECK: cf.br ^bb1(%b : i32)
  cf.br ^bb1(%b : i32)
}

// CHECK-LABEL: func.func @attributes(%a: tensor<4xf32> {bufferization.writable = true}, %b: memref<4xf32> {llvm.noalias}) -> (tensor<4xf32> {foo.res}) attributes {passthrough = ["noinline"]}
func.func @attributes(%a: tensor<4xf32> {bufferization.writable = true}, %b: memref<4xf32> {llvm.noalias}) -> (tensor<4xf32> {foo.res}) attributes {passthrough = ["noinline"]} {
  return %a : tensor<4xf32>
}
