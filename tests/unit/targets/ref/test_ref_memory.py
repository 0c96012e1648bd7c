"""`memref`, `tensor` and `bufferization` ops, and runtime errors, in the `ref` executor."""

from __future__ import annotations

import numpy as np
import pytest
from test_ref_api import run_ir

from ziggurat.diagnostics import CompileError


def test_subview_is_a_strided_alias_with_dynamic_offsets():
    text = """
    func.func @f(%a: memref<6x8xf32>, %o: index) {
      %v = memref.subview %a[%o, 1] [2, 3] [2, 3] : memref<6x8xf32>
          to memref<2x3xf32, strided<[16, 3], offset: ?>>
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %x = arith.constant 9.0 : f32
      memref.store %x, %v[%c1, %c1] : memref<2x3xf32, strided<[16, 3], offset: ?>>
      return
    }
    """
    a = np.zeros((6, 8), np.float32)
    run_ir(text, a, np.int64(1))
    want = np.zeros((6, 8), np.float32)
    want[1 + 2, 1 + 3] = 9
    np.testing.assert_array_equal(a, want)


def test_rank_reducing_subview_collapse_expand_cast_dim_rank():
    text = """
    func.func @f(%a: memref<3x4xi32>) -> (i32, i32, index, index) {
      %row = memref.subview %a[1, 0] [1, 4] [1, 1] : memref<3x4xi32>
          to memref<4xi32, strided<[1], offset: 4>>
      %c2 = arith.constant 2 : index
      %x = memref.load %row[%c2] : memref<4xi32, strided<[1], offset: 4>>
      %flat = memref.collapse_shape %a [[0, 1]] : memref<3x4xi32> into memref<12xi32>
      %back = memref.expand_shape %flat [[0, 1]] output_shape [6, 2] : memref<12xi32>
          into memref<6x2xi32>
      %dyn = memref.cast %back : memref<6x2xi32> to memref<?x2xi32>
      %c5 = arith.constant 5 : index
      %c1 = arith.constant 1 : index
      %y = memref.load %dyn[%c5, %c1] : memref<?x2xi32>
      %c0 = arith.constant 0 : index
      %d = memref.dim %dyn, %c0 : memref<?x2xi32>
      %r = memref.rank %dyn : memref<?x2xi32>
      return %x, %y, %d, %r : i32, i32, index, index
    }
    """
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    assert [int(v) for v in run_ir(text, a)] == [6, 11, 6, 2]


def test_alloc_copy_dealloc_and_use_after_free():
    text = """
    func.func @f(%a: memref<4xf32>) -> f32 {
      %b = memref.alloc() : memref<4xf32>
      memref.copy %a, %b : memref<4xf32> to memref<4xf32>
      %c3 = arith.constant 3 : index
      %x = memref.load %b[%c3] : memref<4xf32>
      memref.dealloc %b : memref<4xf32>
      return %x : f32
    }
    """
    a = np.arange(4, dtype=np.float32)
    assert run_ir(text, a)[0] == 3
    bad = text.replace(
        "return %x : f32", "%y = memref.load %b[%c3] : memref<4xf32>\n      return %y : f32"
    )
    with pytest.raises(
        CompileError,
        match=r"'memref.load' uses the buffer allocated by "
        r"'memref.alloc' at test.mlir:3:\d+ after it was deallocated",
    ):
        run_ir(bad, a)


def test_global_and_get_global():
    text = """
    memref.global "private" constant @w : memref<3xi32> = dense<[4, 5, 6]>
    func.func @f() -> i32 {
      %g = memref.get_global @w : memref<3xi32>
      %c2 = arith.constant 2 : index
      %x = memref.load %g[%c2] : memref<3xi32>
      return %x : i32
    }
    """
    assert run_ir(text)[0] == 6


def test_out_of_bounds_store_is_located():
    text = """
    func.func @f(%a: memref<4xf32>, %i: index) {
      %x = arith.constant 1.0 : f32
      memref.store %x, %a[%i] : memref<4xf32>
      return
    }
    """
    with pytest.raises(
        CompileError, match=r"out-of-bounds access in 'memref.store': index -1"
    ) as info:
        run_ir(text, np.zeros(4, np.float32), np.int64(-1))
    assert (info.value.location.line, info.value.location.col) == (4, 7)


def test_unsupported_op_is_located():
    text = """
    func.func @f(%a: f32) -> f32 {
      %r = math.absf %a : f32
      %s = "test.op"(%r) : (f32) -> f32
      return %s : f32
    }
    """
    from xdsl.context import Context
    from xdsl.dialects.arith import Arith
    from xdsl.dialects.func import Func
    from xdsl.dialects.math import Math
    from xdsl.dialects.test import Test

    from ziggurat.parser import parse_module
    from ziggurat.targets.ref import run_function

    ctx = Context()
    for dialect in (Arith, Func, Math, Test):
        ctx.load_dialect(dialect)
    module = parse_module(ctx, text, "u.mlir")
    with pytest.raises(CompileError, match=r"^ref: cannot execute 'test.op'$") as info:
        run_function(module, [np.float32(1)])
    assert info.value.location.line == 4


