"""convert-linalg-to-affine-loops keeps every structured op's meaning, on random shapes.

Each program applies one linalg op to buffers and returns its output buffer;
it is run by the reference executor before and after lowering (to affine
loops, then also to scf with lower-affine, and with canonicalize after). The
op builders are in programs.py, shared with test_linalg_generalize.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from programs import (
    contraction,
    contraction_names,
    data_movement_case,
    data_movement_names,
    dim_sizes,
    element_pairs,
    generic_reduction_case,
    shape_and_permutation,
    window_case,
    window_names,
    window_sizes,
    window_steps,
)
from semantics import apply, assert_preserves_semantics, parse, run
from xdsl.dialects.builtin import ModuleOp

from ziggurat.targets.ref import random_inputs
from ziggurat.tools.driver import ToolError

PIPELINES = (
    "convert-linalg-to-affine-loops",
    "convert-linalg-to-affine-loops,lower-affine",
    "convert-linalg-to-affine-loops,lower-affine,canonicalize",
)


def lower(text: str, pipeline: str) -> ModuleOp:
    """Lower `text` with `pipeline`, check the numbers, and that no linalg op is left."""
    module = assert_preserves_semantics(text, pipeline)
    names = {op.name for op in module.walk()}
    assert not {n for n in names if n.startswith("linalg.")}, names
    if "lower-affine" in pipeline:
        assert not {n for n in names if n.startswith("affine.")}, names
    return module


def loop_depth(module: ModuleOp) -> int:
    """The depth of the deepest affine.for nest."""

    def depth(op) -> int:
        inner = [depth(o) for r in op.regions for b in r.blocks for o in b.ops]
        return (1 if op.name == "affine.for" else 0) + max(inner, default=0)

    return depth(module)


@settings(max_examples=25, deadline=None)
@given(contraction_names, dim_sizes, element_pairs, st.sampled_from(PIPELINES))
def test_contractions(name: str, dims: dict[str, int], elt: tuple[str, str], pipeline: str) -> None:
    case = contraction(name, dims, elt)
    module = lower(case.program(), pipeline)
    if pipeline == PIPELINES[0]:
        loops = {
            "matmul": 3,
            "batch_matmul": 4,
            "matvec": 2,
            "vecmat": 2,
            "batch_matvec": 3,
            "dot": 1,
        }
        assert loop_depth(module) == loops[name]


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 40), st.sampled_from(PIPELINES))
def test_int8_matmul_is_exact(m: int, n: int, k: int, pipeline: str) -> None:
    """i8 x i8 accumulated in i32 gives exactly numpy's integer product."""
    text = contraction("matmul", {"b": 1, "m": m, "n": n, "k": k}, ("i8", "i32")).program()
    module = parse(text)
    a, b, c = random_inputs(module)
    apply(module, pipeline)
    (got,) = run(module, [a, b, c])
    want = c.astype(np.int32) + a.astype(np.int32) @ b.astype(np.int32)
    np.testing.assert_array_equal(got, want)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(PIPELINES))
def test_transposed_matmul_maps(pipeline: str) -> None:
    text = """
    func.func @main(%At: memref<3x4xf32>, %B: memref<3x5xf32>, %C: memref<4x5xf32>)
        -> memref<4x5xf32> {
      linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>,
                                     affine_map<(d0, d1, d2) -> (d2, d1)>,
                                     affine_map<(d0, d1, d2) -> (d0, d1)>]
        ins(%At, %B : memref<3x4xf32>, memref<3x5xf32>) outs(%C : memref<4x5xf32>)
      return %C : memref<4x5xf32>
    }
    """
    lower(text, pipeline)


@settings(max_examples=30, deadline=None)
@given(
    window_names,
    window_sizes,
    window_steps,
    window_steps,
    st.sampled_from([("f32", "f32"), ("i8", "i32")]),
    st.sampled_from(PIPELINES),
)
def test_convolution_and_pooling(
    name: str,
    sizes: dict[str, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    elt: tuple[str, str],
    pipeline: str,
) -> None:
    lower(window_case(name, sizes, stride, dilation, elt).program(), pipeline)


@settings(max_examples=25, deadline=None)
@given(
    shape_and_permutation(),
    st.integers(0, 3),
    st.sampled_from(["f32", "i32"]),
    st.sampled_from(PIPELINES),
)
def test_generic_reduction_transposed(
    shape_perm: tuple[tuple[int, ...], tuple[int, ...]], kept: int, elt: str, pipeline: str
) -> None:
    shape, permutation = shape_perm
    case = generic_reduction_case(shape, permutation, min(kept, len(shape)), elt)
    lower(case.program(), pipeline)


@settings(max_examples=30, deadline=None)
@given(
    data_movement_names,
    shape_and_permutation(),
    st.sampled_from(["f32", "i32"]),
    st.sampled_from(PIPELINES),
)
def test_data_movement_and_elementwise(
    name: str, shape_perm: tuple[tuple[int, ...], tuple[int, ...]], elt: str, pipeline: str
) -> None:
    shape, perm = shape_perm
    lower(data_movement_case(name, shape, perm, elt).program(), pipeline)


def test_generic_with_constant_subscript_and_scalar() -> None:
    text = """
    func.func @main(%A: memref<6x3xi32>, %B: memref<6x3xi32>) -> memref<6x3xi32> {
      %k = arith.constant 5 : i32
      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 2)>,
                                       affine_map<(d0, d1) -> ()>,
                                       affine_map<(d0, d1) -> (d0, d1)>],
                      iterator_types = ["parallel", "parallel"]}
          ins(%A, %k : memref<6x3xi32>, i32) outs(%B : memref<6x3xi32>) {
      ^bb0(%a: i32, %kk: i32, %out: i32):
        %s = arith.addi %a, %kk : i32
        linalg.yield %s : i32
      }
      return %B : memref<6x3xi32>
    }
    """
    for pipeline in PIPELINES:
        lower(text, pipeline)


def test_tensor_operands_are_refused_at_the_op() -> None:
    case = contraction("matmul", {"b": 1, "m": 2, "n": 2, "k": 2}, ("f32", "f32"))
    module = parse(case.program(tensors=True))
    message = r"convert-linalg-to-affine-loops: cannot lower 'linalg\.matmul': it works on tensors"
    with pytest.raises(ToolError, match=message) as error:
        apply(module, "convert-linalg-to-affine-loops")
    assert error.value.location == ("test.mlir", 2, 3)


def test_unknown_linalg_op_is_refused() -> None:
    from ziggurat.parser import parse_module
    from ziggurat.universe import load_registry

    text = """
    func.func @main(%A: memref<4xf32>, %B: memref<4xf32>) {
      "linalg.softmax"(%A, %B) {dimension = 0 : i64} : (memref<4xf32>, memref<4xf32>) -> ()
      return
    }
    """
    module = parse_module(load_registry().make_context(allow_unregistered=True), text, "t.mlir")
    with pytest.raises(ToolError, match=r"cannot lower 'linalg\.softmax'") as error:
        apply(module, "convert-linalg-to-affine-loops")
    assert error.value.location == ("t.mlir", 3, 7)
