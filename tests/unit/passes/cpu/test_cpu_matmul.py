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


# Epilogue fusion: an elementwise linalg.generic on C right after the matmul runs in the
# write-back of the last K block. The bodies add a bias (wrong if applied twice) and take
# a ReLU (wrong if applied to a partial sum), so both mistakes change the numbers.

EPILOGUES = {
    "relu": ("", "%r = arith.maximumf %x, %zero : f32", lambda c, v: np.maximum(c, 0)),
    "bias_relu": (
        "(d1)",
        "%s = arith.addf %x, %e : f32\n    %r = arith.maximumf %s, %zero : f32",
        lambda c, v: np.maximum(c + v[None, :], 0),
    ),
    "row_scale_bias": (
        "(d0)",
        "%h = arith.constant 1.5 : f32\n    %t = arith.mulf %x, %h : f32\n"
        "    %r = arith.addf %t, %e : f32",
        lambda c, v: c * 1.5 + v[:, None],
    ),
}


def matmul_epilogue(m: int | str, k: int | str, n: int | str, kind: str) -> str:
    """C += A B, then `kind` on C in place; the vector (if any) is indexed by its map."""
    vector_map, body, _ = EPILOGUES[kind]
    a, b, c = f"memref<{m}x{k}xf32>", f"memref<{k}x{n}xf32>", f"memref<{m}x{n}xf32>"
    ident = "affine_map<(d0, d1) -> (d0, d1)>"
    maps, ins, types, args, params = [ident], ["%c"], [c], ["%x: f32"], ""
    if vector_map:
        v = f"memref<{n if vector_map == '(d1)' else m}xf32>"
        maps.append(f"affine_map<(d0, d1) -> {vector_map}>")
        ins.append("%v")
        types.append(v)
        args.append("%e: f32")
        params = f", %v: {v}"
    return (
        f"func.func @mm(%a: {a}, %b: {b}, %c: {c}{params}) {{\n"
        "  %zero = arith.constant 0.0 : f32\n"
        f"  linalg.matmul ins(%a, %b : {a}, {b}) outs(%c : {c})\n"
        f"  linalg.generic {{indexing_maps = [{', '.join([*maps, ident])}], "
        'iterator_types = ["parallel", "parallel"]}\n'
        f"      ins({', '.join(ins)} : {', '.join(types)}) outs(%c : {c}) {{\n"
        f"  ^bb0({', '.join(args)}, %o: f32):\n    {body}\n    linalg.yield %r : f32\n  }}\n"
        "  return\n}\n"
    )


def epilogue_operands(m: int, k: int, n: int, kind: str, seed: int = 0) -> list[np.ndarray]:
    args = operands(m, k, n, seed)
    vector_map = EPILOGUES[kind][0]
    if vector_map:
        size = n if vector_map == "(d1)" else m
        args.append(np.random.default_rng(seed + 1).standard_normal(size, dtype=np.float32))
    return args


def expected(args: list[np.ndarray], kind: str) -> np.ndarray:
    a, b, c = args[:3]
    return EPILOGUES[kind][2](c + a @ b, args[3] if len(args) > 3 else None)


@settings(max_examples=15, deadline=None)
@given(
    m=st.integers(1, 30),
    k=st.integers(1, 30),
    n=st.integers(1, 30),
    kc=st.integers(1, 8),
    tile=st.sampled_from([(1, 1), (3, 5), (4, 8)]),
    kind=st.sampled_from(sorted(EPILOGUES)),
    threads=st.sampled_from([0, 1]),
)
def test_epilogue_fused_on_ragged_shapes_with_several_k_blocks_on_c(
    m, k, n, kc, tile, kind, threads
):
    mr, nr = tile
    module = apply(
        parse(matmul_epilogue(m, k, n, kind)), kernel(2 * mr, kc, 2 * nr, mr, nr, threads)
    )
    assert {"linalg.matmul", "linalg.generic"}.isdisjoint(ops(module))
    args = epilogue_operands(m, k, n, kind, seed=m + k + n)
    want = expected(args, kind)
    compile_module(module, threads=2)(args)
    np.testing.assert_allclose(args[2], want, rtol=1e-4, atol=1e-4)


@settings(max_examples=6, deadline=None)
@given(
    m=st.integers(1, 9),
    k=st.integers(1, 9),
    n=st.integers(1, 9),
    kc=st.integers(1, 3),
    kind=st.sampled_from(sorted(EPILOGUES)),
)
def test_epilogue_fused_ref_executor_before_and_after(m, k, n, kc, kind):
    text = matmul_epilogue(m, k, n, kind)
    module = assert_preserves_semantics(
        text, kernel(4, kc, 6, 2, 3), args=epilogue_operands(m, k, n, kind)
    )
    assert {"linalg.matmul", "linalg.generic"}.isdisjoint(ops(module))


