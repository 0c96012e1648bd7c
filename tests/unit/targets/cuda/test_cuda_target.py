"""The cuda target end to end: every example model and random GEMMs, reductions and
elementwise chains lowered by `cuda-pipeline`, emitted as one `.cu`, compiled for the
CPU emulation (and under ThreadSanitizer), for sm_80/sm_90 with nvcc, and compared
with the ref executor."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from gpu import require_gpu
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import MODELS, ROOT
from programs import matmul, row_reduction
from semantics import apply, assert_close, parse, run

from ziggurat.diagnostics import CompileError
from ziggurat.targets.cuda import toolchain
from ziggurat.targets.cuda.emit import emit_module
from ziggurat.targets.cuda.runtime import CudaExecutor
from ziggurat.targets.ref import random_inputs

ALL_MODELS = sorted(p.stem for p in MODELS.glob("*.mlir"))


def _emu(text: str, args: list[np.ndarray] | None = None, seed: int = 0):
    """(results on cuda-emu, results on ref, the lowered module) for `text`."""
    module = parse(text)
    if args is None:
        args = random_inputs(module, seed=seed)
    want = run(module, args)
    executor = CudaExecutor(emulate=True)
    got = executor.prepare(module)([a.copy() for a in args])
    return got, want


def _require(tool: str) -> str:
    path = toolchain.find_tool(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (pip install 'ziggurat[cuda]')")
    return path




# Every example model ------------------------------------------------------------------


@pytest.mark.parametrize("model", ALL_MODELS)
def test_models_match_ref_on_the_emulation(model: str) -> None:
    got, want = _emu((MODELS / f"{model}.mlir").read_text())
    assert_close(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("model", ALL_MODELS)
def test_models_compile_for_sm80_and_sm90_without_spills(model: str) -> None:
    _require("nvcc")
    lowered = apply(parse((MODELS / f"{model}.mlir").read_text()), "cuda-pipeline")
    source = emit_module(lowered)
    for arch in ("sm_80", "sm_90"):
        result = toolchain.compile_cubin(source, arch)
        kernels = {k.sym_name.data for k in lowered.ops if k.name == "cuda.kernel"}
        assert set(result.kernels) == kernels
        for name, resources in result.kernels.items():
            assert resources.spill_stores == 0 and resources.spill_loads == 0, (name, arch)


@pytest.mark.parametrize("model", ALL_MODELS)
def test_models_match_ref_on_the_gpu(model: str) -> None:
    require_gpu()
    module = parse((MODELS / f"{model}.mlir").read_text())
    args = random_inputs(module, seed=3)
    executor = CudaExecutor()
    got = executor.prepare(module)([a.copy() for a in args])
    assert_close(got, run(module, args), rtol=1e-4, atol=1e-5)
    assert executor.report()["kernels"], "kernel times are reported"


@pytest.mark.parametrize(
    "case",
    [
        (129, 67, 250, "f32", "f32", "f32"),
        (256, 512, 256, "f32", "f32", "f32"),
        (100, 147, 70, "i8", "i8", "i32"),
        (256, 128, 192, "bf16", "bf16", "f32"),
    ],
)
def test_gemms_match_ref_on_the_gpu(case: tuple) -> None:
    require_gpu()
    module = parse(matmul(*case, epilogue=True))
    args = random_inputs(module, seed=4)
    got = CudaExecutor().prepare(module)([a.copy() for a in args])
    exact = case[2] == "i32"
    assert_close(got, run(module, args), rtol=0 if exact else 1e-4, atol=0 if exact else 1e-4)


# GEMMs ----------------------------------------------------------------------------------


@settings(max_examples=6, deadline=None)
@given(
    m=st.integers(1, 70),
    k=st.integers(1, 40),
    n=st.integers(1, 70),
    epilogue=st.booleans(),
)
def test_f32_gemm_with_ragged_shapes(m: int, k: int, n: int, epilogue: bool) -> None:
    got, want = _emu(matmul(m, k, n, "f32", "f32", "f32", epilogue), seed=m * n + k)
    assert_close(got, want, rtol=1e-4, atol=1e-5)


@settings(max_examples=4, deadline=None)
@given(m=st.integers(1, 50), k=st.integers(1, 50), n=st.integers(1, 50))
def test_int8_gemm_is_exact(m: int, k: int, n: int) -> None:
    got, want = _emu(matmul(m, k, n, "i8", "i8", "i32", epilogue=True), seed=k)
    assert_close(got, want, rtol=0, atol=0)


def test_gemm_kernel_structure() -> None:
    """Shared-memory stages, register tiles and the fused fill and epilogue are visible."""
    lowered = apply(parse(matmul(256, 64, 256, "f32", "f32", "f32", True)), "cuda-pipeline")
    source = emit_module(lowered)
    kernel = source[source.index("gemm_gemm0(") :]
    assert kernel.count("__shared__") == 2
    assert "__launch_bounds__(256)" in source
    assert "float acc[64];" in kernel or re.search(r"float \w+\[64\];", kernel)
    assert kernel.count("__syncthreads();") == 2
    assert "linalg" not in str(lowered)
    assert sum(op.name == "cuda.kernel" for op in lowered.ops) == 1, "fill and epilogue fused"


@pytest.mark.parametrize("shape", [(64, 96, 64), (128, 64, 64), (32, 32, 96)])
def test_bf16_gemm_on_tensor_core_fragments(shape: tuple[int, int, int]) -> None:
    m, k, n = shape
    text = matmul(m, k, n, "bf16", "bf16", "f32", epilogue=True)
    lowered = apply(parse(text), "cuda-pipeline")
    assert any(op.name == "cuda.mma_compute" for op in lowered.walk())
    rng = np.random.default_rng(k)
    args = [
        rng.uniform(-1, 1, (m, k)).astype(ml_dtypes.bfloat16),
        rng.uniform(-1, 1, (k, n)).astype(ml_dtypes.bfloat16),
        rng.uniform(-1, 1, (n,)).astype(np.float32),
    ]
    got, want = _emu(text, args)
    expected = np.maximum(
        args[0].astype(np.float32) @ args[1].astype(np.float32) + args[2], 0
    ).astype(np.float32)
    assert_close(got, want, rtol=1e-4, atol=1e-4)
    assert_close(got, [expected], rtol=1e-4, atol=1e-4)


def test_tensor_core_kernel_has_hmma_in_sass() -> None:
    _require("nvcc")
    _require("cuobjdump")
    _require("nvdisasm")
    lowered = apply(parse(matmul(128, 64, 128, "bf16", "bf16", "f32")), "cuda-pipeline")
    result = toolchain.compile_cubin(emit_module(lowered), "sm_90")
    assert all(r.spill_stores == 0 for r in result.kernels.values())
    assert "HMMA" in toolchain.sass(result.path)


# Reductions and elementwise chains -------------------------------------------------------




@settings(max_examples=5, deadline=None)
@given(
    rows=st.integers(1, 20),
    cols=st.integers(1, 100),
    combiner=st.sampled_from(["arith.addf", "arith.maximumf", "arith.addi"]),
)
def test_row_reductions_use_warp_shuffles(rows: int, cols: int, combiner: str) -> None:
    elt = "i32" if combiner == "arith.addi" else "f32"
    text = row_reduction(rows, cols, combiner, elt)
    lowered = apply(parse(text), "cuda-pipeline")
    assert sum(op.name == "cuda.shuffle" for op in lowered.walk()) == 5
    got, want = _emu(text, seed=rows + cols)
    assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_elementwise_chain_is_one_kernel() -> None:
    text = """
