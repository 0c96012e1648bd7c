// RUN: ziggurat-opt %s -o %t && ziggurat-opt %t | diff %t -
// RUN: FileCheck %s < %t

// The rest of memref's custom syntax: atomic read-modify-write, stack
// allocation scopes, rank, aligned pointers and memory spaces.

// CHECK-LABEL: func.func @histogram
func.func @histogram(%bins: memref<16xi32>, %keys: memref<128xindex>) {
  %one = arith.constant 1 : i32
  affine.for %i = 0 to 128 {
    %k = affine.load %keys[%i] : memref<128xindex>
    // CHECK: %old = memref.atomic_rmw addi %one, %bins[%k] : (i32, memref<16xi32>) -> i32
    %old = memref.atomic_rmw addi %one, %bins[%k] : (i32, memref<16xi32>) -> i32
  }
  return
}

// CHECK-LABEL: func.func @atomic_max
func.func @atomic_max(%m: memref<10xf32>, %v: f32, %i: index) -> f32 {
  // CHECK: memref.atomic_rmw maximumf %v, %m[%i] : (f32, memref<10xf32>) -> f32
  %x = memref.atomic_rmw maximumf %v, %m[%i] : (f32, memref<10xf32>) -> f32
  return %x : f32
}

// CHECK-LABEL: func.func @scopes
func.func @scopes(%v: f32) -> f32 {
  // CHECK: %y = memref.alloca_scope -> (f32) {
  // CHECK-NEXT: %a = memref.alloca() : memref<4xf32>
  // CHECK-NEXT: memref.alloca_scope.return %v : f32
  // CHECK-NEXT: }
  %y = memref.alloca_scope -> (f32) {
    %a = memref.alloca() : memref<4xf32>
    memref.alloca_scope.return %v : f32
  }
  // CHECK: memref.alloca_scope {
  // CHECK-NEXT: %b = memref.alloca() : memref<4xf32>
  // CHECK-NEXT: }
  memref.alloca_scope {
    %b = memref.alloca() : memref<4xf32>
  }
  return %y : f32
}

// CHECK-LABEL: func.func @queries
func.func @queries(%m: memref<4x8xf32>) -> (index, index) {
  // CHECK: %r = memref.rank %m : memref<4x8xf32>
  %r = memref.rank %m : memref<4x8xf32>
  // CHECK: %p = memref.extract_aligned_pointer_as_index %m : memref<4x8xf32> -> index
  %p = memref.extract_aligned_pointer_as_index %m : memref<4x8xf32> -> index
  return %r, %p : index, index
}

// CHECK-LABEL: func.func @memory_spaces
func.func @memory_spaces(%m: memref<8xf32>) {
  // CHECK: %s = memref.memory_space_cast %m : memref<8xf32> to memref<8xf32, 1{{( : i64)?}}>
  %s = memref.memory_space_cast %m : memref<8xf32> to memref<8xf32, 1>
  // CHECK: %a = memref.alloc() : memref<8xf32, 1{{( : i64)?}}>
  %a = memref.alloc() : memref<8xf32, 1>
  memref.dealloc %a : memref<8xf32, 1>
  return
}
