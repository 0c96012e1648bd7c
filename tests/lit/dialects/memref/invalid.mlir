// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics
// The same file is run through mlir-opt by tests/lit/mlir-compat/memref_invalid.test.

// memref ops are verified by MLIR's rules, with MLIR's messages: subview offsets,
// sizes, strides, bounds and result layout (rank-reduced or not), reshapes, reinterpret_cast,
// cast compatibility, index and dynamic-size counts, copy and get_global types.

func.func @subview_layout(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4x4xf32, strided<[8, 1]>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4x4xf32>'}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32>
  return
}

// -----

func.func @subview_offset(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4x4xf32, strided<[8, 1], offset: 16>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4x4xf32, strided<[8, 1]>>'}}
  %s = memref.subview %m[2, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @subview_strides_layout(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4x4xf32, strided<[16, 1]>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4x4xf32, strided<[8, 1]>>'}}
  %s = memref.subview %m[0, 0] [4, 4] [2, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @subview_space(%m: memref<8x8xf32, 1>) {
  // expected-error @+1 {{different memory spaces specified for base memref}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32, 1> to memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @subview_dyn_offset(%m: memref<8x8xf32>, %i: index) {
  // expected-error @+1 {{expected result type to be 'memref<4x4xf32, strided<[8, 1], offset: ?>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4x4xf32, strided<[8, 1]>>'}}
  %s = memref.subview %m[%i, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @subview_rank_reduced_bad(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<1x4xf32, strided<[8, 1], offset: 16>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4xf32>'}}
  %s = memref.subview %m[2, 0] [1, 4] [1, 1] : memref<8x8xf32> to memref<4xf32>
  return
}

// -----

func.func @subview_rank_reduced_ok(%m: memref<8x8xf32>) {
  %s = memref.subview %m[2, 0] [1, 4] [1, 1] : memref<8x8xf32> to memref<4xf32, strided<[1], offset: 16>>
  return
}

// -----

func.func @subview_rank_reduced_col(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4x1xf32, strided<[8, 1], offset: 2>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4xf32, strided<[1], offset: 2>>'}}
  %s = memref.subview %m[0, 2] [4, 1] [1, 1] : memref<8x8xf32> to memref<4xf32, strided<[1], offset: 2>>
  return
}

// -----

func.func @subview_rank_big(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result rank to be smaller or equal to the source rank, but got 'memref<4x4x1xf32, strided<[8, 1, 1]>>'}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4x1xf32, strided<[8, 1, 1]>>
  return
}

// -----

func.func @collapse_groups(%m: memref<2x3x4xf32>) {
  // expected-error @+1 {{invalid number of reassociation groups: found 1, expected 2}}
  %r = memref.collapse_shape %m [[0, 1, 2]] : memref<2x3x4xf32> into memref<6x4xf32>
  return
}

// -----

func.func @collapse_product(%m: memref<2x3x4xf32>) {
  // expected-error @+1 {{collapsed dim size (5) must equal reassociation group size (6)}}
  %r = memref.collapse_shape %m [[0, 1], [2]] : memref<2x3x4xf32> into memref<5x4xf32>
  return
}

// -----

func.func @collapse_cover(%m: memref<2x3x4xf32>) {
  // expected-error @+1 {{expanded rank (3) inconsistent with number of reassociation indices (2)}}
  %r = memref.collapse_shape %m [[0, 1]] : memref<2x3x4xf32> into memref<6xf32>
  return
}

// -----

func.func @collapse_elem(%m: memref<2x3xf32>) {
  // expected-error @+1 {{expected collapsed type to be 'memref<6xf32>' but found 'memref<6xi32>'}}
  %r = memref.collapse_shape %m [[0, 1]] : memref<2x3xf32> into memref<6xi32>
  return
}

// -----

func.func @collapse_strided(%m: memref<2x3xf32, strided<[4, 1]>>) {
  // expected-error @+1 {{invalid source layout map or collapsing non-contiguous dims}}
  %r = memref.collapse_shape %m [[0, 1]] : memref<2x3xf32, strided<[4, 1]>> into memref<6xf32>
  return
}

// -----

func.func @collapse_result_layout(%m: memref<2x3xf32>) {
  // expected-error @+1 {{expected collapsed type to be 'memref<6xf32>' but found 'memref<6xf32, strided<[2]>>'}}
  %r = memref.collapse_shape %m [[0, 1]] : memref<2x3xf32> into memref<6xf32, strided<[2]>>
  return
}

// -----

func.func @collapse_rank_up(%m: memref<6xf32>) {
  // expected-error @+1 {{has source rank 1 and result rank 2. This is not a collapse (1 < 2).}}
  %r = memref.collapse_shape %m [[0], [1]] : memref<6xf32> into memref<2x3xf32>
  return
}

// -----

func.func @collapse_dyn(%m: memref<?x3xf32>) {
  // expected-error @+1 {{collapsed dim (0) must be dynamic if and only if reassociation group is dynamic}}
  %r = memref.collapse_shape %m [[0, 1]] : memref<?x3xf32> into memref<6xf32>
  return
}

// -----

func.func @collapse_dyn2(%m: memref<2x3xf32>) {
  // expected-error @+1 {{collapsed dim (0) must be dynamic if and only if reassociation group is dynamic}}
  %r = memref.collapse_shape %m [[0, 1]] : memref<2x3xf32> into memref<?xf32>
  return
}

// -----

func.func @expand_count(%m: memref<6xf32>) {
  // expected-error @+1 {{expected number of static shape bounds to be equal to the output rank (2) but found 3 inputs instead}}
  %r = memref.expand_shape %m [[0, 1]] output_shape [2, 3, 4] : memref<6xf32> into memref<2x3xf32>
  return
}

// -----

func.func @expand_product(%m: memref<6xf32>) {
  // expected-error @+1 {{collapsed dim size (6) must equal reassociation group size (8)}}
  %r = memref.expand_shape %m [[0, 1]] output_shape [2, 4] : memref<6xf32> into memref<2x4xf32>
  return
}

// -----

func.func @expand_static(%m: memref<6xf32>) {
  // expected-error @+1 {{invalid output shape provided at pos 0}}
  %r = memref.expand_shape %m [[0, 1]] output_shape [3, 2] : memref<6xf32> into memref<2x3xf32>
  return
}

// -----

func.func @expand_rank_down(%m: memref<2x3xf32>) {
  // expected-error @+1 {{has source rank 2 and result rank 1. This is not an expansion (2 > 1).}}
  %r = memref.expand_shape %m [[0, 1]] output_shape [6] : memref<2x3xf32> into memref<6xf32>
  return
}

// -----

func.func @expand_elem(%m: memref<6xf32>) {
  // expected-error @+1 {{expected expanded type to be 'memref<2x3xf32>' but found 'memref<2x3xi32>'}}
  %r = memref.expand_shape %m [[0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xi32>
  return
}

// -----

func.func @expand_groups(%m: memref<6x4xf32>) {
  // expected-error @+1 {{invalid number of reassociation groups: found 1, expected 2}}
  %r = memref.expand_shape %m [[0, 1, 2]] output_shape [2, 3, 4] : memref<6x4xf32> into memref<2x3x4xf32>
  return
}

// -----

func.func @expand_layout(%m: memref<6xf32>) {
  // expected-error @+1 {{expected expanded type to be 'memref<2x3xf32>' but found 'memref<2x3xf32, strided<[4, 1]>>'}}
  %r = memref.expand_shape %m [[0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32, strided<[4, 1]>>
  return
}

// -----

func.func @expand_dyn_source(%m: memref<?xf32>, %n: index) {
  // expected-error @+1 {{collapsed dim (0) must be dynamic if and only if reassociation group is dynamic}}
  %r = memref.expand_shape %m [[0, 1]] output_shape [2, 3] : memref<?xf32> into memref<2x3xf32>
  return
}

// -----

func.func @reinterpret_elem(%m: memref<?xf32>) {
  // expected-error @+1 {{different element types specified for source type 'memref<?xf32>' and result memref type 'memref<10xi32>'}}
  %r = memref.reinterpret_cast %m to offset: [0], sizes: [10], strides: [1] : memref<?xf32> to memref<10xi32>
  return
}

// -----

func.func @reinterpret_space(%m: memref<?xf32, 1>) {
  // expected-error @+1 {{different memory spaces specified for source}}
  %r = memref.reinterpret_cast %m to offset: [0], sizes: [10], strides: [1] : memref<?xf32, 1> to memref<10xf32>
  return
}

// -----

func.func @reinterpret_sizes_count(%m: memref<?xf32>) {
  // expected-error @+1 {{expected mixed sizes rank to match mixed strides rank (2 vs 1) so the rank of the result type is well-formed.}}
  %r = memref.reinterpret_cast %m to offset: [0], sizes: [10, 2], strides: [1] : memref<?xf32> to memref<10xf32>
  return
}

// -----

func.func @reinterpret_size(%m: memref<?xf32>) {
  // expected-error @+1 {{expected result type with size = 10 instead of 12 in dim = 0}}
  %r = memref.reinterpret_cast %m to offset: [0], sizes: [10], strides: [1] : memref<?xf32> to memref<12xf32>
  return
}

// -----

func.func @reinterpret_offset(%m: memref<?xf32>) {
  // expected-error @+1 {{expected result type with offset = 2 instead of 3}}
  %r = memref.reinterpret_cast %m to offset: [2], sizes: [10], strides: [1] : memref<?xf32> to memref<10xf32, strided<[1], offset: 3>>
  return
}

// -----

func.func @reinterpret_stride(%m: memref<?xf32>) {
  // expected-error @+1 {{expected result type with stride = 2 instead of 1 in dim = 0}}
  %r = memref.reinterpret_cast %m to offset: [0], sizes: [10], strides: [2] : memref<?xf32> to memref<10xf32>
  return
}

// -----

func.func @cast_shape(%m: memref<4xf32>) {
  // expected-error @+1 {{operand type 'memref<4xf32>' and result type 'memref<5xf32>' are cast incompatible}}
  %r = memref.cast %m : memref<4xf32> to memref<5xf32>
  return
}

// -----

func.func @cast_elem(%m: memref<4xf32>) {
  // expected-error @+1 {{operand type 'memref<4xf32>' and result type 'memref<4xi32>' are cast incompatible}}
  %r = memref.cast %m : memref<4xf32> to memref<4xi32>
  return
}

// -----

func.func @cast_rank(%m: memref<4xf32>) {
  // expected-error @+1 {{operand type 'memref<4xf32>' and result type 'memref<4x1xf32>' are cast incompatible}}
  %r = memref.cast %m : memref<4xf32> to memref<4x1xf32>
  return
}

// -----

func.func @cast_space(%m: memref<4xf32>) {
  // expected-error @+1 {{operand}}
  %r = memref.cast %m : memref<4xf32> to memref<4xf32, 1>
  return
}

// -----

func.func @cast_layout(%m: memref<4xf32, strided<[2]>>) {
  // expected-error @+1 {{operand type 'memref<4xf32, strided<[2]>>' and result type 'memref<4xf32, strided<[1]>>' are cast incompatible}}
  %r = memref.cast %m : memref<4xf32, strided<[2]>> to memref<4xf32, strided<[1]>>
  return
}

// -----

func.func @cast_unranked_unranked(%m: memref<*xf32>) {
  // expected-error @+1 {{operand type 'memref<*xf32>' and result type 'memref<*xf32>' are cast incompatible}}
  %r = memref.cast %m : memref<*xf32> to memref<*xf32>
  return
}

// -----

func.func @load_count(%m: memref<4x4xf32>, %i: index) {
  // expected-error @+1 {{incorrect number of indices for load, expected 2 but got 1}}
  %v = memref.load %m[%i] : memref<4x4xf32>
  return
}

// -----

func.func @store_count(%m: memref<4x4xf32>, %i: index, %v: f32) {
  // expected-error @+1 {{store index operand count not equal to memref rank}}
  memref.store %v, %m[%i] : memref<4x4xf32>
  return
}

// -----

func.func @alloc_missing() {
  // expected-error @+1 {{incorrect number of dynamic sizes, has 0, expected 1}}
  %a = memref.alloc() : memref<?xf32>
  return
}

// -----

func.func @alloc_extra(%n: index) {
  // expected-error @+1 {{incorrect number of dynamic sizes, has 1, expected 0}}
  %a = memref.alloc(%n) : memref<4xf32>
  return
}

// -----

func.func @alloca_missing() {
  // expected-error @+1 {{incorrect number of dynamic sizes, has 0, expected 1}}
  %a = memref.alloca() : memref<?xf32>
  return
}

// -----

func.func @alloc_align() {
  // expected-error @+1 {{attribute 'alignment' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive and whose value is a power of two > 0}}
  %a = memref.alloc() {alignment = 3} : memref<4xf32>
  return
}

// -----

func.func @copy_shape(%a: memref<4xf32>, %b: memref<5xf32>) {
  // expected-error @+1 {{requires the same shape for all operands}}
  memref.copy %a, %b : memref<4xf32> to memref<5xf32>
  return
}

// -----

func.func @copy_elem(%a: memref<4xf32>, %b: memref<4xi32>) {
  // expected-error @+1 {{requires the same element type for all operands}}
  memref.copy %a, %b : memref<4xf32> to memref<4xi32>
  return
}

// -----

func.func @get_global_missing() {
  // expected-error @+1 {{'nope' does not reference a valid global memref}}
  %g = memref.get_global @nope : memref<5xf32>
  return
}

// -----

func.func @rank_zero_subview(%m: memref<8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4xf32, strided<[1]>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4xf32, strided<[1], offset: 1>>'}}
  %s = memref.subview %m[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 1>>
  return
}

// -----

func.func @assume_align(%m: memref<4xf32>) {
  // expected-error @+1 {{alignment must be power of 2}}
  %r = memref.assume_alignment %m, 3 : memref<4xf32>
  return
}

// -----

func.func @view_bad(%m: memref<2048xi8>, %o: index) {
  // expected-error @+1 {{incorrect number of dynamic sizes, has 0, expected 1}}
  %v = memref.view %m[%o][] : memref<2048xi8> to memref<?x4xf32>
  return
}

// -----

func.func @extract_meta(%m: memref<4x4xf32>) {
  %base, %off, %sizes:2, %strides:2 = memref.extract_strided_metadata %m : memref<4x4xf32> -> memref<f32>, index, index, index, index, index
  return
}

// -----

func.func @dealloc_ok(%m: memref<4xf32>) {
  memref.dealloc %m : memref<4xf32>
  return
}

// -----

func.func @a(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4x4xf32, strided<[8, 1]>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4x4xf32, strided<[?, 1]>>'}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[?, 1]>>
  return
}

// -----

func.func @b(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4x4xf32, strided<[8, 1]>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4x4xf32, strided<[8, 1], offset: ?>>'}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: ?>>
  return
}

// -----

func.func @c(%m: memref<8x1x8xf32>) {
  %s = memref.subview %m[0, 0, 0] [1, 1, 8] [1, 1, 1] : memref<8x1x8xf32> to memref<1x8xf32, strided<[8, 1]>>
  return
}

// -----

func.func @d(%m: memref<8x8xf32, affine_map<(d0, d1) -> (d1, d0)>>) {
  // expected-error @+1 {{base type 'memref<8x8xf32, affine_map<(d0, d1) -> (d1, d0)>>' is not strided}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32, affine_map<(d0, d1) -> (d1, d0)>> to memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @e(%m: memref<?x?xf32>) {
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<?x?xf32> to memref<4x4xf32, strided<[?, 1]>>
  return
}

// -----

func.func @f(%m: memref<?x?xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<4x4xf32, strided<[?, 1], offset: ?>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<4x4xf32, strided<[?, 1]>>'}}
  %s = memref.subview %m[1, 0] [4, 4] [1, 1] : memref<?x?xf32> to memref<4x4xf32, strided<[?, 1]>>
  return
}

// -----

func.func @g(%m: memref<8x8xf32>) {
  %s = memref.subview %m[0, 0] [1, 1] [1, 1] : memref<8x8xf32> to memref<f32>
  return
}

// -----

func.func @h(%m: memref<8x8xf32>) {
  %s = memref.subview %m[0, 3] [1, 1] [1, 1] : memref<8x8xf32> to memref<f32, strided<[], offset: 3>>
  return
}

// -----

func.func @i(%m: memref<8x8xf32>) {
  %s = memref.subview %m[0, 3] [1, 1] [1, 1] : memref<8x8xf32> to memref<1xf32, strided<[1], offset: 3>>
  return
}

// -----

func.func @j(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result type to be 'memref<1x1xf32, strided<[8, 1], offset: 3>>' or a rank-reduced version. (mismatch of result layout), but got 'memref<1xf32, strided<[5], offset: 3>>'}}
  %s = memref.subview %m[0, 3] [1, 1] [1, 1] : memref<8x8xf32> to memref<1xf32, strided<[5], offset: 3>>
  return
}

// -----

func.func @k(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected result element type to be 'f32', but got 'memref<4x4xi32, strided<[8, 1]>>'}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xi32, strided<[8, 1]>>
  return
}

// -----

func.func @l(%m: memref<8x8xf32>) {
  %s = memref.subview %m[0, 0] [1, 4] [1, 1] : memref<8x8xf32> to memref<4xf32, strided<[1]>>
  return
}

// -----

func.func @m(%m: memref<8x8xf32>) {
  %s = memref.subview %m[0, 0] [1, 4] [1, 1] : memref<8x8xf32> to memref<4xf32>
  return
}

// -----

func.func @n(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected 2 offset values, got 1}}
  %s = memref.subview %m[0] [4] [1] : memref<8x8xf32> to memref<4xf32>
  return
}

// -----

func.func @o(%m: memref<8x8xf32>) {
  // expected-error @+1 {{different memory spaces specified for base memref}}
  %s = memref.subview %m[0, 0] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1]>, 1>
  return
}

// -----

func.func @p(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected offsets to be non-negative, but got -1}}
  %s = memref.subview %m[0, -1] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: -1>>
  return
}

// -----

func.func @q(%m: memref<8x8xf32>) {
  // expected-error @+1 {{expected sizes to be non-negative, but got -1}}
  %s = memref.subview %m[0, 0] [4, -1] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

func.func @b(%m: memref<2x3xf32, strided<[3, 1]>>) {
  // expected-error @+1 {{expected collapsed type to be 'memref<6xf32, strided<[1]>>' but found 'memref<6xf32>'}}
  %r = memref.collapse_shape %m [[0, 1]] : memref<2x3xf32, strided<[3, 1]>> into memref<6xf32>
  return
}

// -----

func.func @c(%m: memref<2x3xf32, strided<[3, 1], offset: 5>>) {
  %r = memref.collapse_shape %m [[0, 1]] : memref<2x3xf32, strided<[3, 1], offset: 5>> into memref<6xf32, strided<[1], offset: 5>>
  return
}

// -----

func.func @d(%m: memref<6xf32, strided<[2], offset: 5>>) {
  %r = memref.expand_shape %m [[0, 1]] output_shape [2, 3] : memref<6xf32, strided<[2], offset: 5>> into memref<2x3xf32, strided<[6, 2], offset: 5>>
  return
}

// -----

func.func @e(%m: memref<2x1x3xf32, strided<[3, 7, 1]>>) {
  %r = memref.collapse_shape %m [[0, 1, 2]] : memref<2x1x3xf32, strided<[3, 7, 1]>> into memref<6xf32, strided<[1]>>
  return
}

// -----

func.func @f(%m: memref<?x3xf32, strided<[?, 1]>>) {
  %r = memref.collapse_shape %m [[0, 1]] : memref<?x3xf32, strided<[?, 1]>> into memref<?xf32, strided<[1]>>
  return
}

// -----

func.func @g(%m: memref<2x3x1xf32, strided<[3, 1, 9]>>) {
  %r = memref.collapse_shape %m [[0, 1, 2]] : memref<2x3x1xf32, strided<[3, 1, 9]>> into memref<6xf32, strided<[1]>>
  return
}

// -----

func.func @h(%m: memref<6xf32, strided<[?], offset: ?>>) {
  %r = memref.expand_shape %m [[0, 1]] output_shape [2, 3] : memref<6xf32, strided<[?], offset: ?>> into memref<2x3xf32, strided<[?, ?], offset: ?>>
  return
}

// -----

func.func @i(%m: memref<?xf32>, %n: index) {
  %r = memref.expand_shape %m [[0, 1]] output_shape [%n, 3] : memref<?xf32> into memref<?x3xf32>
  return
}

// -----

func.func @j(%m: memref<f32>) {
  %r = memref.expand_shape %m [] output_shape [1, 1] : memref<f32> into memref<1x1xf32>
  return
}

// -----

func.func @k(%m: memref<1x1xf32>) {
  %r = memref.collapse_shape %m [] : memref<1x1xf32> into memref<f32>
  return
}
