"""cpu-matmul-kernel: the packed, register-blocked GEMM gives numpy's numbers on ragged
shapes and odd blockings, on the ref executor and compiled by the C target."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import apply, assert_preserves_semantics, parse

from ziggurat.targets.c.call import compile_module
from ziggurat.tools.driver import ToolError


def matmul(m: int | str, k: int | str, n: int | str, elt: str = "f32", out: str = "") -> str:
    out = out or elt
    a, b, c = f"memref<{m}x{k}x{elt}>", f"memref<{k}x{n}x{elt}>", f"memref<{m}x{n}x{out}>"
    return (
        f"func.func @mm(%a: {a}, %b: {b}, %c: {c}) {{\n"
        f"  linalg.matmul ins(%a, %b : {a}, {b}) outs(%c : {c})\n"
        "  return\n}\n"
    )


def ops(module) -> set[str]:
    return {op.name for op in module.walk()}


def kernel(mc: int, kc: int, nc: int, mr: int, nr: int, threads: int = 0) -> str:
    return f"cpu-matmul-kernel{{mc={mc} kc={kc} nc={nc} mr={mr} nr={nr} threads={threads}}}"


def operands(m: int, k: int, n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s, dtype=np.float32) for s in ((m, k), (k, n), (m, n))]


@settings(max_examples=12, deadline=None)
@given(
    m=st.integers(1, 40),
    k=st.integers(1, 40),
    n=st.integers(1, 40),
    mr=st.sampled_from([1, 3, 4]),
    nr=st.sampled_from([1, 5, 8]),
    blocks=st.tuples(st.integers(1, 4), st.integers(1, 20), st.integers(1, 4)),
    threads=st.sampled_from([0, 1]),
)
def test_ragged_shapes_and_blockings_match_numpy_on_c(m, k, n, mr, nr, blocks, threads):
    module = parse(matmul(m, k, n))
    apply(module, kernel(blocks[0] * mr, blocks[1], blocks[2] * nr, mr, nr, threads))
    assert "linalg.matmul" not in ops(module)
    a, b, c = operands(m, k, n)
    want = c + a @ b
    compile_module(module, threads=2)([a, b, c])
    np.testing.assert_allclose(c, want, rtol=1e-4, atol=1e-4)


def test_default_blocking_on_a_large_ragged_matmul():
    """Several K, N and M blocks, none full (defaults mc=96 kc=256 nc=2048 mr=8 nr=32)."""
    m, k, n = 203, 517, 2085
    module = apply(parse(matmul(m, k, n)), "cpu-matmul-kernel")
    a, b, c = operands(m, k, n, seed=3)
    want = c + a @ b
    compile_module(module, threads=2)([a, b, c])
    np.testing.assert_allclose(c, want, rtol=1e-4, atol=1e-3)


def test_dynamic_shapes_on_c():
    module = apply(parse(matmul("?", "?", "?")), kernel(8, 16, 24, 4, 8))
    a, b, c = operands(19, 35, 29, seed=1)
    want = c + a @ b
    compile_module(module)([a, b, c])
    np.testing.assert_allclose(c, want, rtol=1e-4, atol=1e-4)


@settings(max_examples=6, deadline=None)
@given(m=st.integers(1, 30), k=st.integers(1, 30), n=st.integers(1, 30))
def test_int8_matmul_accumulates_exactly_in_int32_on_c(m, k, n):
    module = apply(parse(matmul(m, k, n, "i8", "i32")), kernel(8, 8, 16, 4, 8))
    assert "linalg.matmul" not in ops(module)
    rng = np.random.default_rng(m * 1000 + k * 100 + n)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-128, 128, (k, n), dtype=np.int8)
    c = rng.integers(-1000, 1000, (m, n), dtype=np.int32)
    want = c + a.astype(np.int32) @ b.astype(np.int32)
    compile_module(module, threads=2)([a, b, c])
    np.testing.assert_array_equal(c, want)


def test_int8_ref_executor_before_and_after():
    assert_preserves_semantics(matmul(6, 11, 5, "i8", "i32"), kernel(4, 4, 4, 2, 4))


def test_ref_executor_before_and_after():
    assert_preserves_semantics(matmul(7, 9, 11), kernel(4, 4, 6, 2, 3))


def test_tensor_program_through_bufferize():
    text = """
    func.func @f(%a: tensor<13x10xf32>, %b: tensor<10x17xf32>) -> tensor<13x17xf32> {
      %z = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<13x17xf32>
      %c = linalg.fill ins(%z : f32) outs(%e : tensor<13x17xf32>) -> tensor<13x17xf32>
      %r = linalg.matmul ins(%a, %b : tensor<13x10xf32>, tensor<10x17xf32>)
                         outs(%c : tensor<13x17xf32>) -> tensor<13x17xf32>
      return %r : tensor<13x17xf32>
    }
    """
    module = assert_preserves_semantics(text, "ziggurat-bufferize," + kernel(8, 4, 8, 4, 4))
    assert "linalg.matmul" not in ops(module)


def test_parallel_loops_only_when_threads_is_zero():
    parallel = apply(parse(matmul(8, 8, 8)), kernel(4, 4, 4, 2, 2, threads=0))
    sequential = apply(parse(matmul(8, 8, 8)), kernel(4, 4, 4, 2, 2, threads=1))
    assert "scf.parallel" in ops(parallel)
    assert "scf.parallel" not in ops(sequential)


@pytest.mark.parametrize("elt", ["i32", "f64", "i8"])
def test_other_element_types_are_left_alone(elt):
    module = apply(parse(matmul(4, 4, 4, elt)), "cpu-matmul-kernel")
    assert "linalg.matmul" in ops(module)


def test_tensor_matmul_is_left_alone():
    text = """
    func.func @f(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %r = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>)
                         outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
    """
    assert "linalg.matmul" in ops(apply(parse(text), "cpu-matmul-kernel"))


@pytest.mark.parametrize(
    "options, message",
    [
        ("mr=0", "'mr' must be positive"),
        ("mc=10 mr=4", "'mc' must be a multiple of 'mr' and"),
        ("nc=10 nr=4", "and 'nc' of 'nr'"),
        ("threads=3", "'threads' must be 0"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(ToolError, match=message):
        apply(parse(matmul(4, 4, 4)), f"cpu-matmul-kernel{{{options}}}")
