"""The CUDA target on one GPU: GEMMs, a conv and an elementwise chain against torch, same run.

Cases, each a tensor-level MLIR program lowered by `cuda-pipeline` (the pipeline
`ziggurat-run --target cuda` uses), emitted as one `.cu`, built by nvcc for the GPU
present and called through ctypes on numpy arrays:

- f32 SGEMM M=N=K in --sizes against cuBLAS (`torch.matmul` on float32, TF32 off);
- bf16 x bf16 -> f32 GEMM (tensor cores, `cuda-matmul-kernel`'s WMMA path) against cuBLAS
  (`torch.matmul` on bfloat16 tensors, whose result is bf16: the same inputs and the
  same f32 accumulation, but half the bytes written);
- conv NHWC 1x56x56x64, 3x3x64x64, padding 1, then ReLU (`tensor.pad`,
  `linalg.conv_2d_nhwc_hwcf` and a generic; `cpu-conv-to-matmul` makes the conv im2col +
  a GEMM, and every kernel of the call counts: fills, padding, im2col, GEMM, ReLU) against
  `torch.nn.functional.conv2d` + `relu` on channels_last tensors (cuDNN, TF32 off,
  `cudnn.benchmark` on);
- y = relu(x * a + b) on --elements f32 values (three generics, fused into one kernel)
  against a device-to-device copy of x (`torch.clone`: the same 8 bytes moved per
  element, the bound for this chain), and torch's own eager chain.

"ours" is the sum of the CUDA-event times of every kernel of one call (the launcher
times each launch when timing is on), not the allocations and host copies around them;
the peer's is CUDA events around its call on tensors already on the GPU. Both are the
median of --repeat runs after --warmup runs. End-to-end times are wall-clock medians of
one call from host numpy arrays to a host numpy result: ours is the launcher as
`ziggurat-run` calls it (device allocation, copies in and out), the peer's uploads the
same arrays with torch, runs and copies the result back. Every result is checked
against torch's (the largest difference over the largest value; the tolerance is
printed); a case that fails to build or run is reported, and the others go on.

    .venv/bin/python bench/cuda_matmul.py [--sizes 1024 2048 4096 8192] [--repeat 10]
    .venv/bin/python bench/cuda_matmul.py --quick               # small sizes
    .venv/bin/python bench/cuda_matmul.py --json OUT.json       # also write the results
    .venv/bin/python bench/cuda_matmul.py --dry-run [--quick]   # lower + nvcc only, no GPU

Exit status: 0, 1 when a case failed or gave a wrong result, 2 without torch or a GPU.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ziggurat.diagnostics import CompileError
from ziggurat.targets.cuda import toolchain
from ziggurat.targets.cuda.emit import emit_module
from ziggurat.targets.cuda.runtime import CudaExecutor, lower_for_cuda
from ziggurat.tools.compile import parse_source
from ziggurat.universe import load_registry

SIZES = [1024, 2048, 4096, 8192]
QUICK_SIZES = [512, 1024]
BF16_SIZE, QUICK_BF16_SIZE = 4096, 1024
ELEMENTS, QUICK_ELEMENTS = 1 << 26, 1 << 22
CONV = (56, 56, 64, 3, 64)
"""H, W, C, kernel size, filters; batch 1, padding 1."""
SCALE, SHIFT = 1.5, -0.25
"""a and b of the elementwise chain."""
DRY_RUN_ARCHS = ["sm_80", "sm_90"]
CASES = ("sgemm", "bf16", "conv", "elementwise")


# ---------------------------------------------------------------------------------
# The programs
# ---------------------------------------------------------------------------------


def matmul_text(n: int, element: str) -> str:
    """C = A B on n x n tensors: f32 x f32 -> f32, or bf16 x bf16 -> f32."""
    ab, c = f"tensor<{n}x{n}x{element}>", f"tensor<{n}x{n}xf32>"
    return (
        f"func.func @gemm(%a: {ab}, %b: {ab}) -> {c} {{\n"
        "  %zero = arith.constant 0.0 : f32\n"
        f"  %e = tensor.empty() : {c}\n"
        f"  %i = linalg.fill ins(%zero : f32) outs(%e : {c}) -> {c}\n"
        f"  %c = linalg.matmul ins(%a, %b : {ab}, {ab}) outs(%i : {c}) -> {c}\n"
        f"  return %c : {c}\n}}\n"
    )


def conv_text() -> str:
    h, w, c, r, f = CONV
    x, p = f"tensor<1x{h}x{w}x{c}xf32>", f"tensor<1x{h + 2}x{w + 2}x{c}xf32>"
    k, y = f"tensor<{r}x{r}x{c}x{f}xf32>", f"tensor<1x{h}x{w}x{f}xf32>"
    nhwc = "affine_map<(n, h, w, c) -> (n, h, w, c)>"
    return (
        f"func.func @conv_relu(%x: {x}, %k: {k}) -> {y} {{\n"
        "  %zero = arith.constant 0.0 : f32\n"
        "  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {\n"
        "  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):\n"
        "    tensor.yield %zero : f32\n"
        f"  }} : {x} to {p}\n"
        f"  %e = tensor.empty() : {y}\n"
        f"  %i = linalg.fill ins(%zero : f32) outs(%e : {y}) -> {y}\n"
        "  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,\n"
        "                                    strides = dense<1> : tensor<2xi64>}\n"
        f"      ins(%p, %k : {p}, {k}) outs(%i : {y}) -> {y}\n"
        f"  %r = linalg.generic {{indexing_maps = [{nhwc}, {nhwc}],\n"
        '                       iterator_types = ["parallel", "parallel", "parallel", '
        '"parallel"]}\n'
        f"      ins(%conv : {y}) outs(%e : {y}) {{\n"
        "  ^bb0(%v: f32, %o: f32):\n"
        "    %m = arith.maximumf %v, %zero : f32\n"
        "    linalg.yield %m : f32\n"
        f"  }} -> {y}\n"
        f"  return %r : {y}\n}}\n"
    )


def elementwise_text(n: int) -> str:
    """relu(x * a + b) as three generics: the pipeline must fuse them into one kernel."""
    t = f"tensor<{n}xf32>"
    ident = "affine_map<(d0) -> (d0)>"

    def generic(name: str, source: str, body: str) -> str:
        return (
            f"  {name} = linalg.generic {{indexing_maps = [{ident}, {ident}], "
            'iterator_types = ["parallel"]}\n'
            f"      ins({source} : {t}) outs(%e : {t}) {{\n"
            "  ^bb0(%v: f32, %o: f32):\n"
            f"    %r = {body}\n"
            "    linalg.yield %r : f32\n"
            f"  }} -> {t}\n"
        )

    return (
        f"func.func @axpb_relu(%x: {t}) -> {t} {{\n"
        f"  %a = arith.constant {SCALE:.6e} : f32\n"
        f"  %b = arith.constant {SHIFT:.6e} : f32\n"
        "  %zero = arith.constant 0.0 : f32\n"
        f"  %e = tensor.empty() : {t}\n"
        + generic("%ax", "%x", "arith.mulf %v, %a : f32")
        + generic("%axb", "%ax", "arith.addf %v, %b : f32")
        + generic("%y", "%axb", "arith.maximumf %v, %zero : f32")
        + f"  return %y : {t}\n}}\n"
    )


# ---------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------


@dataclass
class Peer:
    """One thing ours is compared with: a call on GPU tensors, and one from host arrays."""

    name: str
    device_call: Callable[[], Any]
    host_call: Callable[[], Any] | None = None


@dataclass
class Case:
    name: str
    text: str
    entry: str
    work: float
    """FLOPs (unit GFLOP/s) or bytes moved (unit GB/s) per call."""
    unit: str
    tolerance: float
    inputs: Callable[[], list[np.ndarray]] = field(repr=False, default=list)
    peers: Callable[[list[np.ndarray]], tuple[list[Peer], np.ndarray]] | None = field(
        repr=False, default=None
    )
    """Given our inputs: the peers (inputs uploaded) and the reference result, on the host."""


def _normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.standard_normal(shape, dtype=np.float32)


def sgemm_case(n: int) -> Case:
    def inputs() -> list[np.ndarray]:
        rng = np.random.default_rng(0)
        return [_normal(rng, (n, n)), _normal(rng, (n, n))]

    def peers(args: list[np.ndarray]) -> tuple[list[Peer], np.ndarray]:
        import torch

        a, b = (torch.from_numpy(x).cuda() for x in args)
        want = torch.matmul(a, b).cpu().numpy()

        def host() -> np.ndarray:
            da, db = (torch.from_numpy(x).cuda() for x in args)
            return torch.matmul(da, db).cpu().numpy()

        return [Peer("cuBLAS (torch.matmul f32)", lambda: torch.matmul(a, b), host)], want

    return Case(
        f"SGEMM {n}^3 f32",
        matmul_text(n, "f32"),
        "gemm",
        2.0 * n**3,
        "GFLOP/s",
        tolerance=1e-4,
        inputs=inputs,
        peers=peers,
    )


def bf16_case(n: int) -> Case:
    import ml_dtypes

    def inputs() -> list[np.ndarray]:
        rng = np.random.default_rng(0)
        return [_normal(rng, (n, n)).astype(ml_dtypes.bfloat16) for _ in range(2)]

    def peers(args: list[np.ndarray]) -> tuple[list[Peer], np.ndarray]:
        import torch

        def upload(x: np.ndarray) -> Any:
            return torch.from_numpy(x.view(np.int16)).cuda().view(torch.bfloat16)

        a, b = upload(args[0]), upload(args[1])
        # The exact products of bf16 values, summed in f32: what a bf16 -> f32 GEMM computes.
        want = torch.matmul(a.float(), b.float()).cpu().numpy()

        def host() -> Any:
            da, db = upload(args[0]), upload(args[1])
            return torch.matmul(da, db).cpu()

        return [Peer("cuBLAS (torch.matmul bf16)", lambda: torch.matmul(a, b), host)], want

    return Case(
        f"GEMM {n}^3 bf16 -> f32",
        matmul_text(n, "bf16"),
        "gemm",
        2.0 * n**3,
        "GFLOP/s",
        tolerance=1e-3,
        inputs=inputs,
        peers=peers,
    )


def conv_case() -> Case:
    h, w, c, r, f = CONV

    def inputs() -> list[np.ndarray]:
        rng = np.random.default_rng(0)
        return [_normal(rng, (1, h, w, c)), _normal(rng, (r, r, c, f))]

    def peers(args: list[np.ndarray]) -> tuple[list[Peer], np.ndarray]:
        import torch
        import torch.nn.functional as F

        def upload(x: np.ndarray, k: np.ndarray) -> tuple[Any, Any]:
            # NHWC permuted to NCHW is channels_last already; HWCF -> OIHW, channels_last.
            dx = torch.from_numpy(x).cuda().permute(0, 3, 1, 2)
            dk = torch.from_numpy(k).cuda().permute(3, 2, 0, 1)
            return dx, dk.contiguous(memory_format=torch.channels_last)

        def conv(dx: Any, dk: Any) -> Any:
            return F.relu(F.conv2d(dx, dk, padding=1))

        dx, dk = upload(*args)
        want = conv(dx, dk).permute(0, 2, 3, 1).contiguous().cpu().numpy()

        def host() -> np.ndarray:
            return conv(*upload(*args)).permute(0, 2, 3, 1).contiguous().cpu().numpy()

        return [Peer("cuDNN (conv2d + relu, channels_last)", lambda: conv(dx, dk), host)], want

    name = f"conv 1x{h}x{w}x{c}, {r}x{r}x{c}x{f}, pad 1, + ReLU"
    return Case(
        name,
        conv_text(),
        "conv_relu",
        2.0 * h * w * f * r * r * c,
        "GFLOP/s",
        tolerance=1e-4,
        inputs=inputs,
        peers=peers,
    )


def elementwise_case(n: int) -> Case:
    def inputs() -> list[np.ndarray]:
        return [_normal(np.random.default_rng(0), (n,))]

    def peers(args: list[np.ndarray]) -> tuple[list[Peer], np.ndarray]:
        import torch

        x = torch.from_numpy(args[0]).cuda()

        def chain(v: Any) -> Any:
            return torch.relu(v * SCALE + SHIFT)

        want = chain(x).cpu().numpy()

        def host() -> np.ndarray:
            return chain(torch.from_numpy(args[0]).cuda()).cpu().numpy()

        return [
            Peer("device-to-device copy (torch clone)", lambda: x.clone()),
            Peer("torch eager relu(x * a + b)", lambda: chain(x), host),
        ], want

    label = f"{n // (1 << 20)}M" if n % (1 << 20) == 0 else str(n)
    return Case(
        f"relu(x * a + b), {label} f32",
        elementwise_text(n),
        "axpb_relu",
        8.0 * n,
        "GB/s",
        tolerance=1e-5,
        inputs=inputs,
        peers=peers,
    )


def cases(args: argparse.Namespace) -> list[Case]:
    chosen: list[Case] = []
    if "sgemm" in args.cases:
        chosen += [sgemm_case(n) for n in args.sizes]
    if "bf16" in args.cases:
        chosen.append(bf16_case(args.bf16_size))
    if "conv" in args.cases:
        chosen.append(conv_case())
    if "elementwise" in args.cases:
        chosen.append(elementwise_case(args.elements))
    return chosen


def parse(case: Case):
    return parse_source(load_registry().make_context(), case.text, f"{case.entry}.mlir")


# ---------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------


def max_error(got: np.ndarray, want: np.ndarray) -> float:
    """The largest difference over the largest value of the reference."""
    got, want = np.asarray(got, dtype=np.float32), np.asarray(want, dtype=np.float32)
    if got.shape != want.shape:
        return float("inf")
    scale = float(np.abs(want).max()) or 1.0
    return float(np.abs(got - want).max()) / scale


def time_ours(case: Case, args: list[np.ndarray], warmup: int, repeat: int) -> dict[str, Any]:
    executor = CudaExecutor()
    start = time.perf_counter()
    call = executor.prepare(parse(case), case.entry)
    build_s = time.perf_counter() - start
    function = executor.function
    assert function is not None
    result = call(args)[0]
    for _ in range(max(warmup - 1, 0)):
        call(args)
    kernel_ms: list[float] = []
    wall_ms: list[float] = []
    per_kernel: dict[str, float] = {}
    for _ in range(repeat):
        function.reset_times()
        start = time.perf_counter()
        call(args)
        wall_ms.append((time.perf_counter() - start) * 1e3)
        times = function.kernel_times()
        if not times or sum(times.values()) <= 0:
            raise RuntimeError("the launcher recorded no kernel times (timing is off?)")
        kernel_ms.append(sum(times.values()))
        for name, ms in times.items():
            per_kernel[name] = per_kernel.get(name, 0.0) + ms / repeat
    return {
        "result": result,
        "build_s": build_s,
        "kernel_ms": statistics.median(kernel_ms),
        "e2e_ms": statistics.median(wall_ms),
        "kernels": per_kernel,
    }


def time_device(call: Callable[[], Any], warmup: int, repeat: int) -> float:
    """Median milliseconds of `call` by CUDA events on the current stream."""
    import torch

    for _ in range(warmup):
        call()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        call()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def time_host(call: Callable[[], Any], warmup: int, repeat: int) -> float:
    """Median wall-clock milliseconds of `call`, which ends with its result on the host."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def first_line(error: BaseException) -> str:
    text = error.message if isinstance(error, CompileError) else str(error)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    head = lines[0] if lines else ""
    return f"{type(error).__name__}: {head}"[:300].replace("|", "/")  # keeps the table whole


