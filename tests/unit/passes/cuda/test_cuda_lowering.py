"""Every cuda lowering keeps the program's meaning: `ref` runs the program before and
after each pass (kernels in lock-step over the whole grid) on the same random inputs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS
from programs import matmul, row_reduction
from semantics import assert_preserves_semantics


def elementwise(shape: tuple[int, ...]) -> str:
    dims = ", ".join(f"%d{k}" for k in range(len(shape)))
    t = f"memref<{'x'.join(map(str, shape))}xf32>"
    bounds = ", ".join(map(str, shape))
    zeros = ", ".join("0" for _ in shape)
    return f"""
func.func @f(%x: {t}, %y: {t}) {{
  affine.parallel ({dims}) = ({zeros}) to ({bounds}) {{
    %a = affine.load %x[{dims}] : {t}
    %b = affine.load %y[{dims}] : {t}
    %m = arith.mulf %a, %b : f32
    %r = math.tanh %m : f32
    affine.store %r, %y[{dims}] : {t}
  }}
  return
}}
"""


@settings(max_examples=25, deadline=None)
@given(
    shape=st.lists(st.integers(1, 40), min_size=1, max_size=4).map(tuple),
    sizes=st.one_of(st.just(""), st.lists(st.integers(1, 10), min_size=1, max_size=3)),
)
def test_map_to_device_and_convert_device_to_cuda(shape: tuple[int, ...], sizes) -> None:
    option = f" block-sizes={','.join(map(str, sizes))}" if sizes else ""
    assert_preserves_semantics(
        elementwise(shape),
        f"map-to-device{{target=cuda{option}}},lower-affine,canonicalize,convert-device-to-cuda",
        rtol=1e-6,
    )


@settings(max_examples=15, deadline=None)
@given(
    m=st.integers(1, 80),
    k=st.integers(1, 50),
    n=st.integers(1, 80),
    kind=st.sampled_from(["f32", "i8"]),
    epilogue=st.booleans(),
    tile=st.sampled_from(["", "{bm=32 bn=32 bk=4 tm=2 tn=4}", "{bm=16 bn=64 tm=1 tn=8}"]),
)
def test_cuda_matmul_kernel(m: int, k: int, n: int, kind: str, epilogue: bool, tile: str) -> None:
    types = ("f32", "f32", "f32") if kind == "f32" else ("i8", "i8", "i32")
    exact = kind == "i8"
    module = assert_preserves_semantics(
        matmul(m, k, n, *types, epilogue),
        f"ziggurat-bufferize,cuda-matmul-kernel{tile}",
        seed=m + k + n,
        rtol=0 if exact else 1e-4,
        atol=0 if exact else 1e-5,
    )
    assert not any(op.name == "linalg.matmul" for op in module.walk())


@pytest.mark.parametrize("shape", [(32, 32, 32), (64, 96, 128), (128, 64, 64)])
def test_cuda_matmul_kernel_on_tensor_cores(shape: tuple[int, int, int]) -> None:
    m, k, n = shape
    module = assert_preserves_semantics(
        matmul(m, k, n, "bf16", "bf16", "f32", epilogue=True),
        "ziggurat-bufferize,cuda-matmul-kernel",
        rtol=1e-4,
        atol=1e-4,
    )
    assert any(op.name == "cuda.mma_compute" for op in module.walk())


@settings(max_examples=15, deadline=None)
@given(
    rows=st.integers(1, 40),
    cols=st.integers(1, 130),
    combiner=st.sampled_from(["arith.addf", "arith.maximumf", "arith.addi"]),
    per_block=st.sampled_from(["", "{rows-per-block=1}", "{rows-per-block=3}"]),
)
def test_cuda_reduction_kernel(rows: int, cols: int, combiner: str, per_block: str) -> None:
    elt = "i32" if combiner == "arith.addi" else "f32"
    module = assert_preserves_semantics(
        row_reduction(rows, cols, combiner, elt),
        f"ziggurat-bufferize,cuda-reduction-kernel{per_block}",
        seed=rows * cols,
        rtol=1e-5,
        atol=1e-5,
    )
    assert any(op.name == "cuda.shuffle" for op in module.walk())


@pytest.mark.parametrize("model", sorted(p.stem for p in MODELS.glob("*.mlir")))
def test_cuda_pipeline_on_every_model(model: str) -> None:
    assert_preserves_semantics((MODELS / f"{model}.mlir").read_text(), "cuda-pipeline")


@pytest.mark.parametrize("dims", [[0], [1], [2], [0, 2]])
def test_reductions_over_any_dimension(dims: list[int]) -> None:
    """Reductions that are not row reductions run as loops in each thread."""
    kept = [s for d, s in enumerate((4, 8, 16)) if d not in dims]
    out = f"tensor<{'x'.join(map(str, kept))}xf32>"
    text = f"""
func.func @r(%x: tensor<4x8x16xf32>) -> {out} {{
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : {out}
  %i = linalg.fill ins(%z : f32) outs(%e : {out}) -> {out}
  %r = linalg.reduce ins(%x : tensor<4x8x16xf32>) outs(%i : {out}) dimensions = {dims}
    (%a: f32, %b: f32) {{
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    }}
  return %r : {out}
}}
"""
    assert_preserves_semantics(text, "cuda-pipeline", rtol=1e-5, atol=1e-5)
