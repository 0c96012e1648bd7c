// RUN: ziggurat-opt %s -p cpu-matmul-kernel | ziggurat-translate - -t c | FileCheck %s

// On the C target: both packing loops run under OpenMP, and the micro-kernel is a local
// 8x32 accumulator array updated by fmaf in constant-trip-count loops (which gcc -O3
// unrolls and vectorises).

// CHECK:     #pragma omp parallel for
// CHECK:     #pragma omp parallel for
// CHECK:     float [[ACC:[a-z0-9_]+]][256];
// CHECK:     [[ACC]][{{.*}}] = 0.0f;
// CHECK:     for (int64_t [[I:[a-z0-9_]+]] = INT64_C(0); [[I]] < INT64_C(8); [[I]] += INT64_C(1)) {
// CHECK-NEXT:  const float [[A:[a-z0-9_]+]] = packed_a[
// CHECK-NEXT:  for (int64_t [[J:[a-z0-9_]+]] = INT64_C(0); [[J]] < INT64_C(32); [[J]] += INT64_C(1)) {
// CHECK-NEXT:    const float [[B:[a-z0-9_]+]] = packed_b[
// CHECK-NEXT:    const float [[OLD:[a-z0-9_]+]] = [[ACC]][[[I]] * 32 + [[J]]];
// CHECK-NEXT:    const float [[NEW:[a-z0-9_]+]] = fmaf([[A]], [[B]], [[OLD]]);
// CHECK-NEXT:    [[ACC]][[[I]] * 32 + [[J]]] = [[NEW]];

func.func @mm(%a: memref<100x70xf32>, %b: memref<70x90xf32>, %c: memref<100x90xf32>) {
  linalg.matmul ins(%a, %b : memref<100x70xf32>, memref<70x90xf32>) outs(%c : memref<100x90xf32>)
  return
}
