"""C target: whole programs after lowering, compiled and run, against ref."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS
from semantics import apply, parse

from ziggurat.targets.c.call import compile_module
from ziggurat.targets.ref import random_inputs, run_function

PIPELINES = [
    "lower-to-affine",
    "lower-to-affine,affine-loop-tile{tile-sizes=5,3},affine-parallelize",
    "lower-to-loops",
]


def _check(module, args=None, atol: float = 1e-6) -> None:
    """Results and written arguments as ref's; floats within `atol` (absolute) or 1e-4
    (relative), since a reduction may add in another order."""
    args = random_inputs(module) if args is None else args
    want_args, got_args = [a.copy() for a in args], [a.copy() for a in args]
    want = run_function(module, want_args)
    got = compile_module(module)(got_args)
    for w, g in zip([*want, *want_args], [*got, *got_args], strict=True):
        assert w.shape == g.shape and w.dtype == g.dtype
        if np.issubdtype(w.dtype, np.floating):
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=atol)
        else:
            np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("model", ["mlp", "conv_relu", "attention", "int8_matmul"])
def test_models_match_ref(model: str, pipeline: str) -> None:
    _check(apply(parse((MODELS / f"{model}.mlir").read_text()), pipeline))


MATMUL = """
func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>) -> tensor<{m}x{n}xf32> {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %r = linalg.matmul ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%i : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %r : tensor<{m}x{n}xf32>
}}"""


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 13), st.integers(1, 9), st.integers(1, 11), st.integers(1, 4))
def test_random_shape_tiled_parallel_matmul(m: int, k: int, n: int, tile: int) -> None:
    text = MATMUL.format(m=m, k=k, n=n)
    pipeline = (
        f"lower-to-affine,affine-loop-tile{{tile-sizes={tile},{tile + 1}}},affine-parallelize"
    )
    _check(apply(parse(text), pipeline))


REDUCE = """
func.func @sum(%a: memref<{n}xi32>, %x: memref<{n}xf32>) -> (i32, f32, f32) {{
  %s, %p = affine.parallel (%i) = (0) to ({n}) reduce ("addi", "maximumf") -> (i32, f32) {{
    %v = affine.load %a[%i] : memref<{n}xi32>
    %w = affine.load %x[%i] : memref<{n}xf32>
    affine.yield %v, %w : i32, f32
  }}
  %c0 = arith.constant 0 : index
  %cn = arith.constant {n} : index
  %c1 = arith.constant 1 : index
  %init = arith.constant 1.0 : f32
  %f = scf.parallel (%j) = (%c0) to (%cn) step (%c1) init (%init) -> f32 {{
    %w = memref.load %x[%j] : memref<{n}xf32>
    scf.reduce(%w : f32) {{
    ^bb0(%l: f32, %r: f32):
      %t = arith.addf %l, %r : f32
      scf.reduce.return %t : f32
    }}
  }}
  return %s, %p, %f : i32, f32, f32
}}"""


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 300), st.integers(0, 2**31 - 1))
def test_random_parallel_reductions(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(-(2**31), 2**31 - 1, n, dtype=np.int32)
    x = rng.uniform(-1, 1, n).astype(np.float32)
    # Summed in another order, n terms differ by at most n * eps * sum(|terms|).
    bound = n * float(np.finfo(np.float32).eps) * (1.0 + float(np.abs(x).sum()))
    _check(parse(REDUCE.format(n=n)), [a, x], atol=bound)


VIEWS = """
memref.global "private" constant @table : memref<2x3xf32> =
  dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
func.func @views(%a: memref<4x6xf32>) -> (memref<2x3xf32>, memref<24xf32>, memref<2x3xf32>) {
  %s = memref.subview %a[1, 1] [2, 3] [1, 2] : memref<4x6xf32>
    to memref<2x3xf32, strided<[6, 2], offset: 7>>
  %g = memref.get_global @table : memref<2x3xf32>
  %o = memref.alloc() : memref<2x3xf32>
  memref.copy %s, %o : memref<2x3xf32, strided<[6, 2], offset: 7>> to memref<2x3xf32>
  %c = memref.collapse_shape %a [[0, 1]] : memref<4x6xf32> into memref<24xf32>
  %e = memref.expand_shape %c [[0, 1]] output_shape [4, 6] : memref<24xf32> into memref<4x6xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %e[%c0, %c0] : memref<4x6xf32>
  memref.store %v, %o[%c0, %c0] : memref<2x3xf32>
  return %o, %c, %g : memref<2x3xf32>, memref<24xf32>, memref<2x3xf32>
}"""


def test_views_globals_and_returned_arguments_are_copies() -> None:
    module = parse(VIEWS)
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    _check(module, [a])
    results = compile_module(module)([a.copy()])
    results[1][0] = -1.0
    assert results[1].base is not None and not np.shares_memory(results[1], a)


def test_local_named_like_a_global_does_not_shadow_it() -> None:
    # The global prints as `g_w`; a value named `%g_w` must get another C name,
    # or the load below would read through the local instead of the global.
    module = parse(
        """
        memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
        func.func @f(%x: f32) -> f32 {
          %g_w = arith.addf %x, %x : f32
          %m = memref.get_global @w : memref<2xf32>
          %c1 = arith.constant 1 : index
          %v = memref.load %m[%c1] : memref<2xf32>
          %r = arith.addf %g_w, %v : f32
          return %r : f32
        }
        """
    )
    _check(module)