def test_tensor_slices_pad_reshape_and_friends():
    text = """
    func.func @f(%t: tensor<4x6xi32>, %v: i32) -> (tensor<2x2xi32>, tensor<4x6xi32>,
        tensor<6x7xi32>, tensor<24xi32>, tensor<2x12xi32>, tensor<3xi32>, tensor<2x3xi32>, i32,
        tensor<8x6xi32>, tensor<3xindex>) {
      %s = tensor.extract_slice %t[1, 1] [2, 2] [2, 3] : tensor<4x6xi32> to tensor<2x2xi32>
      %ins = tensor.insert_slice %s into %t[0, 0] [2, 2] [1, 1] : tensor<2x2xi32>
          into tensor<4x6xi32>
      %p = tensor.pad %t low[1, 0] high[1, 1] {
      ^bb0(%i: index, %j: index):
        tensor.yield %v : i32
      } : tensor<4x6xi32> to tensor<6x7xi32>
      %c = tensor.collapse_shape %t [[0, 1]] : tensor<4x6xi32> into tensor<24xi32>
      %e = tensor.expand_shape %c [[0, 1]] output_shape [2, 12] : tensor<24xi32>
          into tensor<2x12xi32>
      %f = tensor.from_elements %v, %v, %v : tensor<3xi32>
      %sp = tensor.splat %v : tensor<2x3xi32>
      %c1 = arith.constant 1 : index
      %x = tensor.extract %t[%c1, %c1] : tensor<4x6xi32>
      %cat = tensor.concat dim(0) %t, %t : (tensor<4x6xi32>, tensor<4x6xi32>) -> tensor<8x6xi32>
      %g = tensor.generate {
      ^bb0(%i: index):
        %sq = arith.muli %i, %i : index
        tensor.yield %sq : index
      } : tensor<3xindex>
      return %s, %ins, %p, %c, %e, %f, %sp, %x, %cat, %g : tensor<2x2xi32>, tensor<4x6xi32>,
        tensor<6x7xi32>, tensor<24xi32>, tensor<2x12xi32>, tensor<3xi32>, tensor<2x3xi32>, i32,
        tensor<8x6xi32>, tensor<3xindex>
    }
    """
    t = np.arange(24, dtype=np.int32).reshape(4, 6)
    s, ins, p, c, e, f, sp, x, cat, g = run_ir(text, t, np.int32(-1))
    np.testing.assert_array_equal(s, t[1:4:2, 1:5:3])
    want = t.copy()
    want[:2, :2] = s
    np.testing.assert_array_equal(ins, want)
    np.testing.assert_array_equal(p, np.pad(t, ((1, 1), (0, 1)), constant_values=-1))
    np.testing.assert_array_equal(c, t.reshape(24))
    np.testing.assert_array_equal(e, t.reshape(2, 12))
    assert list(f) == [-1, -1, -1] and (sp == -1).all() and sp.shape == (2, 3)
    assert x == 7
    np.testing.assert_array_equal(cat, np.concatenate([t, t]))
    assert list(g) == [0, 1, 4]


def test_bufferization_round_trip():
    text = """
    func.func @f(%t: tensor<3xf32>, %out: memref<3xf32>) -> tensor<3xf32> {
      %m = bufferization.to_buffer %t : tensor<3xf32> to memref<3xf32>
      %c0 = arith.constant 0 : index
      %x = arith.constant 5.0 : f32
      memref.store %x, %m[%c0] : memref<3xf32>
      %u = bufferization.to_tensor %m : memref<3xf32> to tensor<3xf32>
      bufferization.materialize_in_destination %u in writable %out
          : (tensor<3xf32>, memref<3xf32>) -> ()
      return %u : tensor<3xf32>
    }
    """
    t = np.array([1, 2, 3], np.float32)
    out = np.zeros(3, np.float32)
    (u,) = run_ir(text, t, out)
    assert list(u) == [5, 2, 3] and list(out) == [5, 2, 3] and list(t) == [1, 2, 3]


def test_extract_slice_out_of_bounds_is_located():
    text = """
    func.func @f(%t: tensor<4xi32>, %o: index) -> tensor<2xi32> {
      %s = tensor.extract_slice %t[%o] [2] [1] : tensor<4xi32> to tensor<2xi32>
      return %s : tensor<2xi32>
    }
    """
    with pytest.raises(CompileError, match="slice out of bounds in dimension 0: offset 3"):
        run_ir(text, np.zeros(4, np.int32), np.int64(3))
