"""Loop programs (`affine`, `scf`) in the `ref` executor against numpy.

Each program also runs with vectorisation switched off, so that both the
vectorised and the one-iteration-at-a-time paths are checked, and programs
with cross-iteration dependences check that vectorisation does not change
their results.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from programs import affine_matmul
from test_ref_api import run_ir

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref import vectorize

SETTINGS = settings(max_examples=15, deadline=None)


@pytest.fixture(params=["vectorised", "scalar"])
def mode(request, monkeypatch):
    if request.param == "scalar":
        monkeypatch.setattr(vectorize, "MAX_LANES", 0)
    return request.param


def run_both(text: str, *args, entry=None):
    """Results (and written arguments) with and without vectorisation; must agree."""
    outs = []
    for lanes in (vectorize.MAX_LANES, 0):
        copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        saved = vectorize.MAX_LANES
        vectorize.MAX_LANES = lanes
        try:
            results = run_ir(text, *copies, entry=entry)
        finally:
            vectorize.MAX_LANES = saved
        outs.append((results, copies))
    (r1, a1), (r2, a2) = outs
    for x, y in zip([*r1, *a1], [*r2, *a2], strict=True):
        np.testing.assert_array_equal(x, y)
    return r1, a1


@SETTINGS
@given(m=st.integers(1, 9), n=st.integers(1, 9), k=st.integers(1, 9), seed=st.integers(0, 9))
def test_matmul_as_affine_loops(m, n, k, seed):
    rng = np.random.default_rng(seed)
    a, b = (
        rng.uniform(-1, 1, (m, k)).astype(np.float32),
        rng.uniform(-1, 1, (k, n)).astype(np.float32),
    )
    c = np.zeros((m, n), np.float32)
    _, (_, _, got) = run_both(affine_matmul(m, n, k), a, b, c)
    np.testing.assert_allclose(got, a @ b, rtol=1e-5, atol=1e-6)


TILED = """
#min = affine_map<(d0) -> (d0 + 4, {n})>
func.func @f(%a: memref<{n}xi32>, %b: memref<{n}xi32>) {{
  affine.for %ii = 0 to {n} step 4 {{
    affine.for %i = #map0(%ii) to min #min(%ii) {{
      %x = affine.load %a[%i] : memref<{n}xi32>
      %c3 = arith.constant 3 : i32
      %y = arith.muli %x, %c3 : i32
      affine.store %y, %b[%i] : memref<{n}xi32>
    }}
  }}
  return
}}
"""


@SETTINGS
@given(n=st.integers(1, 30))
def test_tiled_loop_with_min_bound(n):
    text = TILED.format(n=n).replace("#map0(%ii)", "%ii")
    a = np.arange(n, dtype=np.int32) - 5
    b = np.zeros(n, np.int32)
    _, (_, got) = run_both(text, a, b)
    np.testing.assert_array_equal(got, a * 3)


PREFIX_SUM = """
func.func @f(%a: memref<{n}xi32>) {{
  affine.for %i = 1 to {n} {{
    %x = affine.load %a[%i - 1] : memref<{n}xi32>
    %y = affine.load %a[%i] : memref<{n}xi32>
    %s = arith.addi %x, %y : i32
    affine.store %s, %a[%i] : memref<{n}xi32>
  }}
  return
}}
"""


@SETTINGS
@given(n=st.integers(2, 40), seed=st.integers(0, 9))
def test_prefix_sum_is_not_vectorised_wrongly(n, seed):
    a = np.random.default_rng(seed).integers(-9, 9, n).astype(np.int32)
    _, (got,) = run_both(PREFIX_SUM.format(n=n), a)
    np.testing.assert_array_equal(got, np.cumsum(a).astype(np.int32))


def test_writes_of_one_address_by_two_ops_of_different_lanes_keep_order():
    text = """
    func.func @f(%a: memref<9xi32>) {
      affine.for %i = 0 to 8 {
        %v = arith.index_cast %i : index to i32
        affine.store %v, %a[%i] : memref<9xi32>
        %c100 = arith.constant 100 : i32
        %w = arith.addi %v, %c100 : i32
        affine.store %w, %a[%i + 1] : memref<9xi32>
      }
      return
    }
    """
    a = np.zeros(9, np.int32)
    _, (got,) = run_both(text, a)
    # Iteration i + 1 overwrites a[i + 1] after iteration i wrote 100 + i there.
    np.testing.assert_array_equal(got, [*range(8), 107])


def test_reduction_into_a_scalar_memref():
    text = """
    func.func @f(%a: memref<100xf32>, %s: memref<f32>) {
      affine.for %i = 0 to 100 {
        %x = affine.load %a[%i] : memref<100xf32>
        %acc = affine.load %s[] : memref<f32>
        %r = arith.addf %acc, %x : f32
        affine.store %r, %s[] : memref<f32>
      }
      return
    }
    """
    a = np.random.default_rng(0).uniform(-1, 1, 100).astype(np.float32)
    s = np.zeros((), np.float32)
    _, (_, got) = run_both(text, a, s)
    want = np.float32(0)
    for x in a:
        want = np.float32(want + x)
    assert got == want  # the same order of float additions, so the same bits


def test_indirect_indexing_falls_back_to_scalar():
    text = """
    func.func @f(%idx: memref<6xindex>, %src: memref<6xf32>, %dst: memref<6xf32>) {
      affine.for %i = 0 to 6 {
        %j = affine.load %idx[%i] : memref<6xindex>
        %v = affine.load %src[%i] : memref<6xf32>
        %o = memref.load %dst[%j] : memref<6xf32>
        %s = arith.addf %o, %v : f32
        memref.store %s, %dst[%j] : memref<6xf32>
      }
      return
    }
    """
    idx = np.array([0, 2, 0, 5, 2, 0], np.int64)
    src = np.arange(6, dtype=np.float32)
    dst = np.zeros(6, np.float32)
    _, (_, _, got) = run_both(text, idx, src, dst)
    want = np.zeros(6, np.float32)
    np.add.at(want, idx, src)
    np.testing.assert_array_equal(got, want)


def test_iter_args_and_scf_for():
    text = """
    func.func @f(%a: memref<10xi32>) -> (i32, i32) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c10 = arith.constant 10 : index
      %z = arith.constant 0 : i32
      %one = arith.constant 1 : i32
      %s, %p = scf.for %i = %c0 to %c10 step %c1 iter_args(%acc = %z, %prod = %one) -> (i32, i32) {
        %x = memref.load %a[%i] : memref<10xi32>
        %n = arith.addi %acc, %x : i32
        %m = arith.muli %prod, %x : i32
        scf.yield %n, %m : i32, i32
      }
      return %s, %p : i32, i32
    }
    """
    a = np.arange(1, 11, dtype=np.int32)
    (s, p), _ = run_both(text, a)
    assert s == 55 and p == np.int32(3628800)


def test_affine_for_iter_args_with_step():
    text = """
    func.func @f() -> index {
      %z = arith.constant 0 : index
      %r = affine.for %i = 3 to 20 step 4 iter_args(%acc = %z) -> (index) {
        %n = arith.addi %acc, %i : index
        affine.yield %n : index
      }
      return %r : index
    }
    """
    assert run_ir(text)[0] == sum(range(3, 20, 4))


def test_scf_parallel_with_reduce_and_affine_parallel_with_reductions():
    text = """
    func.func @f(%a: memref<4x5xf32>) -> (f32, f32, f32) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c4 = arith.constant 4 : index
      %c5 = arith.constant 5 : index
      %z = arith.constant 0.0 : f32
      %s = scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c5) step (%c1, %c1) init (%z) -> f32 {
        %x = memref.load %a[%i, %j] : memref<4x5xf32>
        scf.reduce(%x : f32) {
        ^bb0(%l: f32, %r: f32):
          %t = arith.addf %l, %r : f32
          scf.reduce.return %t : f32
        }
      }
      %m, %t = affine.parallel (%i, %j) = (0, 0) to (4, 5) reduce ("maximumf", "addf")
          -> (f32, f32) {
        %x = affine.load %a[%i, %j] : memref<4x5xf32>
        affine.yield %x, %x : f32, f32
      }
      return %s, %m, %t : f32, f32, f32
    }
    """
    a = np.random.default_rng(1).uniform(-1, 1, (4, 5)).astype(np.float32)
    (s, m, t), _ = run_both(text, a)
    assert s == pytest.approx(a.sum(), rel=1e-5) and m == a.max()
    assert t == pytest.approx(a.sum(), rel=1e-5)


def test_parallel_loops_without_reductions_vectorise():
    text = """
    func.func @f(%a: memref<6x7xf32>, %b: memref<6x7xf32>) {
      affine.parallel (%i, %j) = (0, 0) to (6, 7) {
        %x = affine.load %a[%i, %j] : memref<6x7xf32>
        %y = math.exp %x : f32
        affine.store %y, %b[%i, %j] : memref<6x7xf32>
      }
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c6 = arith.constant 6 : index
      %c7 = arith.constant 7 : index
      scf.parallel (%i, %j) = (%c0, %c0) to (%c6, %c7) step (%c1, %c1) {
        %x = memref.load %b[%i, %j] : memref<6x7xf32>
        %y = arith.addf %x, %x : f32
        memref.store %y, %b[%i, %j] : memref<6x7xf32>
      }
      return
    }
    """
    a = np.random.default_rng(2).uniform(-1, 1, (6, 7)).astype(np.float32)
    _, (_, b) = run_both(text, a, np.zeros((6, 7), np.float32))
    np.testing.assert_allclose(b, 2 * np.exp(a), rtol=1e-6)


def test_scf_while_if_switch_execute_region_and_affine_if():
    text = """
    #set = affine_set<(d0) : (d0 - 3 >= 0)>
    func.func @f(%n: i32) -> (i32, index, i32, i32) {
      %c1 = arith.constant 1 : i32
      %c2 = arith.constant 2 : i32
      %r = scf.while (%x = %n) : (i32) -> i32 {
        %more = arith.cmpi slt, %x, %n : i32
        %big = arith.cmpi slt, %x, %c1 : i32
        %go = arith.ori %more, %big : i1
        %c100 = arith.constant 100 : i32
        %lt = arith.cmpi slt, %x, %c100 : i32
        scf.condition(%lt) %x : i32
      } do {
      ^bb0(%x: i32):
        %y = arith.muli %x, %c2 : i32
        scf.yield %y : i32
      }
      %c5 = arith.constant 5 : index
      %a = affine.if #set(%c5) -> index {
        %c7 = arith.constant 7 : index
        affine.yield %c7 : index
      } else {
        %c8 = arith.constant 8 : index
        affine.yield %c8 : index
      }
      %c1i = arith.constant 1 : index
      %s = scf.index_switch %c1i -> i32
      case 0 {
        scf.yield %c1 : i32
      }
      case 1 {
        scf.yield %c2 : i32
      }
      default {
        scf.yield %n : i32
      }
      %e = scf.execute_region -> i32 {
        %t = arith.addi %n, %c1 : i32
        scf.yield %t : i32
      }
      return %r, %a, %s, %e : i32, index, i32, i32
    }
    """
    r, a, s, e = run_ir(text, np.int32(3))
    assert (r, a, s, e) == (192, 7, 2, 4)


def test_out_of_bounds_in_a_vectorised_loop_is_located(mode):
    text = """
    func.func @f(%a: memref<8xf32>) {
      affine.for %i = 0 to 9 {
        %x = affine.load %a[%i] : memref<8xf32>
        affine.store %x, %a[%i] : memref<8xf32>
      }
      return
    }
    """
    with pytest.raises(
        CompileError, match=r"out-of-bounds access in 'affine.load': index 8"
    ) as info:
        run_ir(text, np.zeros(8, np.float32))
    assert info.value.location is not None and info.value.location.line == 4


def test_matmul_loops_64_are_vectorised():
    """The 64x64x64 loop matmul runs as one band: checked by counting scalar steps."""
    m = n = k = 64
    rng = np.random.default_rng(5)
    a, b = (
        rng.uniform(-1, 1, (m, k)).astype(np.float32),
        rng.uniform(-1, 1, (k, n)).astype(np.float32),
    )
    c = np.zeros((m, n), np.float32)
    from ziggurat.targets.ref import interpreter

    calls = []
    original = interpreter.Interpreter.run_block

    def counting(self, block, env):
        calls.append(1)
        return original(self, block, env)

    interpreter.Interpreter.run_block = counting
    try:
        run_ir(affine_matmul(m, n, k), a, b, c)
    finally:
        interpreter.Interpreter.run_block = original
    assert len(calls) < 10
    np.testing.assert_allclose(c, a @ b, rtol=1e-4, atol=1e-5)
