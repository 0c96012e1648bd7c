// RUN: ziggurat-opt %s -p 'map-to-device{target=cpu simd=true}' | FileCheck %s
// RUN: ziggurat-opt %s -p 'map-to-device{target=cpu}' | FileCheck %s --check-prefix=NOSIMD

// scf.parallel loops are mapped like affine.parallel ones. With simd=true,
// the innermost unit-step dimension of an innermost band becomes simd; a
// loop that is not parallel stays on the host.

// CHECK-LABEL: func.func @scale
func.func @scale(%A: memref<?x?xf32>, %m: index, %n: index, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK:      scf.for
  // CHECK-NEXT:   device.launch target(#device.target<cpu>) {
  // CHECK-NEXT:     device.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) mapping [#device.dim<thread>, #device.dim<simd>] {
  // CHECK-NEXT:       memref.load %A[%i, %j]
  // NOSIMD: mapping [#device.dim<thread>, #device.dim<thread>]
  scf.for %t = %c0 to %c1 step %c1 {
    scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
      %v = memref.load %A[%i, %j] : memref<?x?xf32>
      %w = arith.mulf %v, %s : f32
      memref.store %w, %A[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// A triangular nest is two bands: the inner bound depends on the outer variable.
// CHECK-LABEL: func.func @triangle
func.func @triangle(%A: memref<8x8xf32>, %s: f32) {
  // CHECK:      device.parallel (%i) = {{.*}} mapping [#device.dim<thread>] {
  // CHECK:        device.parallel (%j) = {{.*}} mapping [#device.dim<simd>] {
  // NOSIMD:     device.parallel (%j) = {{.*}} mapping [#device.dim<sequential>] {
  affine.parallel (%i) = (0) to (8) {
    affine.parallel (%j) = (0) to (%i + 1) {
      affine.store %s, %A[%i, %j] : memref<8x8xf32>
    }
  }
  return
}