@pytest.mark.parametrize("k", [0, 1, 13])
def test_epilogue_with_dynamic_shapes_including_empty_k_on_c(k):
    """K = 0 runs no K block: the epilogue must still be applied, once."""
    module = apply(parse(matmul_epilogue("?", "?", "?", "bias_relu")), kernel(8, 4, 16, 4, 8))
    assert "linalg.generic" not in ops(module)
    args = epilogue_operands(11, k, 19, "bias_relu", seed=k)
    want = expected(args, "bias_relu")
    compile_module(module)(args)
    np.testing.assert_allclose(args[2], want, rtol=1e-4, atol=1e-4)


def test_epilogue_from_the_mlp_model_through_bufferize():
    """The bias folded into the init, the matmul and its ReLU generic, as in cpu-pipeline."""
    with open("examples/models/mlp.mlir") as f:
        text = f.read()
    pipeline = "linalg-fuse-elementwise,ziggurat-bufferize," + kernel(8, 16, 32, 4, 8)
    module = assert_preserves_semantics(text, pipeline)
    relus = [op for op in module.walk() if op.name == "arith.maximumf"]
    assert relus and all(op.parent_op().name == "scf.for" for op in relus)  # not in a generic
    assert "linalg.matmul" not in ops(module)


def test_int32_epilogue_after_int8_matmul_on_c():
    text = """
    func.func @mm(%a: memref<9x21xi8>, %b: memref<21x13xi8>, %c: memref<9x13xi32>) {
      %zero = arith.constant 0 : i32
      linalg.matmul ins(%a, %b : memref<9x21xi8>, memref<21x13xi8>) outs(%c : memref<9x13xi32>)
      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>],
                      iterator_types = ["parallel", "parallel"]} outs(%c : memref<9x13xi32>) {
      ^bb0(%x: i32):
        %r = arith.maxsi %x, %zero : i32
        linalg.yield %r : i32
      }
      return
    }
    """
    module = apply(parse(text), kernel(8, 4, 16, 4, 8))
    assert "linalg.generic" not in ops(module)
    rng = np.random.default_rng(5)
    a = rng.integers(-128, 128, (9, 21), dtype=np.int8)
    b = rng.integers(-128, 128, (21, 13), dtype=np.int8)
    c = rng.integers(-1000, 1000, (9, 13), dtype=np.int32)
    want = np.maximum(c + a.astype(np.int32) @ b.astype(np.int32), 0)
    compile_module(module, threads=2)([a, b, c])
    np.testing.assert_array_equal(c, want)


NOT_FUSED = {
    "option off": ("", "", "cpu-matmul-kernel{fuse-epilogue=false}"),
    "store in between": ("memref.store %zero, %c[%i0, %i0] : memref<5x7xf32>", "", ""),
    "linalg.index": ("", "%i = linalg.index 0 : index", ""),
    "transposed read": ("", "", "transposed"),
}


@pytest.mark.parametrize("case", sorted(NOT_FUSED))
def test_epilogue_not_fused_is_left_and_still_correct(case):
    between, extra, variant = NOT_FUSED[case]
    in_map = "(d1, d0)" if variant == "transposed" else "(d0, d1)"
    c, ct = "memref<5x7xf32>", "memref<7x5xf32>" if variant == "transposed" else "memref<5x7xf32>"
    src = "%t" if variant == "transposed" else "%c"
    params = f", %t: {ct}" if variant == "transposed" else ""
    text = f"""
    func.func @mm(%a: memref<5x6xf32>, %b: memref<6x7xf32>, %c: {c}{params}) {{
      %zero = arith.constant 0.0 : f32
      %i0 = arith.constant 0 : index
      linalg.matmul ins(%a, %b : memref<5x6xf32>, memref<6x7xf32>) outs(%c : {c})
      {between}
      linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> {in_map}>,
                                       affine_map<(d0, d1) -> (d0, d1)>],
                      iterator_types = ["parallel", "parallel"]}}
          ins({src} : {ct}) outs(%c : {c}) {{
      ^bb0(%x: f32, %o: f32):
        {extra}
        %r = arith.maximumf %x, %zero : f32
        linalg.yield %r : f32
      }}
      return
    }}
    """
    pipeline = variant if variant.startswith("cpu-") else kernel(4, 2, 4, 2, 2)
    module = assert_preserves_semantics(text, pipeline)
    assert "linalg.generic" in ops(module)
    assert "linalg.matmul" not in ops(module)
