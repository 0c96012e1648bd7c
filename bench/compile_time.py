"""Compile time of `lower-to-affine`, and the `ref` executor against plain numpy.

Two measurements, each against a peer timed in the same run:

1. `lower-to-affine` on generated tensor programs of 10, 100 and 1,000 linalg ops
   (dense layers: matmul, bias add, ReLU, chained). Timed in-process, parsing
   excluded, and reported per linalg op: it must stay about flat as the program
   grows (linear compile time). The peer is real MLIR where installed: `mlir-opt`
   running the equivalent upstream pipeline (one-shot bufferization with function
   boundaries, convert-linalg-to-affine-loops, canonicalize, cse) on the same file,
   process start-up included.
2. The `ref` executor on a 512x512x512 f32 matmul and a 1x56x56x64 3x3 convolution
   with 64 filters (padding 1, written as a pad then a conv), against numpy doing
   the same arithmetic directly (`a @ b`; a sliding-window view and `tensordot`).

Run from the repository root with the project's interpreter:

    .venv/bin/python bench/compile_time.py [--sizes 10,100,1000] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ziggurat.parser import parse_module
from ziggurat.targets.ref import run_function
from ziggurat.tools.compile import Pipeline
from ziggurat.universe import load_registry

WIDTH = 16
"""Features of every generated layer: small, so the time is the compiler's, not the data's."""


def dense_chain(num_ops: int) -> str:
    """A tensor program with `num_ops` linalg ops: (fill, matmul, bias, relu) repeated."""
    t = f"tensor<8x{WIDTH}xf32>"
    lines = [
        f"func.func @net(%x: {t}, %w: tensor<{WIDTH}x{WIDTH}xf32>, %b: {t}) -> {t} {{",
        "  %zero = arith.constant 0.0 : f32",
    ]
    current, made = "%x", 0
    elementwise = (
        "linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, "
        "affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], "
        'iterator_types = ["parallel", "parallel"]}'
    )
    relu = (
        "linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, "
        "affine_map<(d0, d1) -> (d0, d1)>], "
        'iterator_types = ["parallel", "parallel"]}'
    )
    layer = 0
    while made < num_ops:
        n = f"{layer}"
        steps = [
            f"  %e{n} = tensor.empty() : {t}",
            f"  %f{n} = linalg.fill ins(%zero : f32) outs(%e{n} : {t}) -> {t}",
            f"  %m{n} = linalg.matmul ins({current}, %w : {t}, tensor<{WIDTH}x{WIDTH}xf32>) "
            f"outs(%f{n} : {t}) -> {t}",
            f"  %a{n} = {elementwise} ins(%m{n}, %b : {t}, {t}) outs(%e{n} : {t}) {{\n"
            "  ^bb0(%p: f32, %q: f32, %o: f32):\n"
            "    %s = arith.addf %p, %q : f32\n"
            "    linalg.yield %s : f32\n"
            f"  }} -> {t}",
            f"  %r{n} = {relu} ins(%a{n} : {t}) outs(%e{n} : {t}) {{\n"
            "  ^bb0(%p: f32, %o: f32):\n"
            "    %s = arith.maximumf %p, %zero : f32\n"
            "    linalg.yield %s : f32\n"
            f"  }} -> {t}",
        ]
        lines.append(steps[0])
        for step, name in zip(steps[1:], ("f", "m", "a", "r"), strict=True):
            if made == num_ops:
                break
            lines.append(step)
            current = f"%{name}{n}"
            made += 1
        layer += 1
    lines += [f"  return {current} : {t}", "}"]
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def lower_to_affine_time(text: str, repeat: int) -> list[float]:
    registry = load_registry()
    times = []
    for _ in range(repeat):
        ctx = registry.make_context()
        module = parse_module(ctx, text, "bench.mlir")
        pipeline = Pipeline.parse(registry, "lower-to-affine")
        start = time.perf_counter()
        pipeline.run(ctx, module)
        times.append(time.perf_counter() - start)
    return times


MLIR_PIPELINE = [
    "--one-shot-bufferize=bufferize-function-boundaries",
    "--convert-linalg-to-affine-loops",
    "--canonicalize",
    "--cse",
]


def mlir_opt() -> str | None:
    for name in ("mlir-opt-22", "mlir-opt", "/usr/lib/llvm-22/bin/mlir-opt"):
        if found := shutil.which(name):
            return found
    return None


def mlir_opt_time(tool: str, text: str, repeat: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mlir"
        path.write_text(text)
        command = [tool, str(path), *MLIR_PIPELINE, "-o", str(Path(tmp) / "out.mlir")]
        return timed(lambda: subprocess.run(command, check=True), repeat)


def summary(times: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(times), "min_s": min(times)}


def compile_rows(sizes: list[int], repeat: int) -> list[dict[str, object]]:
    tool = mlir_opt()
    rows = []
    for size in sizes:
        text = dense_chain(size)
        ours = summary(lower_to_affine_time(text, repeat))
        row: dict[str, object] = {"linalg_ops": size, "ziggurat": ours}
        row["ziggurat_ms_per_op"] = 1000 * ours["median_s"] / size
        if tool:
            theirs = summary(mlir_opt_time(tool, text, repeat))
            row["mlir_opt"] = theirs
            row["ratio_vs_mlir_opt"] = ours["median_s"] / theirs["median_s"]
        rows.append(row)
    return rows


MATMUL = """
func.func @matmul(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x512xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<512x512xf32>) -> tensor<512x512xf32>
  %r = linalg.matmul ins(%a, %b : tensor<512x512xf32>, tensor<512x512xf32>)
                     outs(%c : tensor<512x512xf32>) -> tensor<512x512xf32>
  return %r : tensor<512x512xf32>
}
"""

CONV = """
func.func @conv(%x: tensor<1x56x56x64xf32>, %w: tensor<3x3x64x64xf32>) -> tensor<1x56x56x64xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x56x56x64xf32> to tensor<1x58x58x64xf32>
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
       ins(%p, %w : tensor<1x58x58x64xf32>, tensor<3x3x64x64xf32>)
       outs(%c : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  return %r : tensor<1x56x56x64xf32>
}
"""


def numpy_conv(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    # windows: N x H x W x C x KH x KW; contract C, KH, KW with w: KH x KW x C x F
    return np.tensordot(windows, w, axes=([3, 4, 5], [2, 0, 1]))


def executor_rows(repeat: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(0)
    registry = load_registry()
    rows = []
    a, b = (rng.uniform(-1, 1, (512, 512)).astype(np.float32) for _ in range(2))
    x = rng.uniform(-1, 1, (1, 56, 56, 64)).astype(np.float32)
    w = rng.uniform(-1, 1, (3, 3, 64, 64)).astype(np.float32)
    cases = [
        ("matmul 512x512x512 f32", MATMUL, [a, b], lambda: a @ b, 2 * 512**3),
        (
            "conv 1x56x56x64, 3x3x64x64",
            CONV,
            [x, w],
            lambda: numpy_conv(x, w),
            2 * 56 * 56 * 64 * 9 * 64,
        ),
    ]
    for label, text, args, peer, flops in cases:
        module = parse_module(registry.make_context(), text, "bench.mlir")
        got = run_function(module, args)[0]
        want = peer()
        error = float(np.max(np.abs(got - want)))
        ours = summary(timed(lambda m=module, a=args: run_function(m, a), repeat))
        theirs = summary(timed(peer, repeat))
        rows.append(
            {
                "case": label,
                "ref": ours,
                "numpy": theirs,
                "ratio_ref_vs_numpy": ours["median_s"] / theirs["median_s"],
                "ratio_best_ref_vs_numpy": ours["min_s"] / theirs["min_s"],
                "ref_gflops": flops / ours["median_s"] / 1e9,
                "max_abs_error": error,
            }
        )
    return rows


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10,100,1000", help="numbers of linalg ops")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "python": platform.python_version(),
        "command": " ".join(["python", *sys.argv]),
        "mlir_opt_pipeline": " ".join(MLIR_PIPELINE) if mlir_opt() else None,
        "lower_to_affine": compile_rows(sizes, args.repeat),
        "ref_executor": executor_rows(args.repeat),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['date']}  {result['machine']}, Python {result['python']}")
    print("\nlower-to-affine (median of runs, parsing excluded)")
    print("| linalg ops | ziggurat | ms per op | mlir-opt (process) | ziggurat / mlir-opt |")
    print("|---|---|---|---|---|")
    for row in result["lower_to_affine"]:
        theirs = row.get("mlir_opt")
        print(
            f"| {row['linalg_ops']} | {row['ziggurat']['median_s']:.3f} s "
            f"| {row['ziggurat_ms_per_op']:.2f} "
            f"| {theirs['median_s']:.3f} s | {row['ratio_vs_mlir_opt']:.1f}x |"
            if theirs
            else f"| {row['linalg_ops']} | {row['ziggurat']['median_s']:.3f} s "
            f"| {row['ziggurat_ms_per_op']:.2f} | n/a | n/a |"
        )
    print("\nref executor against numpy (median of runs)")
    print(
        "| case | ref | numpy | ref / numpy | best ref / best numpy | ref GFLOP/s | max abs error |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in result["ref_executor"]:
        print(
            f"| {row['case']} | {row['ref']['median_s']:.3f} s | {row['numpy']['median_s']:.3f} s "
            f"| {row['ratio_ref_vs_numpy']:.2f}x | {row['ratio_best_ref_vs_numpy']:.2f}x "
            f"| {row['ref_gflops']:.1f} | {row['max_abs_error']:.2e} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
