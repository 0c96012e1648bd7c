"""The CUDA toolchain: hand-written `.cu` samples in the emitter's conventions, built by
nvcc for GPUs and by g++ against the CPU emulation, run and checked against numpy, and
run again under ThreadSanitizer, which must catch a missing `__syncthreads()`.

Each test needing a tool this machine lacks is skipped, naming the tool.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from gpu import require_gpu

from ziggurat.diagnostics import CompileError
from ziggurat.targets.cuda import toolchain
from ziggurat.targets.cuda.toolchain import KernelResources

SAMPLES = Path(__file__).parent / "cuda_samples"
SAMPLE_NAMES = ("transpose", "reduce", "wmma_gemm", "dp4a")
P = ctypes.c_void_p
I64 = ctypes.c_int64


def sample(name: str) -> str:
    return (SAMPLES / f"{name}.cu").read_text()


def ptr(array: np.ndarray) -> ctypes.c_void_p:
    return P(array.ctypes.data)


def need_cxx() -> None:
    compiler = os.environ.get("CXX") or "g++"
    if shutil.which(compiler.split()[0]) is None:
        pytest.skip(f"the C++ compiler '{compiler}' is not installed")


def need_tool(name: str) -> str:
    path = toolchain.find_tool(name)
    if path is None:
        pytest.skip(f"{name} not found (CUDA_HOME, PATH, /usr/local/cuda/bin, CUDA wheels)")
    return path


_LOADED: dict[str, ctypes.CDLL] = {}


def emulated(name: str) -> ctypes.CDLL:
    need_cxx()
    if name not in _LOADED:
        _LOADED[name] = ctypes.CDLL(str(toolchain.compile_emu_library(sample(name))))
    return _LOADED[name]


# ---------------------------------------------------------------------------------
# The samples run on the emulation
# ---------------------------------------------------------------------------------


def test_shared_memory_transpose_matches_numpy():
    lib = emulated("transpose")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((70, 45)).astype(np.float32)  # not multiples of the 32x32 tile
    out = np.full((45, 70), np.nan, np.float32)
    ms = ctypes.c_float(-1.0)
    assert lib.transpose(ptr(a), ptr(out), I64(70), I64(45), ctypes.byref(ms)) == 0
    np.testing.assert_array_equal(out, a.T)
    assert ms.value >= 0.0


@pytest.mark.parametrize(
    ("grid", "block", "error"),
    [
        (2, (1024, 1, 1), 0),
        (3, (8, 4, 2), 0),
        (1, (33, 1, 1), 0),
        (1, (1025, 1, 1), 9),
        (1, (32, 32, 2), 9),
        (1, (0, 1, 1), 9),
        (0, (32, 1, 1), 9),
    ],
)
def test_launch_configurations(grid, block, error):
    lib = emulated("transpose")
    count = ctypes.c_uint(0)
    message = ctypes.create_string_buffer(100)
    args = [ctypes.c_uint(v) for v in (grid, *block)]
    assert lib.count_threads(*args, ctypes.byref(count), message, I64(100)) == error
    if error:
        assert message.value == b"invalid configuration argument"
        assert count.value == 0
    else:
        assert message.value == b"no error"
        assert count.value == grid * block[0] * block[1] * block[2]


def test_warp_shuffle_sum_matches_numpy():
    lib = emulated("reduce")
    x = np.random.default_rng(1).random(50_000).astype(np.float32)
    result = ctypes.c_float(0.0)
    assert lib.reduce_sum(ptr(x), I64(x.size), I64(12), ctypes.byref(result)) == 0
    assert result.value == pytest.approx(float(x.astype(np.float64).sum()), rel=1e-5)


def expected_shuffles() -> np.ndarray:
    """What each shuffle form gives on a GPU, by CUDA's rules, for both warps of 64 threads."""
    rows = np.zeros((2, 8, 32), np.int64)
    for warp in range(2):
        own = (warp * 32 + np.arange(32)) * 10
        for lane in range(32):
            down = lane + 5
            rows[warp, 0, lane] = own[down] if down < 32 else own[lane]
            rows[warp, 1, lane] = own[lane - 3] if lane >= 3 else own[lane]
            rows[warp, 2, lane] = own[lane ^ 7]
            rows[warp, 3, lane] = own[(lane * 7) % 32]
            rows[warp, 4, lane] = own[lane + 2] if lane % 8 + 2 < 8 else own[lane]
            rows[warp, 5, lane] = own[lane - 1] if lane % 16 >= 1 else own[lane]
            rows[warp, 6, lane] = own[(lane // 8) * 8 + 3]
        rows[warp, 7, :] = sum(1 << lane for lane in range(32) if lane % 3 == 0)
    return rows


def test_shuffle_forms_follow_cuda():
    lib = emulated("reduce")
    out_i = np.zeros(2 * 8 * 32, np.int32)
    out_l = np.zeros(64, np.int64)
    out_d = np.zeros(64, np.float64)
    assert lib.shuffle_modes(ptr(out_i), ptr(out_l), ptr(out_d)) == 0
    np.testing.assert_array_equal(out_i.view(np.uint32).reshape(2, 8, 32), expected_shuffles())
    ids = np.arange(64)
    source = (ids // 32) * 32 + 31 - ids % 32
    np.testing.assert_array_equal(out_l, source.astype(np.int64) << 40)
    np.testing.assert_array_equal(out_d, (ids ^ 1) * 0.5)


@pytest.mark.parametrize("b_col_major", [0, 1])
def test_wmma_bf16_gemm_matches_numpy(b_col_major):
    lib = emulated("wmma_gemm")
    m, n, k, alpha = 32, 48, 64, 0.5
    rng = np.random.default_rng(2)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    b_given = np.ascontiguousarray(b.T) if b_col_major else b
    c = np.full((m, n), np.nan, np.float32)
    assert (
        lib.gemm_bf16(
            ptr(a), ptr(b_given), ptr(c), I64(m), I64(n), I64(k), ctypes.c_float(alpha), b_col_major
        )
        == 0
    )
    rounded_a = a.astype(ml_dtypes.bfloat16).astype(np.float64)
    rounded_b = b.astype(ml_dtypes.bfloat16).astype(np.float64)
    np.testing.assert_allclose(c, alpha * (rounded_a @ rounded_b), rtol=1e-5, atol=1e-5)


def test_bf16_conversion_rounds_to_nearest_even():
    lib = emulated("wmma_gemm")
    special = np.array(
        [0x3F808000, 0x3F818000, 0x3F80C000, 0xBF818000, 0x7F7FFFFF, 0x00000001, 0x80008000],
        np.uint32,
    ).view(np.float32)
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [special, [0.0, -0.0, np.inf, -np.inf], rng.standard_normal(300) * 1e3]
    ).astype(np.float32)
    bits = np.zeros(values.size, np.uint16)
    back = np.zeros(values.size, np.float32)
    assert lib.bf16_round(ptr(values), ptr(bits), ptr(back), I64(values.size)) == 0
    np.testing.assert_array_equal(bits, values.astype(ml_dtypes.bfloat16).view(np.uint16))
    np.testing.assert_array_equal(back, values.astype(ml_dtypes.bfloat16).astype(np.float32))
    nan = np.array([np.nan], np.float32)
    assert lib.bf16_round(ptr(nan), ptr(bits), ptr(back), I64(1)) == 0
    assert bits[0] == 0x7FFF  # CUDA's canonical bf16 NaN


def test_dp4a_matches_numpy():
    lib = emulated("dp4a")
    rng = np.random.default_rng(4)
    n = 1000
    a, b, c = (rng.integers(-(2**31), 2**31, n, dtype=np.int64).astype(np.int32) for _ in "abc")
    out_s = np.zeros(n, np.int32)
    out_u = np.zeros(n, np.uint32)
    assert lib.dp4a(ptr(a), ptr(b), ptr(c), ptr(out_s), ptr(out_u), I64(n)) == 0
    a8, b8 = a.view(np.int8).reshape(n, 4), b.view(np.int8).reshape(n, 4)
    signed = (a8.astype(np.int64) * b8).sum(axis=1) + c
    np.testing.assert_array_equal(out_s, signed.astype(np.int64).astype(np.int32))
    ua8, ub8 = a.view(np.uint8).reshape(n, 4), b.view(np.uint8).reshape(n, 4)
    unsigned = (ua8.astype(np.uint64) * ub8).sum(axis=1) + c.view(np.uint32)
    np.testing.assert_array_equal(out_u, (unsigned % 2**32).astype(np.uint32))


# ---------------------------------------------------------------------------------
# ThreadSanitizer
# ---------------------------------------------------------------------------------

# Run in a child Python whose start preloads the TSan runtime.
TSAN_CHILD = r"""
import ctypes, sys
import numpy as np
lib = ctypes.CDLL(sys.argv[2])
P, I64 = ctypes.c_void_p, ctypes.c_int64
ptr = lambda a: P(a.ctypes.data)
name = sys.argv[1]
if name == "transpose":
    a = np.arange(64 * 40, dtype=np.float32).reshape(64, 40)
    out = np.zeros((40, 64), np.float32)
    ms = ctypes.c_float()
    assert lib.transpose(ptr(a), ptr(out), I64(64), I64(40), ctypes.byref(ms)) == 0
    ok = bool((out == a.T).all())
elif name == "reduce":
    x = np.ones(5000, np.float32)
    r = ctypes.c_float()
    assert lib.reduce_sum(ptr(x), I64(x.size), I64(3), ctypes.byref(r)) == 0
    ok = r.value == 5000.0
elif name == "wmma_gemm":
    a = np.ones((32, 32), np.float32)
    c = np.zeros((32, 32), np.float32)
    assert lib.gemm_bf16(ptr(a), ptr(a), ptr(c), I64(32), I64(32), I64(32),
                         ctypes.c_float(1.0), 0) == 0
    ok = bool((c == 32.0).all())
print("RESULT", "ok" if ok else "wrong")
"""


def run_under_tsan(name: str, source: str) -> subprocess.CompletedProcess:
    need_cxx()
    if toolchain.tsan_runtime() is None:
        pytest.skip("the C++ compiler has no ThreadSanitizer runtime (libtsan.so)")
    library = toolchain.compile_emu_library(source, tsan=True)
    env = {**os.environ, **toolchain.tsan_environment()}
    return subprocess.run(
        [sys.executable, "-c", TSAN_CHILD, name, str(library)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("name", ["transpose", "reduce", "wmma_gemm"])
def test_tsan_finds_no_race_in_correct_kernels(name):
    done = run_under_tsan(name, sample(name))
    assert "ThreadSanitizer" not in done.stderr, done.stderr[-4000:]
    assert done.returncode == 0, done.stderr[-4000:]
    assert "RESULT ok" in done.stdout


def test_tsan_reports_a_missing_syncthreads():
    source = sample("transpose")
    assert source.count("  __syncthreads();\n") == 1
    done = run_under_tsan("transpose", source.replace("  __syncthreads();\n", ""))
    assert done.returncode == toolchain.TSAN_EXIT_CODE, done.stderr[-4000:]
    assert "ThreadSanitizer: data race" in done.stderr
    assert "transpose_k" in done.stderr


# ---------------------------------------------------------------------------------
# nvcc: cubins, ptxas resources, SASS, shared libraries
# ---------------------------------------------------------------------------------

KERNELS = {
    "transpose": {"transpose_k", "count_threads_k"},
    "reduce": {"block_sum_k", "shuffle_modes_k"},
    "wmma_gemm": {"to_bf16_k", "bf16_round_k", "wmma_gemm_k", "wmma_gemm_bt_k"},
    "dp4a": {"dp4a_k"},
}


@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_compiles_to_a_cubin(name, arch):
    need_tool("nvcc")
    result = toolchain.compile_cubin(sample(name), arch)
    assert result.path.exists() and result.path.stat().st_size > 0
    assert set(result.kernels) == KERNELS[name], result.ptxas_log
    for kernel, resources in result.kernels.items():
        assert 0 < resources.registers <= 255, kernel
        assert resources.spill_stores == resources.spill_loads == 0, kernel
        assert resources.stack_bytes >= 0
    if name == "transpose":
        assert result.kernels["transpose_k"].shared_bytes == 32 * 33 * 4
        assert result.kernels["count_threads_k"].shared_bytes == 0


def test_wmma_sass_uses_tensor_cores():
    need_tool("nvcc")
    for tool in ("cuobjdump", "nvdisasm"):
        if toolchain.find_tool(tool) is None:
            pytest.skip(f"{tool} not found (it comes with the nvidia-cuda-{tool} wheel)")
    cubin = toolchain.compile_cubin(sample("wmma_gemm"), "sm_90").path
    assert re.search(r"\bHMMA\.\w+\.F32\.BF16\b", toolchain.sass(cubin))


def test_ptxas_report_parsing():
    log = """\
ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function 'k0' for 'sm_90'
ptxas info    : Function properties for k0
    16 bytes stack frame, 8 bytes spill stores, 4 bytes spill loads
ptxas info    : Used 42 registers, used 1 barriers, 4224 bytes smem, 392 bytes cmem[0]
ptxas info    : Compile time = 6.315 ms
ptxas info    : Function properties for helper
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Compiling entry function 'k1' for 'sm_90'
ptxas info    : Function properties for k1
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 8 registers, used 0 barriers
"""
    assert toolchain.parse_ptxas_log(log) == {
        "k0": KernelResources(
            registers=42, spill_stores=8, spill_loads=4, shared_bytes=4224, stack_bytes=16
        ),
        "k1": KernelResources(
            registers=8, spill_stores=0, spill_loads=0, shared_bytes=0, stack_bytes=0
        ),
    }


def test_gpu_library_builds_and_runs_where_there_is_a_gpu():
    need_tool("nvcc")
    arch = toolchain.gpu_arch() or "sm_90"
    library = toolchain.compile_cuda_library(sample("transpose"), arch)
    assert library.exists() and library.with_suffix(".cu").exists()
    assert toolchain.compile_cuda_library(sample("transpose"), arch) == library
    require_gpu()
    lib = ctypes.CDLL(str(library))
    a = np.random.default_rng(5).standard_normal((70, 45)).astype(np.float32)
    out = np.zeros((45, 70), np.float32)
    ms = ctypes.c_float()
    assert lib.transpose(ptr(a), ptr(out), I64(70), I64(45), ctypes.byref(ms)) == 0
    np.testing.assert_array_equal(out, a.T)


# ---------------------------------------------------------------------------------
# The toolchain itself
# ---------------------------------------------------------------------------------


def test_gpu_probe_never_raises():
    arch, reason = toolchain.gpu_arch(), toolchain.no_gpu_reason()
    assert (arch is None) != (reason is None)
    if arch is not None:
        assert re.fullmatch(r"sm_\d+", arch)
    else:
        assert "\n" not in reason


def fake_tool(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    return tool


def test_find_tool_prefers_ziggurat_nvcc(tmp_path, monkeypatch):
    nvcc = fake_tool(tmp_path / "bin", "nvcc")
    ptxas = fake_tool(tmp_path / "bin", "ptxas")
    monkeypatch.setenv("ZIGGURAT_NVCC", str(nvcc))
    assert toolchain.find_tool("nvcc") == str(nvcc)
    assert toolchain.find_tool("ptxas") == str(ptxas)
    monkeypatch.setenv("ZIGGURAT_NVCC", str(tmp_path / "missing" / "nvcc"))
    assert toolchain.find_tool("nvcc") is None


def test_find_tool_searches_cuda_home_then_path_then_wheels(tmp_path, monkeypatch):
    monkeypatch.delenv("ZIGGURAT_NVCC", raising=False)
    name = "zg-test-tool"
    wheel = fake_tool(tmp_path / "site" / "nvidia" / "cu13" / "bin", name)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("CUDA_HOME", raising=False)
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site"), *sys.path])
    assert toolchain.find_tool(name) == str(wheel)
    on_path = fake_tool(tmp_path / "path", name)
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    assert toolchain.find_tool(name) == str(on_path)
    home = fake_tool(tmp_path / "cuda" / "bin", name)
    monkeypatch.setenv("CUDA_HOME", str(tmp_path / "cuda"))
    assert toolchain.find_tool(name) == str(home)
    assert toolchain.find_tool("zg-no-such-tool") is None


def test_emulation_builds_are_cached_by_content(tmp_path, monkeypatch):
    need_cxx()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    source = sample("dp4a")
    first = toolchain.compile_emu_library(source)
    assert first.parent == tmp_path / "ziggurat" / "cuda-emu"
    assert first.with_suffix(".cu").read_text() == source
    stamp = first.stat().st_mtime_ns
    assert toolchain.compile_emu_library(source) == first
    assert first.stat().st_mtime_ns == stamp
    assert toolchain.compile_emu_library(source + "\n") != first
    assert not list(first.parent.glob("*.tmp*"))


def test_compile_failures_are_compile_errors(tmp_path, monkeypatch):
    need_cxx()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(CompileError, match=r"cuda: g\+\+ failed on .*\.cu") as caught:
        toolchain.compile_emu_library("this is not C++")
    assert "error" in caught.value.message
    if toolchain.find_tool("nvcc") is not None:
        with pytest.raises(CompileError, match=r"cuda: nvcc failed on .*\.cu"):
            toolchain.compile_cubin("this is not CUDA", "sm_90")
    monkeypatch.setenv("ZIGGURAT_NVCC", str(tmp_path / "no" / "nvcc"))
    with pytest.raises(CompileError, match="nvcc not found"):
        toolchain.compile_cubin("", "sm_90")
