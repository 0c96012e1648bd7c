// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// Structured control flow: scf.for with loop-carried values (index and
// integer induction variables), scf.if with and without results, scf.while
// (a Collatz step count), scf.execute_region and scf.index_switch.

// CHECK-LABEL: func.func @sum
func.func @sum(%A: memref<?xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  // CHECK: %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
  // CHECK-NEXT: %v = memref.load %A[%i] : memref<?xf32>
  // CHECK-NEXT: %s = arith.addf %acc, %v : f32
  // CHECK-NEXT: scf.yield %s : f32
  // CHECK-NEXT: }
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
    %v = memref.load %A[%i] : memref<?xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %r : f32
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%A: memref<8x8xf32>, %B: memref<8x8xf32>, %C: memref<8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  // CHECK: scf.for %i = %c0 to %c8 step %c1 {
  scf.for %i = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %init = memref.load %C[%i, %j] : memref<8x8xf32>
      // CHECK: %acc = scf.for %k = %c0 to %c8 step %c1 iter_args(%a = %init) -> (f32) {
      %acc = scf.for %k = %c0 to %c8 step %c1 iter_args(%a = %init) -> (f32) {
        %x = memref.load %A[%i, %k] : memref<8x8xf32>
        %y = memref.load %B[%k, %j] : memref<8x8xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %a, %p : f32
        scf.yield %s : f32
      }
      // CHECK: memref.store %acc, %C[%i, %j] : memref<8x8xf32>
      memref.store %acc, %C[%i, %j] : memref<8x8xf32>
    }
  }
  return
}

// CHECK-LABEL: func.func @integer_loop
func.func @integer_loop(%lb: i32, %ub: i32, %step: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  // CHECK: %r = scf.for %i = %lb to %ub step %step iter_args(%a = %c0) -> (i32) : i32 {
  %r = scf.for %i = %lb to %ub step %step iter_args(%a = %c0) -> (i32) : i32 {
    %s = arith.addi %a, %i : i32
    scf.yield %s : i32
  }
  return %r : i32
}

// CHECK-LABEL: func.func @distance
func.func @distance(%a: f32, %b: f32) -> f32 {
  %cond = arith.cmpf ogt, %a, %b : f32
  // CHECK: %r = scf.if %cond -> (f32) {
  // CHECK: scf.yield %{{.*}} : f32
  // CHECK-NEXT: } else {
  // CHECK: scf.yield %{{.*}} : f32
  // CHECK-NEXT: }
  %r = scf.if %cond -> (f32) {
    %d = arith.subf %a, %b : f32
    scf.yield %d : f32
  } else {
    %d = arith.subf %b, %a : f32
    scf.yield %d : f32
  }
  return %r : f32
}

// CHECK-LABEL: func.func @store_if
func.func @store_if(%c: i1, %m: memref<4xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  // CHECK: scf.if %c {
  // CHECK-NEXT: memref.store %v, %m[%c0] : memref<4xf32>
  // CHECK-NEXT: }
  scf.if %c {
    memref.store %v, %m[%c0] : memref<4xf32>
  }
  return
}

// CHECK-LABEL: func.func @swap
func.func @swap(%c: i1, %x: i32, %y: i32) -> (i32, i32) {
  // CHECK: %a, %b = scf.if %c -> (i32, i32) {
  %a, %b = scf.if %c -> (i32, i32) {
    scf.yield %x, %y : i32, i32
  } else {
    scf.yield %y, %x : i32, i32
  }
  return %a, %b : i32, i32
}

// CHECK-LABEL: func.func @collatz_steps
func.func @collatz_steps(%n0: i64) -> i64 {
  %c1 = arith.constant 1 : i64
  %c2 = arith.constant 2 : i64
  %c3 = arith.constant 3 : i64
  %c0 = arith.constant 0 : i64
  // CHECK: %res, %res_1 = scf.while (%n = %n0, %steps = %c0) : (i64, i64) -> (i64, i64) {
  // CHECK: scf.condition(%more) %n, %steps : i64, i64
  // CHECK-NEXT: } do {
  // CHECK-NEXT: ^bb0(%m: i64, %s: i64):
  %res:2 = scf.while (%n = %n0, %steps = %c0) : (i64, i64) -> (i64, i64) {
    %more = arith.cmpi sgt, %n, %c1 : i64
    scf.condition(%more) %n, %steps : i64, i64
  } do {
  ^bb0(%m: i64, %s: i64):
    %rem = arith.remsi %m, %c2 : i64
    %even = arith.cmpi eq, %rem, %c0 : i64
    %next = scf.if %even -> (i64) {
      %h = arith.divsi %m, %c2 : i64
      scf.yield %h : i64
    } else {
      %t = arith.muli %m, %c3 : i64
      %u = arith.addi %t, %c1 : i64
      scf.yield %u : i64
    }
    %s1 = arith.addi %s, %c1 : i64
    // CHECK: scf.yield %next, %s1 : i64, i64
    scf.yield %next, %s1 : i64, i64
  }
  return %res#1 : i64
}

// CHECK-LABEL: func.func @while_changes_types
func.func @while_changes_types(%x: i32) -> f32 {
  // CHECK: %r = scf.while (%a = %x) : (i32) -> f32 {
  %r = scf.while (%a = %x) : (i32) -> f32 {
    %c = arith.constant true
    %f = arith.sitofp %a : i32 to f32
    scf.condition(%c) %f : f32
  } do {
  ^bb0(%f: f32):
    %i = arith.fptosi %f : f32 to i32
    scf.yield %i : i32
  }
  return %r : f32
}

// CHECK-LABEL: func.func @region_and_switch
func.func @region_and_switch(%i: index) -> (i32, f32) {
  // CHECK: %r = scf.execute_region -> (i32) {
  %r = scf.execute_region -> i32 {
    %c = arith.constant 42 : i32
    scf.yield %c : i32
  }
  // CHECK: %s = scf.index_switch %i -> f32
  // CHECK-NEXT: case 0 {
  // CHECK: case 1 {
  // CHECK: default {
  %s = scf.index_switch %i -> f32
  case 0 {
    %a = arith.constant 1.0 : f32
    scf.yield %a : f32
  }
  case 1 {
    %b = arith.constant 2.0 : f32
    scf.yield %b : f32
  }
  default {
    %c = arith.constant 0.0 : f32
    scf.yield %c : f32
  }
  return %r, %s : i32, f32
}