def measure(case: Case, warmup: int, repeat: int) -> list[dict[str, Any]]:
    """One row per peer; where ours fails, its error in each row and the peers still timed."""
    import torch

    base: dict[str, Any] = {"case": case.name, "unit": case.unit, "work": case.work}
    print(f"# {case.name}", file=sys.stderr, flush=True)
    try:
        args = case.inputs()
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        return [{**base, "peer": "-", "error": f"inputs: {first_line(error)}"}]
    result = None
    try:
        ours = time_ours(case, args, warmup, repeat)
        result = ours.pop("result")
        base.update({f"ours_{k}": v for k, v in ours.items()})
    except Exception as error:  # a failed case is a row, not the end of the run
        traceback.print_exc(file=sys.stderr)
        base["error"] = f"ours: {first_line(error)}"
    rows: list[dict[str, Any]] = []
    try:
        assert case.peers is not None
        peers, want = case.peers(args)
        if result is not None:
            err = max_error(result, want)
            base.update(max_error=err, tolerance=case.tolerance, ok=bool(err <= case.tolerance))
        del result, want
        for peer in peers:
            row = {**base, "peer": peer.name}
            row["peer_ms"] = time_device(peer.device_call, warmup, repeat)
            if peer.host_call is not None:
                row["peer_e2e_ms"] = time_host(peer.host_call, 1, repeat)
            if "ours_kernel_ms" in base:
                row["ratio"] = row["peer_ms"] / base["ours_kernel_ms"]
            rows.append(row)
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        message = f"peer: {first_line(error)}"
        if "error" in base:
            message = f"{base['error']}; {message}"
        rows.append({**base, "peer": "-", "error": message})
    finally:
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
    return rows


