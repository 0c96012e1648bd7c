"""linalg-generalize-named-ops: every named op becomes a linalg.generic computing the same numbers.

Programs come from the op builders in programs.py, on buffers and on tensors;
each generic must carry the named op's indexing maps and iterator types.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from programs import (
    OpCase,
    contraction,
    contraction_names,
    data_movement_case,
    data_movement_names,
    dim_sizes,
    element_pairs,
    shape_and_permutation,
    window_case,
    window_names,
    window_sizes,
    window_steps,
)
from semantics import assert_preserves_semantics, parse
from xdsl.dialects.linalg.ops import GenericOp

from ziggurat.passes.linalg.structured_view import structured_view

PIPELINES = (
    "linalg-generalize-named-ops",
    "linalg-generalize-named-ops,convert-linalg-to-affine-loops",
)


def generalize(case: OpCase, tensors: bool, pipeline: str) -> None:
    """Same numbers, and a generic with the named op's maps and iterators."""
    text = case.program(tensors)
    (named,) = [op for op in parse(text).walk() if op.name.startswith("linalg.")][:1]
    before = structured_view(named)
    assert before is not None and not isinstance(named, GenericOp)
    if tensors:
        pipeline = PIPELINES[0]
    module = assert_preserves_semantics(text, pipeline)
    linalg_ops = [op for op in module.walk() if op.name.startswith("linalg.")]
    if pipeline != PIPELINES[0]:
        assert not linalg_ops
        return
    generics = [op for op in linalg_ops if isinstance(op, GenericOp)]
    assert len(generics) == 1
    assert all(op.name in ("linalg.generic", "linalg.yield", "linalg.index") for op in linalg_ops)
    (generic,) = generics
    assert tuple(m.data for m in generic.indexing_maps) == before.indexing_maps
    assert tuple(generic.iterator_types) == before.iterator_types


@settings(max_examples=20, deadline=None)
@given(
    contraction_names,
    dim_sizes,
    element_pairs,
    st.booleans(),
    st.sampled_from(PIPELINES),
)
def test_contractions(
    name: str, dims: dict[str, int], elt: tuple[str, str], tensors: bool, pipeline: str
) -> None:
    generalize(contraction(name, dims, elt), tensors, pipeline)


@settings(max_examples=20, deadline=None)
@given(
    window_names,
    window_sizes,
    window_steps,
    window_steps,
    st.sampled_from([("f32", "f32"), ("i8", "i32")]),
    st.booleans(),
    st.sampled_from(PIPELINES),
)
def test_convolution_and_pooling(
    name: str,
    sizes: dict[str, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    elt: tuple[str, str],
    tensors: bool,
    pipeline: str,
) -> None:
    generalize(window_case(name, sizes, stride, dilation, elt), tensors, pipeline)


@settings(max_examples=25, deadline=None)
@given(
    data_movement_names,
    shape_and_permutation(),
    st.sampled_from(["f32", "i32"]),
    st.booleans(),
    st.sampled_from(PIPELINES),
)
def test_data_movement_and_elementwise(
    name: str,
    shape_perm: tuple[tuple[int, ...], tuple[int, ...]],
    elt: str,
    tensors: bool,
    pipeline: str,
) -> None:
    shape, perm = shape_perm
    generalize(data_movement_case(name, shape, perm, elt), tensors, pipeline)


NCHW = "{{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}"

XDSL_ONLY = [
    OpCase(
        f"linalg.conv_2d_nchw_fchw {NCHW} {{ins}} {{outs}}{{res}}",
        (((1, 2, 5, 4), "f32"), ((3, 2, 2, 2), "f32")),
        ((1, 3, 4, 3), "f32"),
    ),
    OpCase(
        f"linalg.pooling_nchw_max {NCHW} {{ins}} {{outs}}{{res}}",
        (((2, 2, 5, 4), "f32"), ((2, 3), "f32")),
        ((2, 2, 4, 2), "f32"),
    ),
    OpCase("linalg.exp {ins} {outs}{res}", (((3, 2), "f32"),), ((3, 2), "f32")),
    OpCase("linalg.sqrt {ins} {outs}{res}", (((3, 2), "f32"),), ((3, 2), "f32")),
]


@settings(max_examples=16, deadline=None)
@given(st.sampled_from(XDSL_ONLY), st.booleans(), st.sampled_from(PIPELINES))
def test_ops_xdsl_defines(case: OpCase, tensors: bool, pipeline: str) -> None:
    """Named ops ziggurat takes from xDSL as they are generalize too."""
    generalize(case, tensors, pipeline)
