"""f32 matmul on the C target: `cpu-matmul-kernel` vs numpy (OpenBLAS), same run, same machine.

For each size and thread count: our kernel (cpu-matmul-kernel, compiled by the C target,
OMP threads set through the runtime), the naive lowering (lower-to-loops, no kernel pass)
and numpy, whose BLAS threads are fixed by OPENBLAS_NUM_THREADS in a subprocess (threadpoolctl
is not installed). Results are checked against numpy before anything is timed. GFLOP/s is
2*M*N*K / best time over the repeats.

The ResNet-style conv (1x56x56x64, 3x3, 64 filters, on the input padded by 1) is the
`linalg.conv_2d_nhwc_hwcf` op itself, compiled through CONV_PIPELINE: `cpu-conv-to-matmul`
turns it into an im2col copy and a 3136x576x64 matmul, which `cpu-matmul-kernel` turns into
the kernel (the im2col copy is in our timed region). The numpy peer is im2col in numpy
followed by the BLAS matmul; the naive row is the conv op through lower-to-loops.

    .venv/bin/python bench/cpu_matmul.py [--sizes 256 512 1024 2048] [--threads 1 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from ziggurat.parser import parse_module
from ziggurat.targets.c.call import compile_module
from ziggurat.tools.compile import Pipeline
from ziggurat.universe import load_registry

REGISTRY = load_registry()
CONV = (56, 56, 64, 3, 64)  # H, W, C, kernel size, filters; batch 1, padding 1
CONV_PIPELINE = "ziggurat-bufferize,cpu-conv-to-matmul,cpu-matmul-kernel,cpu-pipeline"
"""cpu-pipeline (which runs the same passes first, finding nothing left) lowers the rest."""


def matmul_text(m: int, k: int, n: int) -> str:
    a, b, c = f"memref<{m}x{k}xf32>", f"memref<{k}x{n}xf32>", f"memref<{m}x{n}xf32>"
    return (
        f"func.func @mm(%a: {a}, %b: {b}, %c: {c}) {{\n"
        f"  linalg.matmul ins(%a, %b : {a}, {b}) outs(%c : {c})\n"
        "  return\n}\n"
    )


def conv_text() -> str:
    h, w, c, r, f = CONV
    x, k = f"memref<1x{h + 2}x{w + 2}x{c}xf32>", f"memref<{r}x{r}x{c}x{f}xf32>"
    y = f"memref<1x{h}x{w}x{f}xf32>"
    return (
        f"func.func @conv(%x: {x}, %k: {k}, %y: {y}) {{\n"
        f"  linalg.conv_2d_nhwc_hwcf ins(%x, %k : {x}, {k}) outs(%y : {y})\n"
        "  return\n}\n"
    )


def compiled(text: str, pipeline: str, threads: int):
    module = parse_module(REGISTRY.make_context(), text, "bench.mlir")
    Pipeline.parse(REGISTRY, pipeline).run(REGISTRY.make_context(), module)
    return compile_module(module, threads=threads)


def best_time(call, repeat: int) -> float:
    call()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def im2col(x: np.ndarray) -> np.ndarray:
    """Padded NHWC input (batch 1) -> (H*W, 3*3*C) rows, in HWCF filter order."""
    h, w, c, r, _ = CONV
    cols = np.empty((h, w, r, r, c), dtype=np.float32)
    for dy in range(r):
        for dx in range(r):
            cols[:, :, dy, dx, :] = x[0, dy : dy + h, dx : dx + w, :]
    return cols.reshape(h * w, r * r * c)


def numpy_worker(case: str, repeat: int) -> float:
    """Best numpy time for `case` (run in a subprocess with OPENBLAS_NUM_THREADS set)."""
    rng = np.random.default_rng(0)
    if case == "conv":
        h, w, c, r, f = CONV
        x = rng.standard_normal((1, h + 2, w + 2, c), dtype=np.float32)
        k = rng.standard_normal((r * r * c, f), dtype=np.float32)
        return best_time(lambda: im2col(x) @ k, repeat)
    n = int(case)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return best_time(lambda: a @ b, repeat)


def numpy_time(case: str, threads: int, repeat: int) -> float:
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run(
        [sys.executable, __file__, "--numpy-worker", case, "--repeat", str(repeat)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


def check(got: np.ndarray, want: np.ndarray, what: str) -> None:
    scale = float(np.abs(want).max()) or 1.0
    err = float(np.abs(got - want).max()) / scale
    if err > 1e-4:
        raise SystemExit(f"{what}: wrong result (max error {err:.2e} of the largest value)")


def bench_matmul(n: int, threads: int, repeat: int, naive: bool) -> dict:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    want = a @ b
    text = matmul_text(n, n, n)
    ours = compiled(text, "cpu-matmul-kernel", threads)
    c = np.zeros((n, n), dtype=np.float32)
    ours([a, b, c])
    check(c, want, f"kernel {n}")
    flops = 2.0 * n**3
    row = {"case": f"matmul {n}^3", "threads": threads, "flops": flops}
    row["ours_s"] = best_time(lambda: ours([a, b, c]), repeat)
    row["numpy_s"] = numpy_time(str(n), threads, repeat)
    if naive:
        plain = compiled(text, "lower-to-loops", threads)
        c[...] = 0
        plain([a, b, c])
        check(c, want, f"naive {n}")
        row["naive_s"] = best_time(lambda: plain([a, b, c]), 1)
    return row


def bench_conv(threads: int, repeat: int, naive: bool) -> dict:
    h, w, c, r, f = CONV
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, h + 2, w + 2, c), dtype=np.float32)
    k = rng.standard_normal((r, r, c, f), dtype=np.float32)
    want = (im2col(x) @ k.reshape(r * r * c, f)).reshape(1, h, w, f)
    ours = compiled(conv_text(), CONV_PIPELINE, threads)
    out = np.zeros((1, h, w, f), dtype=np.float32)
    ours([x, k, out])
    check(out, want, "kernel conv")

    def run_ours() -> None:
        ours([x, k, out])

    row = {"case": "conv 56x56x64 3x3x64 (cpu-conv-to-matmul)", "threads": threads}
    row["flops"] = 2.0 * h * w * f * r * r * c
    row["ours_s"] = best_time(run_ours, repeat)
    row["numpy_s"] = numpy_time("conv", threads, repeat)
    if naive:
        plain = compiled(conv_text(), "lower-to-loops", threads)
        out[...] = 0
        plain([x, k, out])
        check(out, want, "naive conv")
        row["naive_s"] = best_time(lambda: plain([x, k, out]), 1)
    return row


def table(rows: list[dict]) -> str:
    lines = [
        "| case | threads | ours GFLOP/s | numpy GFLOP/s | ours/numpy | naive GFLOP/s |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ours, ref = row["flops"] / row["ours_s"] / 1e9, row["flops"] / row["numpy_s"] / 1e9
        naive = f"{row['flops'] / row['naive_s'] / 1e9:.2f}" if "naive_s" in row else "-"
        lines.append(
            f"| {row['case']} | {row['threads']} | {ours:.1f} | {ref:.1f} | {ours / ref:.2f} "
            f"| {naive} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--naive-max", type=int, default=1024, help="largest size timed with the naive lowering"
    )
    parser.add_argument("--no-conv", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--numpy-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.numpy_worker:
        print(numpy_worker(args.numpy_worker, args.repeat))
        return
    rows = []
    for threads in args.threads:
        for n in args.sizes:
            rows.append(bench_matmul(n, threads, args.repeat, n <= args.naive_max))
        if not args.no_conv:
            rows.append(bench_conv(threads, args.repeat, True))
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(table(rows))


if __name__ == "__main__":
    main()
