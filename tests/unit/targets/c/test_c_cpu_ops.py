"""C target: every `cpu` op compiled and run, against the ref executor on random inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import parse

from ziggurat.diagnostics import CompileError
from ziggurat.targets.c.call import compile_module
from ziggurat.targets.c.module_emit import emit_module
from ziggurat.targets.ref import random_inputs, run_function


def _check(text: str, threads: int | None = None, seed: int = 0) -> str:
    """Run `text` with ref and C on the same random inputs; both results and final
    argument contents must agree. Returns the emitted C."""
    module = parse(text)
    args = random_inputs(module, seed=seed)
    want_args, got_args = [a.copy() for a in args], [a.copy() for a in args]
    want = run_function(module, want_args)
    got = compile_module(module, threads=threads)(got_args)
    for w, g in zip([*want, *want_args], [*got, *got_args], strict=True):
        assert w.shape == g.shape and w.dtype == g.dtype
        if np.issubdtype(w.dtype, np.floating):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_array_equal(g, w)
    return emit_module(module)


PARALLEL_FOR = """
func.func @f(%x: memref<7x10xf32>, %y: memref<7x10xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : index
  %c10 = arith.constant 10 : index
  cpu.parallel_for (%i, %j) = (%c0, %c1) to (%c7, %c10) step (%c1, %c3) CLAUSES {
    %v = memref.load %x[%i, %j] : memref<7x10xf32>
    %w = arith.mulf %v, %v : f32
    memref.store %w, %y[%i, %j] : memref<7x10xf32>
  }
  return
}
"""


@pytest.mark.parametrize(
    ("clauses", "pragma"),
    [
        ("schedule(static)", "parallel for collapse(2) schedule(static)\n"),
        ("schedule(dynamic, 2)", "parallel for collapse(2) schedule(dynamic, 2)\n"),
        (
            "schedule(guided, 3) num_threads(2)",
            "parallel for collapse(2) schedule(guided, 3) num_threads(2)\n",
        ),
    ],
)
@pytest.mark.parametrize("threads", [1, 2])
def test_parallel_for(clauses: str, pragma: str, threads: int) -> None:
    c = _check(PARALLEL_FOR.replace("CLAUSES", clauses), threads)
    assert "#pragma omp " + pragma in c


SIMD = """
func.func @f(%x: memref<19xf32>, %y: memref<19xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c19 = arith.constant 19 : index
  %c1 = arith.constant 1 : index
  cpu.parallel_for (%o) = (%c0) to (%c19) step (%c4) schedule(static) {
    %e = arith.addi %o, %c4 : index
    %u = arith.minsi %e, %c19 : index
    cpu.simd %i = %o to %u step %c1 simdlen(4) {
      %v = memref.load %x[%i] : memref<19xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %y[%i] : memref<19xf32>
      cpu.simd %k = %c0 to %c2 step %c1 {
        cpu.parallel_for (%p) = (%c0) to (%c2) step (%c1) schedule(static) {
          %s = memref.load %y[%i] : memref<19xf32>
          %t = arith.addf %s, %v : f32
          memref.store %t, %y[%i] : memref<19xf32>
        }
      }
    }
  }
  return
}
"""


def test_simd_and_nesting() -> None:
    """Only the outermost parallel and SIMD loops get pragmas (OpenMP nests neither in simd)."""
    c = _check(SIMD, threads=2)
    assert c.count("#pragma omp simd simdlen(4)") == 1
    assert c.count("#pragma omp simd") == 1
    assert c.count("#pragma omp parallel for") == 1


PACK = """
func.func @f(%src: memref<{rows}x{cols}xf32>, %dst: memref<{shape}xf32>) {{
  %p = arith.constant -7.5 : f32
  cpu.pack %src {padding} {perm} inner_dims_pos = {dims} inner_tiles = {tiles} into %dst
      : memref<{rows}x{cols}xf32> -> memref<{shape}xf32>
  return
}}
"""


def _pack_text(rows: int, cols: int, dims: list[int], tiles: list[int], perm: list[int]) -> str:
    from ziggurat.dialects.cpu_pack import packed_shape

    shape = packed_shape([rows, cols], dims, tiles, perm)
    ragged = any([rows, cols][d] % t for d, t in zip(dims, tiles, strict=True))
    return PACK.format(
        rows=rows,
        cols=cols,
        shape="x".join(map(str, shape)),
        padding="padding_value(%p : f32)" if ragged else "",
        perm=f"outer_dims_perm = {perm}" if perm != [0, 1] else "",
        dims=dims,
        tiles=tiles,
    )


def test_pack_pads_ragged_tiles() -> None:
    c = _check(_pack_text(16, 30, [0, 1], [4, 8], [1, 0]))
    assert "-0x1.e000000000000p+2f" in c  # the padding value is stored where a tile overhangs


def test_pack_exact_tiles_has_no_bounds_test() -> None:
    c = _check(_pack_text(8, 12, [1, 0], [4, 2], [0, 1]))
    assert "?" not in c.split("void f(")[1]


@settings(max_examples=15, deadline=None)
@given(
    st.integers(1, 9),
    st.integers(1, 9),
    st.sampled_from([[0], [1], [0, 1], [1, 0]]),
    st.lists(st.integers(1, 5), min_size=2, max_size=2),
    st.sampled_from([[0, 1], [1, 0]]),
)
def test_pack_random(rows: int, cols: int, dims: list[int], tiles: list[int], perm: list[int]):
    _check(_pack_text(rows, cols, dims, tiles[: len(dims)], perm))


KERNEL = """
cpu.microkernel @axpy(%x: memref<4xf32, strided<[1], offset: ?>>, %y: memref<4xf32>, %a: f32) {
  affine.for %i = 0 to 4 {
    %v = affine.load %x[%i] : memref<4xf32, strided<[1], offset: ?>>
    %w = affine.load %y[%i] : memref<4xf32>
    %m = arith.mulf %v, %a : f32
    %s = arith.addf %m, %w : f32
    affine.store %s, %y[%i] : memref<4xf32>
  }
}
cpu.microkernel @ext(memref<4xf32>)
func.func @f(%x: memref<3x4xf32>, %y: memref<4xf32>, %a: f32) {
  affine.for %r = 0 to 3 {
    %row = memref.subview %x[%r, 0] [1, 4] [1, 1]
        : memref<3x4xf32> to memref<4xf32, strided<[1], offset: ?>>
    cpu.call @axpy(%row, %y, %a)
        : (memref<4xf32, strided<[1], offset: ?>>, memref<4xf32>, f32) -> ()
  }
  return
}
"""


def test_microkernel_and_call() -> None:
    c = _check(KERNEL)
    assert "static inline void axpy(" in c
    assert "\nvoid ext(const zg_memref_f32_1d *restrict arg0_desc);" in c
    assert "axpy(&" in c


def test_calling_a_declared_microkernel_is_refused() -> None:
    text = KERNEL.replace("cpu.call @axpy(%row, %y, %a)", "cpu.call @ext(%y)").replace(
        ": (memref<4xf32, strided<[1], offset: ?>>, memref<4xf32>, f32) -> ()",
        ": (memref<4xf32>) -> ()",
    )
    module = parse(text)
    assert "  ext(&" in emit_module(module)  # it emits: linking a definition is the user's job
    with pytest.raises(CompileError, match=r"'@ext'.*only declared"):
        compile_module(module)


def test_kernel_name_clash_is_refused() -> None:
    """`@main` is emitted as `main_` (C reserves `main`), so a kernel `@main_` would clash."""
    text = KERNEL.replace("@ext(memref<4xf32>)", "@main_(memref<4xf32>)")
    text = text.replace("func.func @f(", "func.func @main(")
    with pytest.raises(CompileError, match="C name 'main_'"):
        emit_module(parse(text))
