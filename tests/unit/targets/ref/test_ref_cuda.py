"""The `ref` executor's SIMT interpreter for `cuda.launch`, checked against numpy."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import parse
from xdsl.dialects.builtin import ModuleOp

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref import cuda_ops, run_function

SPACES = {
    "GLOBAL": "#device.memory_space<global>",
    "SHARED": "#device.memory_space<shared>",
    "LOCAL": "#device.memory_space<local>",
}


@cache
def program(kernel: str, name: str, buffers: tuple[str, ...], scalars: tuple[str, ...] = ()):
    """`kernel` and a host `@main` that copies `buffers` to the device, launches, copies back.

    `@main` takes the host buffers, then gx, gy, gz, bx, by, bz, the dynamic shared
    bytes, then `scalars` (passed to the kernel after the buffers).
    """
    for word, space in SPACES.items():
        kernel = kernel.replace(word, space)
    glob = SPACES["GLOBAL"]
    params = [f"%h{i}: memref<{t}>" for i, t in enumerate(buffers)]
    params += [f"%{d}: index" for d in ("gx", "gy", "gz", "bx", "by", "bz", "sh")]
    params += [f"%s{i}: {t}" for i, t in enumerate(scalars)]
    lines = []
    for i, t in enumerate(buffers):
        dynamic = []
        for d, size in enumerate(t.split("x")[:-1]):
            if size == "?":
                lines.append(f"%c{i}_{d} = arith.constant {d} : index")
                lines.append(f"%d{i}_{d} = memref.dim %h{i}, %c{i}_{d} : memref<{t}>")
                dynamic.append(f"%d{i}_{d}")
        lines.append(f"%g{i} = device.alloc({', '.join(dynamic)}) : memref<{t}, {glob}>")
        lines.append(f"device.copy %h{i}, %g{i} : memref<{t}> to memref<{t}, {glob}>")
    names = [f"%g{i}" for i in range(len(buffers))] + [f"%s{i}" for i in range(len(scalars))]
    types = [f"memref<{t}, {glob}>" for t in buffers] + list(scalars)
    args = f" args({', '.join(names)} : {', '.join(types)})" if names else ""
    lines.append(
        f"cuda.launch @{name} blocks(%gx, %gy, %gz) threads(%bx, %by, %bz) shared(%sh){args}"
    )
    for i, t in enumerate(buffers):
        lines.append(f"device.copy %g{i}, %h{i} : memref<{t}, {glob}> to memref<{t}>")
        lines.append(f"memref.dealloc %g{i} : memref<{t}, {glob}>")
    body = "\n  ".join(lines)
    return parse(f"{kernel}\nfunc.func @main({', '.join(params)}) {{\n  {body}\n  return\n}}\n")


def launch(
    module: ModuleOp,
    arrays: Sequence[np.ndarray],
    grid: Sequence[int],
    block: Sequence[int],
    shared: int = 0,
    scalars: Sequence = (),
) -> None:
    """Run `@main`, which writes the results back into `arrays`."""
    sizes = [np.int64(v) for v in (*grid, *block, shared)]
    run_function(module, [*arrays, *sizes, *scalars], "main")


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


# Elementwise, with the ids of a 3-D grid of 3-D blocks ------------------------------------

ELEMENTWISE = """
cuda.kernel @ew(%a: memref<?xf32, GLOBAL>, %out: memref<?xf32, GLOBAL>,
                %lanes: memref<?xindex, GLOBAL>, %n: index) {
  %tx = cuda.thread_id x
  %ty = cuda.thread_id y
  %tz = cuda.thread_id z
  %bx = cuda.block_id x
  %by = cuda.block_id y
  %bz = cuda.block_id z
  %dx = cuda.block_dim x
  %dy = cuda.block_dim y
  %dz = cuda.block_dim z
  %gx = cuda.grid_dim x
  %gy = cuda.grid_dim y
  %b0 = arith.muli %bz, %gy : index
  %b1 = arith.addi %b0, %by : index
  %b2 = arith.muli %b1, %gx : index
  %blin = arith.addi %b2, %bx : index
  %t0 = arith.muli %tz, %dy : index
  %t1 = arith.addi %t0, %ty : index
  %t2 = arith.muli %t1, %dx : index
  %tlin = arith.addi %t2, %tx : index
  %n0 = arith.muli %dx, %dy : index
  %nt = arith.muli %n0, %dz : index
  %i0 = arith.muli %blin, %nt : index
  %i = arith.addi %i0, %tlin : index
  %ok = arith.cmpi ult, %i, %n : index
  scf.if %ok {
    %v = memref.load %a[%i] : memref<?xf32, GLOBAL>
    %two = arith.constant 2.0 : f32
    %one = arith.constant 1.0 : f32
    %w = arith.mulf %v, %two : f32
    %r = arith.addf %w, %one : f32
    memref.store %r, %out[%i] : memref<?xf32, GLOBAL>
    %l = cuda.lane_id
    memref.store %l, %lanes[%i] : memref<?xindex, GLOBAL>
  }
}
"""


def run_elementwise(n: int, block: tuple[int, int, int], gy: int, gz: int) -> None:
    module = program(ELEMENTWISE, "ew", ("?xf32", "?xf32", "?xindex"), ("index",))
    nt = block[0] * block[1] * block[2]
    gx = ceil_div(ceil_div(n, nt), gy * gz)
    a = np.random.default_rng(n).uniform(-1, 1, n).astype(np.float32)
    out = np.full(n, np.float32(-7))
    lanes = np.full(n, -1, np.int64)
    launch(module, [a, out, lanes], (gx, gy, gz), block, scalars=[np.int64(n)])
    np.testing.assert_array_equal(out, a * np.float32(2) + np.float32(1))
    np.testing.assert_array_equal(lanes, (np.arange(n) % nt) % 32)


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(1, 400),
    block=st.tuples(st.integers(1, 40), st.integers(1, 4), st.integers(1, 3)),
    gy=st.integers(1, 2),
    gz=st.integers(1, 2),
)
def test_elementwise_with_a_bounds_guard_on_ragged_sizes(n, block, gy, gz):
    run_elementwise(n, block, gy, gz)


def test_large_grids_run_in_chunks_of_blocks(monkeypatch):
    monkeypatch.setattr(cuda_ops, "CHUNK_THREADS", 100)
    run_elementwise(1000, (7, 3, 1), 2, 3)
    run_elementwise(333, (200, 1, 1), 1, 1)


# Shared-memory transpose -----------------------------------------------------------------

TRANSPOSE = """
cuda.kernel @transpose(%a: memref<?x?xf32, GLOBAL>, %b: memref<?x?xf32, GLOBAL>,
                       %m: index, %n: index) {
  %tile = cuda.shared_memory : memref<16x17xf32, SHARED>
  %tx = cuda.thread_id x
  %ty = cuda.thread_id y
  %bx = cuda.block_id x
  %by = cuda.block_id y
  %t = cuda.block_dim x
  %r0 = arith.muli %by, %t : index
  %row = arith.addi %r0, %ty : index
  %c0 = arith.muli %bx, %t : index
  %col = arith.addi %c0, %tx : index
  %in_r = arith.cmpi ult, %row, %m : index
  %in_c = arith.cmpi ult, %col, %n : index
  %in = arith.andi %in_r, %in_c : i1
  scf.if %in {
    %v = memref.load %a[%row, %col] : memref<?x?xf32, GLOBAL>
    memref.store %v, %tile[%ty, %tx] : memref<16x17xf32, SHARED>
  }
  cuda.barrier
  %orow = arith.addi %c0, %ty : index
  %ocol = arith.addi %r0, %tx : index
  %out_r = arith.cmpi ult, %orow, %n : index
  %out_c = arith.cmpi ult, %ocol, %m : index
  %out = arith.andi %out_r, %out_c : i1
  scf.if %out {
    %v = memref.load %tile[%tx, %ty] : memref<16x17xf32, SHARED>
    memref.store %v, %b[%orow, %ocol] : memref<?x?xf32, GLOBAL>
  }
  cuda.barrier
}
"""


@settings(max_examples=80, deadline=None)
@given(m=st.integers(1, 40), n=st.integers(1, 40), t=st.integers(1, 16))
def test_shared_memory_tiled_transpose_with_barriers(m, n, t):
    module = program(TRANSPOSE, "transpose", ("?x?xf32", "?x?xf32"), ("index", "index"))
    a = np.random.default_rng(m * 100 + n).uniform(-1, 1, (m, n)).astype(np.float32)
    b = np.zeros((n, m), np.float32)
    grid = (ceil_div(n, t), ceil_div(m, t), 1)
    launch(module, [a, b], grid, (t, t, 1), scalars=[np.int64(m), np.int64(n)])
    np.testing.assert_array_equal(b, a.T)


# Warp shuffles ----------------------------------------------------------------------------

WARP_SUM = """
cuda.kernel @wsum(%a: memref<?xi32, GLOBAL>, %all: memref<?xi32, GLOBAL>,
                  %sums: memref<?xi32, GLOBAL>) {
  %tx = cuda.thread_id x
  %bx = cuda.block_id x
  %dx = cuda.block_dim x
  %i0 = arith.muli %bx, %dx : index
  %i = arith.addi %i0, %tx : index
  %v0 = memref.load %a[%i] : memref<?xi32, GLOBAL>
  %c16 = arith.constant 16 : index
  %c8 = arith.constant 8 : index
  %c4 = arith.constant 4 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %s1 = cuda.shuffle xor %v0, %c16 : i32
  %v1 = arith.addi %v0, %s1 : i32
  %s2 = cuda.shuffle xor %v1, %c8 : i32
  %v2 = arith.addi %v1, %s2 : i32
  %s3 = cuda.shuffle xor %v2, %c4 : i32
  %v3 = arith.addi %v2, %s3 : i32
  %s4 = cuda.shuffle xor %v3, %c2 : i32
  %v4 = arith.addi %v3, %s4 : i32
  %s5 = cuda.shuffle xor %v4, %c1 : i32
  %v5 = arith.addi %v4, %s5 : i32
  memref.store %v5, %all[%i] : memref<?xi32, GLOBAL>
  %lane = cuda.lane_id
  %c0 = arith.constant 0 : index
  %first = arith.cmpi eq, %lane, %c0 : index
  scf.if %first {
    %c32 = arith.constant 32 : index
    %w = arith.divui %i, %c32 : index
    memref.store %v5, %sums[%w] : memref<?xi32, GLOBAL>
  }
}
"""


def test_warp_shuffle_xor_tree_sum():
    module = program(WARP_SUM, "wsum", ("?xi32", "?xi32", "?xi32"))
    a = np.random.default_rng(1).integers(-1000, 1000, 192).astype(np.int32)
    every, sums = np.zeros(192, np.int32), np.zeros(6, np.int32)
    launch(module, [a, every, sums], (3, 1, 1), (64, 1, 1))
    want = a.reshape(6, 32).sum(axis=1).astype(np.int32)
    np.testing.assert_array_equal(sums, want)
    np.testing.assert_array_equal(every, np.repeat(want, 32))


SHUFFLES = """
cuda.kernel @modes(%a: memref<?xi32, GLOBAL>, %down: memref<?xi32, GLOBAL>,
                   %up: memref<?xi32, GLOBAL>, %idx: memref<?xi32, GLOBAL>) {
  %tx = cuda.thread_id x
  %v = memref.load %a[%tx] : memref<?xi32, GLOBAL>
  %c5 = arith.constant 5 : index
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : index
  %d = cuda.shuffle down %v, %c5 : i32
  memref.store %d, %down[%tx] : memref<?xi32, GLOBAL>
  %u = cuda.shuffle up %v, %c3 : i32
  memref.store %u, %up[%tx] : memref<?xi32, GLOBAL>
  %lane = cuda.lane_id
  %s0 = arith.muli %lane, %c7 : index
  %src = arith.addi %s0, %c3 : index
  %x = cuda.shuffle idx %v, %src : i32
  memref.store %x, %idx[%tx] : memref<?xi32, GLOBAL>
}
"""


def test_shuffle_modes_read_their_own_value_outside_the_warp():
    # 48 threads: a full warp and one of 16 lanes, whose missing lanes cannot be read.
    module = program(SHUFFLES, "modes", ("?xi32",) * 4)
    n = 48
    a = np.arange(100, 100 + n, dtype=np.int32)
    outs = [np.zeros(n, np.int32) for _ in range(3)]
    launch(module, [a, *outs], (1, 1, 1), (n, 1, 1))
    lane = np.arange(n) % 32
    size = np.where(np.arange(n) < 32, 32, 16)

    def expect(source):
        inside = (source >= 0) & (source < size)
        return a[np.where(inside, np.arange(n) - lane + source, np.arange(n))]

    np.testing.assert_array_equal(outs[0], expect(lane + 5))
    np.testing.assert_array_equal(outs[1], expect(lane - 3))
    np.testing.assert_array_equal(outs[2], expect((lane * 7 + 3) % 32))


def test_shuffle_in_half_a_warp_is_an_error():
    kernel = """
    cuda.kernel @half(%a: memref<?xi32, GLOBAL>) {
      %tx = cuda.thread_id x
      %c16 = arith.constant 16 : index
      %c1 = arith.constant 1 : index
      %low = arith.cmpi ult, %tx, %c16 : index
      scf.if %low {
        %v = memref.load %a[%tx] : memref<?xi32, GLOBAL>
        %s = cuda.shuffle xor %v, %c1 : i32
        memref.store %s, %a[%tx] : memref<?xi32, GLOBAL>
      }
    }
    """
    module = program(kernel, "half", ("?xi32",))
    with pytest.raises(CompileError, match=r"'cuda.shuffle' executed by only 16 of the 32 lanes"):
        launch(module, [np.zeros(64, np.int32)], (1, 1, 1), (64, 1, 1))


# Barriers in divergent code ---------------------------------------------------------------

DIVERGENT_BARRIER = """
cuda.kernel @skip(%flags: memref<?xi32, GLOBAL>) {
  %tx = cuda.thread_id x
  %bx = cuda.block_id x
  %dx = cuda.block_dim x
  %i0 = arith.muli %bx, %dx : index
  %i = arith.addi %i0, %tx : index
  %f = memref.load %flags[%i] : memref<?xi32, GLOBAL>
  %zero = arith.constant 0 : i32
  %on = arith.cmpi ne, %f, %zero : i32
  scf.if %on {
    cuda.barrier
  }
}
"""


def test_barrier_skipped_by_some_threads_of_a_block_is_a_located_error():
    module = program(DIVERGENT_BARRIER, "skip", ("?xi32",))
    flags = np.ones(64, np.int32)
    flags[32 + 5] = 0
    with pytest.raises(
        CompileError, match=r"reached by only some threads of block \(1, 0, 0\)"
    ) as info:
        launch(module, [flags], (2, 1, 1), (32, 1, 1))
    assert info.value.op.name == "cuda.barrier" and info.value.location is not None
    # A whole block may skip a barrier.
    flags[32:] = 0
    launch(module, [flags], (2, 1, 1), (32, 1, 1))


# Loops with per-thread trip counts ---------------------------------------------------------

LOOPS = """
cuda.kernel @loops(%sums: memref<?xindex, GLOBAL>, %alt: memref<?xindex, GLOBAL>,
                   %steps: memref<?xindex, GLOBAL>) {
  %tx = cuda.thread_id x
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %lb = arith.remui %tx, %c5 : index
  %ub = arith.addi %tx, %c3 : index
  %m = arith.remui %tx, %c3 : index
  %step = arith.addi %m, %c1 : index
  %r:2 = scf.for %i = %lb to %ub step %step iter_args(%s = %c0, %t = %c0) -> (index, index) {
    %sq = arith.muli %i, %i : index
    %s2 = arith.addi %s, %sq : index
    %odd = arith.remui %i, %c2 : index
    %even = arith.cmpi eq, %odd, %c0 : index
    %t2 = scf.if %even -> (index) {
      %inner = scf.for %j = %c0 to %c3 step %c1 iter_args(%x = %t) -> (index) {
        %y = arith.addi %x, %i : index
        scf.yield %y : index
      }
      scf.yield %inner : index
    } else {
      %y = arith.subi %t, %c1 : index
      scf.yield %y : index
    }
    scf.yield %s2, %t2 : index, index
  }
  memref.store %r#0, %sums[%tx] : memref<?xindex, GLOBAL>
  memref.store %r#1, %alt[%tx] : memref<?xindex, GLOBAL>
  %start = arith.addi %tx, %c1 : index
  %w:2 = scf.while (%x = %start, %n = %c0) : (index, index) -> (index, index) {
    %more = arith.cmpi ne, %x, %c1 : index
    scf.condition(%more) %x, %n : index, index
  } do {
  ^bb0(%x: index, %n: index):
    %r2 = arith.remui %x, %c2 : index
    %is_even = arith.cmpi eq, %r2, %c0 : index
    %next = scf.if %is_even -> (index) {
      %h = arith.divui %x, %c2 : index
      scf.yield %h : index
    } else {
      %t3 = arith.muli %x, %c3 : index
      %t4 = arith.addi %t3, %c1 : index
      scf.yield %t4 : index
    }
    %n2 = arith.addi %n, %c1 : index
    scf.yield %next, %n2 : index, index
  }
  memref.store %w#1, %steps[%tx] : memref<?xindex, GLOBAL>
}
"""


def _collatz(x: int) -> int:
    n = 0
    while x != 1:
        x = x // 2 if x % 2 == 0 else 3 * x + 1
        n += 1
    return n


def test_loops_with_thread_dependent_trip_counts():
    module = program(LOOPS, "loops", ("?xindex",) * 3)
    n = 70
    outs = [np.full(n, -99, np.int64) for _ in range(3)]
    launch(module, outs, (1, 1, 1), (n, 1, 1))
    sums, alts = [], []
    for tx in range(n):
        s = t = 0
        for i in range(tx % 5, tx + 3, tx % 3 + 1):
            s += i * i
            t = t + 3 * i if i % 2 == 0 else t - 1
        sums.append(s)
        alts.append(t)
    np.testing.assert_array_equal(outs[0], sums)
    np.testing.assert_array_equal(outs[1], alts)
    np.testing.assert_array_equal(outs[2], [_collatz(tx + 1) for tx in range(n)])


# dp4a ------------------------------------------------------------------------------------

DP4A = """
cuda.kernel @dot(%a: memref<8x32xi8, GLOBAL>, %b: memref<8x32xi8, GLOBAL>,
                 %c: memref<8x8xi32, GLOBAL>, %init: i32) {
  %tx = cuda.thread_id x
  %ty = cuda.thread_id y
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %r = scf.for %k = %c0 to %c32 step %c4 iter_args(%acc = %init) -> (i32) {
    %d = cuda.dp4a %a[%ty, %k], %b[%tx, %k], %acc : memref<8x32xi8, GLOBAL>,
        memref<8x32xi8, GLOBAL>
    scf.yield %d : i32
  }
  memref.store %r, %c[%ty, %tx] : memref<8x8xi32, GLOBAL>
}
"""


def test_dp4a_is_an_int8_dot_product_that_wraps_in_int32():
    module = program(DP4A, "dot", ("8x32xi8", "8x32xi8", "8x8xi32"), ("i32",))
    rng = np.random.default_rng(3)
    a = rng.integers(-128, 128, (8, 32)).astype(np.int8)
    b = rng.integers(-128, 128, (8, 32)).astype(np.int8)
    init = np.int32(2**31 - 1000)
    c = np.zeros((8, 8), np.int32)
    launch(module, [a, b, c], (1, 1, 1), (8, 8, 1), scalars=[init])
    want = (a.astype(np.int64) @ b.astype(np.int64).T + int(init)).astype(np.int32)
    np.testing.assert_array_equal(c, want)
    assert (want < 0).any()  # some sums wrapped


# WMMA ------------------------------------------------------------------------------------

FRAG_A = "!cuda.fragment<a, bf16, row_major>"
FRAG_B = "!cuda.fragment<b, bf16, row_major>"
FRAG_BT = "!cuda.fragment<b, bf16, col_major>"
ACC = "!cuda.fragment<accumulator, f32>"
BF = "memref<32x32xbf16, GLOBAL>"
F32 = "memref<32x32xf32, GLOBAL>"

GEMM = f"""
cuda.kernel @gemm(%a: {BF}, %b: {BF}, %bt: {BF}, %c: {F32}, %c2: {F32}) {{
  %tx = cuda.thread_id x
  %c0 = arith.constant 0 : index
  %c2i = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %w = arith.divui %tx, %c32 : index
  %wi = arith.divui %w, %c2i : index
  %wj = arith.remui %w, %c2i : index
  %i = arith.muli %wi, %c16 : index
  %j = arith.muli %wj, %c16 : index
  %z = arith.constant 0.0 : f32
  %f = cuda.mma_fill %z : {ACC}
  %r:2 = scf.for %k = %c0 to %c32 step %c16 iter_args(%acc = %f, %acc2 = %f)
      -> ({ACC}, {ACC}) {{
    %fa = cuda.mma_load %a[%i, %k] : {BF}, {FRAG_A}
    %fb = cuda.mma_load %b[%k, %j] : {BF}, {FRAG_B}
    %fbt = cuda.mma_load %bt[%j, %k] : {BF}, {FRAG_BT}
    %d = cuda.mma_compute %fa, %fb, %acc : {FRAG_A}, {FRAG_B} -> {ACC}
    %d2 = cuda.mma_compute %fa, %fbt, %acc2 : {FRAG_A}, {FRAG_BT} -> {ACC}
    scf.yield %d, %d2 : {ACC}, {ACC}
  }}
  cuda.mma_store %r#0, %c[%i, %j] : {ACC}, {F32}
  cuda.mma_store %r#1, %c2[%i, %j] : {ACC}, {F32}
}}
"""


def test_wmma_bf16_gemm_with_four_warps():
    module = program(GEMM, "gemm", ("32x32xbf16",) * 3 + ("32x32xf32",) * 2)
    rng = np.random.default_rng(4)
    a = rng.uniform(-1, 1, (32, 32)).astype(ml_dtypes.bfloat16)
    b = rng.uniform(-1, 1, (32, 32)).astype(ml_dtypes.bfloat16)
    bt = np.ascontiguousarray(b.T)
    c, c2 = np.zeros((32, 32), np.float32), np.zeros((32, 32), np.float32)
    launch(module, [a, b, bt, c, c2], (1, 1, 1), (128, 1, 1))
    want = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(c, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c2, want, rtol=1e-5, atol=1e-5)


# Dynamic shared memory, local memory, uninitialised memory --------------------------------

ALIASING = """
cuda.kernel @alias(%bits: memref<?xi32, GLOBAL>, %sums: memref<?xf32, GLOBAL>,
                   %fresh: memref<?xf32, GLOBAL>) {
  %tx = cuda.thread_id x
  %bx = cuda.block_id x
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c100 = arith.constant 100 : index
  %floats = cuda.dynamic_shared_memory offset 0 : memref<64xf32, SHARED>
  %ints = cuda.dynamic_shared_memory offset 128 : memref<32xi32, SHARED>
  %unset = cuda.shared_memory : memref<2xf32, SHARED>
  %b100 = arith.muli %bx, %c100 : index
  %x = arith.addi %tx, %b100 : index
  %xi = arith.index_cast %x : index to i32
  %xf = arith.sitofp %xi : i32 to f32
  memref.store %xf, %floats[%tx] : memref<64xf32, SHARED>
  cuda.barrier
  %g0 = arith.muli %bx, %c64 : index
  %g = arith.addi %g0, %tx : index
  %low = arith.cmpi ult, %tx, %c32 : index
  scf.if %low {
    %v = memref.load %ints[%tx] : memref<32xi32, SHARED>
    memref.store %v, %bits[%g] : memref<?xi32, GLOBAL>
  }
  %local = memref.alloca() : memref<4xf32, LOCAL>
  scf.for %k = %c0 to %c4 step %c1 {
    %y = arith.addi %x, %k : index
    %yi = arith.index_cast %y : index to i32
    %yf = arith.sitofp %yi : i32 to f32
    memref.store %yf, %local[%k] : memref<4xf32, LOCAL>
  }
  %zero = arith.constant 0.0 : f32
  %s = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (f32) {
    %v = memref.load %local[%k] : memref<4xf32, LOCAL>
    %a = arith.addf %acc, %v : f32
    scf.yield %a : f32
  }
  memref.store %s, %sums[%g] : memref<?xf32, GLOBAL>
  %u = memref.load %unset[%c1] : memref<2xf32, SHARED>
  memref.store %u, %fresh[%g] : memref<?xf32, GLOBAL>
}
"""


def test_dynamic_shared_views_alias_and_local_memory_is_per_thread():
    module = program(ALIASING, "alias", ("?xi32", "?xf32", "?xf32"))
    bits = np.zeros(128, np.int32)
    sums = np.zeros(128, np.float32)
    fresh = np.zeros(128, np.float32)
    launch(module, [bits, sums, fresh], (2, 1, 1), (64, 1, 1), shared=256)
    tx = np.arange(64)
    x = np.concatenate([tx, tx + 100])
    for blk in range(2):
        got = bits[blk * 64 : blk * 64 + 32]
        want = (np.arange(32, 64) + 100 * blk).astype(np.float32).view(np.int32)
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(sums, (4 * x + 6).astype(np.float32))
    assert np.isnan(fresh).all()


def test_dynamic_shared_memory_beyond_the_launch_is_an_error():
    module = program(ALIASING, "alias", ("?xi32", "?xf32", "?xf32"))
    arrays = [np.zeros(64, np.int32), np.zeros(64, np.float32), np.zeros(64, np.float32)]
    with pytest.raises(CompileError, match=r"reaches byte 256 .* the launch provides 200"):
        launch(module, arrays, (1, 1, 1), (64, 1, 1), shared=200)


# Faults ----------------------------------------------------------------------------------

OUT_OF_BOUNDS = """
cuda.kernel @shift(%b: memref<64xf32, GLOBAL>, %m: index) {
  %tx = cuda.thread_id x
  %c1 = arith.constant 1 : index
  %in = arith.cmpi ult, %tx, %m : index
  scf.if %in {
    %i = arith.addi %tx, %c1 : index
    %v = arith.constant 1.0 : f32
    memref.store %v, %b[%i] : memref<64xf32, GLOBAL>
  }
}
"""


def test_out_of_bounds_store_in_one_lane_is_a_located_error():
    module = program(OUT_OF_BOUNDS, "shift", ("64xf32",), ("index",))
    b = np.zeros(64, np.float32)
    launch(module, [b], (1, 1, 1), (64, 1, 1), scalars=[np.int64(63)])  # the lane is masked off
    np.testing.assert_array_equal(b, np.r_[0, np.ones(63)])
    with pytest.raises(
        CompileError,
        match=r"out-of-bounds access in 'memref.store': index 64 is outside \[0, 64\) in "
        r"dimension 0 \(thread \(63, 0, 0\) of block \(0, 0, 0\)\)",
    ) as info:
        launch(module, [b], (1, 1, 1), (64, 1, 1), scalars=[np.int64(64)])
    assert info.value.op.name == "memref.store" and info.value.location is not None


def test_bad_launch_sizes_and_unsupported_ops_are_errors():
    kernel = """
    cuda.kernel @k(%a: memref<?xf32, GLOBAL>) max_threads(64) {
      %t = memref.alloc() : memref<4xf32, GLOBAL>
    }
    """
    module = program(kernel, "k", ("?xf32",))
    a = np.zeros(4, np.float32)
    with pytest.raises(CompileError, match=r"with block size 0 in y"):
        launch(module, [a], (1, 1, 1), (1, 0, 1))
    with pytest.raises(CompileError, match=r"128 threads per block; '@k' allows at most 64"):
        launch(module, [a], (1, 1, 1), (128, 1, 1))
    with pytest.raises(
        CompileError, match=r"^ref: cannot execute 'memref.alloc' in a cuda kernel$"
    ):
        launch(module, [a], (1, 1, 1), (32, 1, 1))


# Per-block subviews, affine index maps, atomics -------------------------------------------

C_TILE = "memref<?x?xf32, strided<[?, 1], offset: ?>, GLOBAL>"

TILED_MATMUL = f"""
cuda.kernel @matmul(%a: memref<?x?xf32, GLOBAL>, %b: memref<?x?xf32, GLOBAL>,
                    %c: memref<?x?xf32, GLOBAL>, %m: index, %n: index, %k: index) {{
  %as = cuda.shared_memory : memref<8x8xf32, SHARED>
  %bs = cuda.shared_memory : memref<8x8xf32, SHARED>
  %tx = cuda.thread_id x
  %ty = cuda.thread_id y
  %bx = cuda.block_id x
  %by = cuda.block_id y
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %row0 = affine.apply affine_map<(d0) -> (d0 * 8)>(%by)
  %col0 = affine.apply affine_map<(d0) -> (d0 * 8)>(%bx)
  %rows = affine.min affine_map<(d0)[s0] -> (8, s0 - d0)>(%row0)[%m]
  %cols = affine.min affine_map<(d0)[s0] -> (8, s0 - d0)>(%col0)[%n]
  %ct = memref.subview %c[%row0, %col0] [%rows, %cols] [1, 1]
      : memref<?x?xf32, GLOBAL> to {C_TILE}
  %row = arith.addi %row0, %ty : index
  %col = arith.addi %col0, %tx : index
  %in_m = arith.cmpi ult, %row, %m : index
  %in_n = arith.cmpi ult, %col, %n : index
  %acc = scf.for %kt = %c0 to %k step %c8 iter_args(%sum = %zero) -> (f32) {{
    %ka = arith.addi %kt, %tx : index
    %kb = arith.addi %kt, %ty : index
    %in_ka = arith.cmpi ult, %ka, %k : index
    %in_a = arith.andi %in_m, %in_ka : i1
    %va = scf.if %in_a -> (f32) {{
      %v = affine.load %a[%row, %ka] : memref<?x?xf32, GLOBAL>
      scf.yield %v : f32
    }} else {{
      scf.yield %zero : f32
    }}
    memref.store %va, %as[%ty, %tx] : memref<8x8xf32, SHARED>
    %in_kb = arith.cmpi ult, %kb, %k : index
    %in_b = arith.andi %in_kb, %in_n : i1
    %vb = scf.if %in_b -> (f32) {{
      %v = memref.load %b[%kb, %col] : memref<?x?xf32, GLOBAL>
      scf.yield %v : f32
    }} else {{
      scf.yield %zero : f32
    }}
    memref.store %vb, %bs[%ty, %tx] : memref<8x8xf32, SHARED>
    cuda.barrier
    %part = scf.for %kk = %c0 to %c8 step %c1 iter_args(%s = %sum) -> (f32) {{
      %x = memref.load %as[%ty, %kk] : memref<8x8xf32, SHARED>
      %y = memref.load %bs[%kk, %tx] : memref<8x8xf32, SHARED>
      %p = arith.mulf %x, %y : f32
      %s2 = arith.addf %s, %p : f32
      scf.yield %s2 : f32
    }}
    cuda.barrier
    scf.yield %part : f32
  }}
  %d0 = memref.dim %ct, %c0 : {C_TILE}
  %d1 = memref.dim %ct, %c1 : {C_TILE}
  %in_r = arith.cmpi ult, %ty, %d0 : index
  %in_c = arith.cmpi ult, %tx, %d1 : index
  %in = arith.andi %in_r, %in_c : i1
  scf.if %in {{
    memref.store %acc, %ct[%ty, %tx] : {C_TILE}
  }}
}}
"""


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 30), n=st.integers(1, 30), k=st.integers(1, 20))
def test_tiled_matmul_through_per_block_subviews(m, n, k):
    module = program(TILED_MATMUL, "matmul", ("?x?xf32",) * 3, ("index", "index", "index"))
    rng = np.random.default_rng(m * 1000 + n * 10 + k)
    a = rng.integers(-4, 5, (m, k)).astype(np.float32)
    b = rng.integers(-4, 5, (k, n)).astype(np.float32)
    c = np.full((m, n), np.float32(np.nan))
    grid = (ceil_div(n, 8), ceil_div(m, 8), 1)
    launch(module, [a, b, c], grid, (8, 8, 1), scalars=[np.int64(m), np.int64(n), np.int64(k)])
    np.testing.assert_array_equal(c, a @ b)


ATOMICS = """
cuda.kernel @hist(%a: memref<?xi32, GLOBAL>, %hist: memref<8xi32, GLOBAL>,
                  %old: memref<?xi32, GLOBAL>, %total: memref<1xf32, GLOBAL>) {
  %tx = cuda.thread_id x
  %bx = cuda.block_id x
  %dx = cuda.block_dim x
  %i0 = arith.muli %bx, %dx : index
  %i = arith.addi %i0, %tx : index
  %v = memref.load %a[%i] : memref<?xi32, GLOBAL>
  %bin = arith.index_cast %v : i32 to index
  %one = arith.constant 1 : i32
  %o = memref.atomic_rmw addi %one, %hist[%bin] : (i32, memref<8xi32, GLOBAL>) -> i32
  memref.store %o, %old[%i] : memref<?xi32, GLOBAL>
  %f = arith.sitofp %v : i32 to f32
  %c0 = arith.constant 0 : index
  %t = memref.atomic_rmw addf %f, %total[%c0] : (f32, memref<1xf32, GLOBAL>) -> f32
}
"""


def test_atomics_update_one_thread_after_another():
    module = program(ATOMICS, "hist", ("?xi32", "8xi32", "?xi32", "1xf32"))
    a = np.random.default_rng(5).integers(0, 8, 96).astype(np.int32)
    hist, old, total = np.zeros(8, np.int32), np.zeros(96, np.int32), np.zeros(1, np.float32)
    launch(module, [a, hist, old, total], (3, 1, 1), (32, 1, 1))
    np.testing.assert_array_equal(hist, np.bincount(a, minlength=8))
    for v in range(8):
        np.testing.assert_array_equal(old[a == v], np.arange((a == v).sum()))
    assert total[0] == a.sum()


# WMMA from shared memory, warp-uniform control ---------------------------------------------

FRAG_A_S = "!cuda.fragment<a, bf16, row_major>"
SH_A = "memref<16x16xbf16, SHARED>"

SHARED_WMMA = f"""
cuda.kernel @staged(%a: memref<32x16xbf16, GLOBAL>, %b: memref<16x32xbf16, GLOBAL>,
                    %c: memref<32x32xf32, GLOBAL>, %only: index) {{
  %tile = cuda.shared_memory : {SH_A}
  %tx = cuda.thread_id x
  %bx = cuda.block_id x
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %r = arith.divui %tx, %c4 : index
  %q = arith.remui %tx, %c4 : index
  %c0_ = arith.muli %q, %c4 : index
  %row0 = arith.muli %bx, %c16 : index
  %grow = arith.addi %row0, %r : index
  scf.for %e = %c0 to %c4 step %c1 {{
    %col = arith.addi %c0_, %e : index
    %v = memref.load %a[%grow, %col] : memref<32x16xbf16, GLOBAL>
    memref.store %v, %tile[%r, %col] : {SH_A}
  }}
  cuda.barrier
  %w = arith.divui %tx, %c32 : index
  %j = arith.muli %w, %c16 : index
  %z = arith.constant 0.0 : f32
  %f = cuda.mma_fill %z : {ACC}
  %fa = cuda.mma_load %tile[%c0, %c0] : {SH_A}, {FRAG_A_S}
  %fb = cuda.mma_load %b[%c0, %j] : memref<16x32xbf16, GLOBAL>, {FRAG_B}
  %mine = arith.cmpi eq, %w, %only : index
  %d = scf.if %mine -> ({ACC}) {{
    %p = cuda.mma_compute %fa, %fb, %f : {FRAG_A_S}, {FRAG_B} -> {ACC}
    scf.yield %p : {ACC}
  }} else {{
    scf.yield %f : {ACC}
  }}
  cuda.mma_store %d, %c[%row0, %j] : {ACC}, memref<32x32xf32, GLOBAL>
}}
"""


def test_wmma_from_shared_memory_with_warp_uniform_branches():
    module = program(SHARED_WMMA, "staged", ("32x16xbf16", "16x32xbf16", "32x32xf32"), ("index",))
    rng = np.random.default_rng(6)
    a = rng.uniform(-1, 1, (32, 16)).astype(ml_dtypes.bfloat16)
    b = rng.uniform(-1, 1, (16, 32)).astype(ml_dtypes.bfloat16)
    c = np.full((32, 32), np.float32(np.nan))
    launch(module, [a, b, c], (2, 1, 1), (64, 1, 1), scalars=[np.int64(1)])
    want = a.astype(np.float64) @ b.astype(np.float64)
    want[:, :16] = 0  # warp 0 of each block skipped the product
    np.testing.assert_allclose(c, want, rtol=1e-5, atol=1e-5)


def test_wmma_with_lanes_that_disagree_is_an_error():
    kernel = f"""
    cuda.kernel @bad(%a: memref<32x32xbf16, GLOBAL>, %m: index) {{
      %tx = cuda.thread_id x
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %r = arith.cmpi ult, %tx, %m : index
      %i = arith.select %r, %c0, %c1 : index
      %fa = cuda.mma_load %a[%i, %c0] : memref<32x32xbf16, GLOBAL>, {FRAG_A}
    }}
    """
    module = program(kernel, "bad", ("32x32xbf16",), ("index",))
    a = np.zeros((32, 32), ml_dtypes.bfloat16)
    launch(module, [a], (1, 1, 1), (64, 1, 1), scalars=[np.int64(32)])
    with pytest.raises(CompileError, match=r"differ between the lanes of warp 1 of block"):
        launch(module, [a], (1, 1, 1), (64, 1, 1), scalars=[np.int64(40)])
