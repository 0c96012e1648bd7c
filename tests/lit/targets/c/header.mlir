// RUN: ziggurat-translate %s -t 'c{header=true}' | FileCheck %s

// CHECK: #ifndef ZIGGURAT_GENERATED_H
// CHECK: } zg_memref_i8_1d;
// CHECK: void zg_free(void *allocated);
// CHECK: void scale(zg_memref_i8_1d *restrict result0, const zg_memref_i8_1d *restrict a_desc, int8_t k);
// CHECK-NOT: helper
func.func @scale(%a: memref<?xi8>, %k: i8) -> memref<?xi8> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xi8>
  %o = memref.alloc(%n) : memref<?xi8>
  func.call @helper(%a, %o, %k) : (memref<?xi8>, memref<?xi8>, i8) -> ()
  return %o : memref<?xi8>
}
func.func private @helper(%a: memref<?xi8>, %o: memref<?xi8>, %k: i8) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xi8>
  affine.for %i = 0 to %n {
    %v = affine.load %a[%i] : memref<?xi8>
    %w = arith.muli %v, %k : i8
    affine.store %w, %o[%i] : memref<?xi8>
  }
  return
}