func.func @chain(%x: tensor<37x45xf32>, %y: tensor<37x45xf32>) -> tensor<37x45xf32> {
  %c = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<37x45xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<37x45xf32>, tensor<37x45xf32>) outs(%e : tensor<37x45xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %a = arith.addf %p, %q : f32
    linalg.yield %a : f32
  } -> tensor<37x45xf32>
  %e2 = tensor.empty() : tensor<37x45xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<37x45xf32>) outs(%e2 : tensor<37x45xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.mulf %v, %c : f32
    %r = math.tanh %m : f32
    linalg.yield %r : f32
  } -> tensor<37x45xf32>
  return %t : tensor<37x45xf32>
}
"""
    lowered = apply(parse(text), "cuda-pipeline")
    assert sum(op.name == "cuda.launch" for op in lowered.walk()) == 1
    got, want = _emu(text)
    assert_close(got, want, rtol=1e-5, atol=1e-6)


# ThreadSanitizer: the emitted code has the barriers it needs -----------------------------

_TSAN_DRIVER = textwrap.dedent(
    """
    import sys, numpy as np
    from semantics import parse, run
    from ziggurat.codegen.c.ctypes_call import find_function
    from ziggurat.targets.cuda import runtime
    from ziggurat.targets.ref import random_inputs
    source = open(sys.argv[1]).read()
    module = parse(open(sys.argv[2]).read())
    lowered = runtime.lower_for_cuda(module)
    path = runtime.toolchain.compile_emu_library(source, tsan=True)
    function = runtime.CudaFunction(runtime._load(str(path)), find_function(lowered, None), False)
    args = random_inputs(module, seed=1)
    got = function([a.copy() for a in args])
    print("max error", float(np.max(np.abs(got[0] - run(module, args)[0]))))
    """
)


def _tsan(tmp_path: Path, source: str, text: str) -> subprocess.CompletedProcess[str]:
    try:
        env = {**os.environ, **toolchain.tsan_environment()}
    except CompileError as error:
        pytest.skip(str(error))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests" / "unit"), env.get("PYTHONPATH", "")])
    (tmp_path / "k.cu").write_text(source)
    (tmp_path / "p.mlir").write_text(text)
    (tmp_path / "driver.py").write_text(_TSAN_DRIVER)
    files = [str(tmp_path / name) for name in ("driver.py", "k.cu", "p.mlir")]
    return subprocess.run(
        [sys.executable, *files],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("program", ["f32", "reduction"])
def test_thread_sanitizer_finds_no_race_and_catches_a_missing_barrier(
    tmp_path: Path, program: str
) -> None:
    text = (
        matmul(40, 24, 36, "f32", "f32", "f32")
        if program == "f32"
        else (MODELS / "attention.mlir").read_text()
    )
    source = emit_module(apply(parse(text), "cuda-pipeline{block-sizes=4,8}"))
    clean = _tsan(tmp_path, source, text)
    assert clean.returncode == 0, clean.stderr[-3000:]
    assert "ThreadSanitizer" not in clean.stderr
    assert "__syncthreads();" in source, "the GEMM kernels stage tiles between barriers"
    broken = source.replace("__syncthreads();", "/* barrier removed */", 1)
    racy = _tsan(tmp_path, broken, text)
    assert racy.returncode != 0
    assert "ThreadSanitizer: data race" in racy.stderr


# What users see without a GPU, and refusals -------------------------------------------------


def test_without_a_gpu_cuda_says_so_in_one_line() -> None:
    if toolchain.no_gpu_reason() is None:
        pytest.skip("a GPU is present")
    done = subprocess.run(
        [sys.executable, "-m", "ziggurat.tools.run", str(MODELS / "mlp.mlir"), "--target", "cuda"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cuda: no GPU to run on"), lines


def test_kernels_refuse_dynamic_shapes_with_a_location() -> None:
    text = """
func.func @dyn(%x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  affine.parallel (%i) = (0) to (symbol(%n)) {
    %v = affine.load %x[%i] : memref<?xf32>
    affine.store %v, %x[%i] : memref<?xf32>
  }
  return
}
"""
    lowered = apply(parse(text), "map-to-device{target=cuda},lower-affine,convert-device-to-cuda")
    with pytest.raises(CompileError, match="dynamic shape") as error:
        emit_module(lowered)
    assert error.value.location is not None
