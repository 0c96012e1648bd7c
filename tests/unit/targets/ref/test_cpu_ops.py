"""The cpu ops on the ref executor: cpu.pack's layout, microkernel calls, parallel loops."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import parse, run_with_effects

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.cpu_pack import packed_shape


def pack_program(shape, dims_pos, tiles, perm, padded: bool) -> str:
    dst = packed_shape(shape, dims_pos, tiles, perm)
    src_t = f"memref<{'x'.join(map(str, shape))}xf32>"
    dst_t = f"memref<{'x'.join(map(str, dst))}xf32>"
    pad = " padding_value(%p : f32)" if padded else ""
    return f"""
func.func @pack(%src: {src_t}, %dst: {dst_t}, %p: f32) {{
  cpu.pack %src{pad} outer_dims_perm = {list(perm)} inner_dims_pos = {list(dims_pos)}
      inner_tiles = {list(tiles)} into %dst : {src_t} -> {dst_t}
  return
}}
"""


def pack_by_definition(src, dims_pos, tiles, perm, pad, dst_shape):
    """dst[o..., t...] = src[i...] with i as docs/dialects/cpu.md defines it, or pad."""
    dst = np.empty(dst_shape, src.dtype)
    rank = src.ndim
    for index in itertools.product(*[range(s) for s in dst_shape]):
        outer, inner = index[:rank], index[rank:]
        i = [0] * rank
        for k, d in enumerate(perm):
            i[d] = outer[k]
        for j, d in enumerate(dims_pos):
            i[d] = i[d] * tiles[j] + inner[j]
        inside = all(0 <= i[d] < src.shape[d] for d in range(rank))
        dst[index] = src[tuple(i)] if inside else pad
    return dst


@st.composite
def packs(draw):
    rank = draw(st.integers(1, 3))
    shape = draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank))
    dims_pos = draw(st.permutations(range(rank)))[: draw(st.integers(1, rank))]
    tiles = [draw(st.integers(1, 4)) for _ in dims_pos]
    perm = draw(st.permutations(range(rank)))
    return shape, list(dims_pos), tiles, list(perm)


@settings(max_examples=30, deadline=None)
@given(packs())
def test_pack_lays_out_tiles_as_documented(case) -> None:
    shape, dims_pos, tiles, perm = case
    module = parse(pack_program(shape, dims_pos, tiles, perm, padded=True))
    src = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    dst_shape = packed_shape(shape, dims_pos, tiles, perm)
    got = run_with_effects(module, [src, np.zeros(dst_shape, np.float32), np.float32(-1)])[1]
    np.testing.assert_array_equal(
        got, pack_by_definition(src, dims_pos, tiles, perm, -1, dst_shape)
    )


def test_gemm_panel_packing_of_a_matrix() -> None:
    """B (6x8) in panels of 4 columns: panel p holds columns 4p..4p+3, row by row."""
    module = parse(pack_program([6, 8], [1], [4], [1, 0], padded=False))
    b = np.arange(48, dtype=np.float32).reshape(6, 8)
    got = run_with_effects(module, [b, np.zeros((2, 6, 4), np.float32), np.float32(0)])[1]
    np.testing.assert_array_equal(got[1], b[:, 4:8])
    np.testing.assert_array_equal(got[0], b[:, 0:4])


KERNEL = """
cpu.microkernel @axpy(%x: memref<8xf32>, %y: memref<8xf32>, %a: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  cpu.simd %i = %c0 to %c8 step %c1 {
    %xv = memref.load %x[%i] : memref<8xf32>
    %yv = memref.load %y[%i] : memref<8xf32>
    %p = arith.mulf %a, %xv : f32
    %s = arith.addf %p, %yv : f32
    memref.store %s, %y[%i] : memref<8xf32>
  }
}
cpu.microkernel @external(memref<8xf32>)

func.func @rows(%X: memref<4x8xf32>, %Y: memref<4x8xf32>, %a: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  cpu.parallel_for (%r) = (%c0) to (%c4) step (%c1) schedule(dynamic, 1) num_threads(2) {
    %x = memref.subview %X[%r, 0] [1, 8] [1, 1]
        : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    %y = memref.subview %Y[%r, 0] [1, 8] [1, 1]
        : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    %xc = memref.alloc() : memref<8xf32>
    %yc = memref.alloc() : memref<8xf32>
    memref.copy %x, %xc : memref<8xf32, strided<[1], offset: ?>> to memref<8xf32>
    memref.copy %y, %yc : memref<8xf32, strided<[1], offset: ?>> to memref<8xf32>
    cpu.call @axpy(%xc, %yc, %a) : (memref<8xf32>, memref<8xf32>, f32) -> ()
    memref.copy %yc, %y : memref<8xf32> to memref<8xf32, strided<[1], offset: ?>>
    memref.dealloc %xc : memref<8xf32>
    memref.dealloc %yc : memref<8xf32>
  }
  return
}

func.func @calls_external(%x: memref<8xf32>) {
  cpu.call @external(%x) : (memref<8xf32>) -> ()
  return
}
"""


def test_microkernel_call_in_parallel_rows() -> None:
    module = parse(KERNEL)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    y = rng.standard_normal((4, 8)).astype(np.float32)
    y_after = run_with_effects(module, [x, y, np.float32(2.0)], entry="rows")[1]
    np.testing.assert_allclose(y_after, 2 * x + y, rtol=1e-6)


def test_declared_microkernel_cannot_run_on_ref() -> None:
    module = parse(KERNEL)
    with pytest.raises(CompileError, match=r"'@external': it is only declared"):
        run_with_effects(module, [np.zeros(8, np.float32)], entry="calls_external")


def test_ref_refuses_a_barrier_inside_a_parallel_loop() -> None:
    module = parse("""
func.func @f(%A: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  device.launch target(#device.target<cpu>) {
    device.parallel (%i) = (%c0) to (%c4) step (%c1) mapping [#device.dim<thread>] {
      device.barrier
    }
  }
  return
}
""")
    with pytest.raises(CompileError, match=r"'device\.barrier' inside a parallel loop"):
        run_with_effects(module, [np.zeros(4, np.float32)])


def test_device_alloc_and_copy_round_trip_data() -> None:
    module = parse("""
func.func @f(%A: memref<3x5xf32>, %B: memref<3x5xf32>) {
  %g = device.alloc() : memref<3x5xf32, #device.memory_space<global>>
  device.copy %A, %g : memref<3x5xf32> to memref<3x5xf32, #device.memory_space<global>>
  device.copy %g, %B : memref<3x5xf32, #device.memory_space<global>> to memref<3x5xf32>
  memref.dealloc %g : memref<3x5xf32, #device.memory_space<global>>
  return
}
""")
    a = np.arange(15, dtype=np.float32).reshape(3, 5)
    _, b = run_with_effects(module, [a, np.zeros((3, 5), np.float32)])
    np.testing.assert_array_equal(b, a)