# ---------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------


def rate(work: float, unit: str, ms: float) -> str:
    """GFLOP/s or GB/s: work per second over 1e9 either way."""
    value = work / ms / 1e6
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| case | peer | ours ms (kernels) | peer ms | ours | peer | ours / peer "
        "| ours end-to-end ms | peer end-to-end ms | max error (tolerance) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            peer_ms = f"{r['peer_ms']:.3f}" if "peer_ms" in r else "-"
            peer_rate = rate(r["work"], r["unit"], r["peer_ms"]) if "peer_ms" in r else "-"
            peer_e2e = f"{r['peer_e2e_ms']:.3f}" if "peer_e2e_ms" in r else "-"
            lines.append(
                f"| {r['case']} | {r['peer']} | failed: {r['error']} | {peer_ms} | - "
                f"| {peer_rate} | - | - | {peer_e2e} | - |"
            )
            continue
        check = f"{r['max_error']:.1e} ({r['tolerance']:.0e})"
        if not r["ok"]:
            check += " WRONG"
        peer_e2e = f"{r['peer_e2e_ms']:.3f}" if "peer_e2e_ms" in r else "-"
        lines.append(
            f"| {r['case']} | {r['peer']} | {r['ours_kernel_ms']:.3f} | {r['peer_ms']:.3f} "
            f"| {rate(r['work'], r['unit'], r['ours_kernel_ms'])} "
            f"| {rate(r['work'], r['unit'], r['peer_ms'])} | {r['ratio']:.2f} "
            f"| {r['ours_e2e_ms']:.3f} | {peer_e2e} | {check} |"
        )
    return "\n".join(lines)


def save(path: Path | None, meta: dict[str, Any], rows: list[dict[str, Any]], complete: bool):
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**meta, "complete": complete, "rows": rows}, indent=2) + "\n")


def command_line() -> str:
    return " ".join(["bench/cuda_matmul.py", *sys.argv[1:]])


def nvcc_version() -> str:
    nvcc = toolchain.find_tool("nvcc")
    if nvcc is None:
        return "nvcc not found"
    import subprocess

    out = subprocess.run([nvcc, "--version"], capture_output=True, text=True, check=False)
    release = [line for line in out.stdout.splitlines() if "release" in line]
    return release[-1].split("release")[-1].strip().split(",")[0] if release else "nvcc ?"


# ---------------------------------------------------------------------------------
# --dry-run: lower, emit and compile only
# ---------------------------------------------------------------------------------


def dry_run(chosen: list[Case], archs: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for case in chosen:
        for arch in archs:
            row: dict[str, Any] = {"case": case.name, "arch": arch}
            try:
                start = time.perf_counter()
                lowered = lower_for_cuda(parse(case), int(arch.removeprefix("sm_")))
                source = emit_module(lowered)
                row["lower_s"] = time.perf_counter() - start
                start = time.perf_counter()
                cubin = toolchain.compile_cubin(source, arch)
                toolchain.compile_cuda_library(source, arch)
                row["nvcc_s"] = time.perf_counter() - start
                row["kernels"] = {
                    name: {
                        "registers": k.registers,
                        "spills": k.spill_stores + k.spill_loads,
                        "shared_bytes": k.shared_bytes,
                    }
                    for name, k in sorted(cubin.kernels.items())
                }
            except Exception as error:
                traceback.print_exc(file=sys.stderr)
                row["error"] = first_line(error)
            rows.append(row)
    return rows


def dry_run_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| case | arch | lower + emit s | nvcc s (0 when cached) "
        "| kernels: registers / spill bytes / shared bytes |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['case']} | {r['arch']} | failed: {r['error']} | - | - |")
            continue
        kernels = "; ".join(
            f"{name} {k['registers']} / {k['spills']} / {k['shared_bytes']}"
            for name, k in r["kernels"].items()
        )
        lines.append(
            f"| {r['case']} | {r['arch']} | {r['lower_s']:.2f} | {r['nvcc_s']:.2f} | {kernels} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------


def no_gpu() -> str | None:
    """Why the measured run cannot happen here, or None."""
    try:
        import torch
    except ImportError:
        return "torch is not installed (it provides the cuBLAS/cuDNN peers)"
    if not torch.cuda.is_available():
        return "torch sees no CUDA GPU"
    return toolchain.no_gpu_reason()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", help=f"SGEMM sizes (default {SIZES})")
    parser.add_argument("--bf16-size", type=int, help=f"bf16 GEMM size (default {BF16_SIZE})")
    parser.add_argument("--elements", type=int, help=f"elementwise length (default {ELEMENTS})")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--repeat", type=int, default=10, help="timed runs (median)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--json", metavar="OUT", type=Path, help="write the results here too")
    parser.add_argument(
        "--dry-run", action="store_true", help="lower, emit and nvcc-compile only (no GPU)"
    )
    parser.add_argument(
        "--arch",
        nargs="+",
        default=DRY_RUN_ARCHS,
        help="--dry-run's targets (default: %(default)s)",
    )
    args = parser.parse_args()
    if args.repeat < 1 or args.warmup < 1:
        parser.error("--repeat and --warmup must be at least 1")
    args.sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    args.bf16_size = args.bf16_size or (QUICK_BF16_SIZE if args.quick else BF16_SIZE)
    args.elements = args.elements or (QUICK_ELEMENTS if args.quick else ELEMENTS)
    meta: dict[str, Any] = {
        "date": datetime.date.today().isoformat(),
        "command": command_line(),
        "nvcc": nvcc_version(),
        "python": platform.python_version(),
        "dry_run": args.dry_run,
    }
    if args.dry_run:
        rows = dry_run(cases(args), args.arch)
        print(
            f"{meta['date']}, dry run (no GPU used), nvcc {meta['nvcc']}. "
            f"Command: `{meta['command']}`\n"
        )
        print(dry_run_table(rows))
        failed = any("error" in r for r in rows)
    else:
        reason = no_gpu()
        if reason is not None:
            print(
                f"cuda_matmul: cannot measure: {reason}; --dry-run needs neither torch nor a GPU",
                file=sys.stderr,
            )
            sys.exit(2)
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
        major, minor = torch.cuda.get_device_capability(0)
        meta.update(
            device=torch.cuda.get_device_name(0),
            arch=f"sm_{major}{minor}",
            torch=torch.__version__,
            torch_cuda=torch.version.cuda,
            repeat=args.repeat,
            warmup=args.warmup,
        )
        rows = []
        for case in cases(args):
            rows += measure(case, args.warmup, args.repeat)
            save(args.json, meta, rows, complete=False)  # a run cut short keeps its rows
        print(
            f"{meta['date']}, {meta['device']} ({meta['arch']}), torch {meta['torch']} "
            f"(CUDA {meta['torch_cuda']}), nvcc {meta['nvcc']}; median of {args.repeat} runs "
            f"after {args.warmup} warm-up runs. Command: `{meta['command']}`\n"
        )
        print(table(rows))
        failed = any("error" in r or not r.get("ok", False) for r in rows)
    save(args.json, meta, rows, complete=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
