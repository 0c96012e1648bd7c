"""GEMM layers on the mxu simulator vs SCALE-Sim 3.0.0, in both dataflows, same run and machine.

For each layer and array size, weight-stationary: SCALE-Sim's cycle count (its config
file and a GEMM topology CSV, run in its own virtual environment because it needs
numpy < 2.4), the closed form ceil(K/R) * ceil(N/C) * (2R + M + C - 2), and ziggurat's
`mxu_schedule` + `simulate` on the machine without weight overlap (its `array_cycles`
must equal the closed form, which is SCALE-Sim's count plus one) and with double
buffering (array cycles and total cycles with every DMA transfer). Output-stationary:
SCALE-Sim with `Dataflow = os`, the closed form ceil(M/R) * ceil(N/C) * (R + C + K - 2),
and ziggurat's `dataflow="os"` schedule (`matmul_os`, A loaded transposed), whose
`array_cycles` must equal that closed form, again SCALE-Sim's count plus one. Results
are checked against numpy.

Wall times are the best of --repeat runs (ours: of at least 20, since each takes
milliseconds). SCALE-Sim's is measured inside its subprocess around `scalesim(...)` and
`run_scale()`: reading the config and topology, the simulation, and writing its three
small CSV reports (traces are not saved); the interpreter start and the imports are
excluded. Ours is `schedule_gemm`, relocating the stream into a DRAM image, and
`simulate` (validation, the functional run, the timing model and its row-hazard
checks), with OPENBLAS_NUM_THREADS=1 unless it is set: the simulator's tiles are small,
and BLAS threads only contend for a busy machine's cores. SCALE-Sim, which spends its
time elsewhere, runs with the BLAS default.

    .venv/bin/python bench/mxu_vs_scalesim.py [--json] [--repeat N] [--scalesim PYTHON]
    .venv/bin/python bench/mxu_vs_scalesim.py --setup   # create .venv-scalesim first
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # ours; before numpy is imported

import argparse
import csv
import datetime
import json
import math
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import DType, Halt, Instruction
from ziggurat.passes.mxu.schedule_gemm import GemmSpec, schedule_gemm
from ziggurat.targets.mxu.simulator import SimResult, simulate

ROOT = Path(__file__).resolve().parent.parent
OURS_REPEAT = 20
"""Our runs take milliseconds: the minimum of many is one that load spikes did not hit."""
SCALESIM_VENV = ROOT / ".venv-scalesim"
LAYERS = [(256, 256, 256), (64, 147, 64)]
"""(M, K, N): a square GEMM and a ResNet-50 conv1-like shape (7x7x3 = 147)."""
MACHINES: dict[int, MxuConfig] = {
    16: MxuConfig.preset("edge"),
    128: MxuConfig.preset("tpu-v1").with_options(
        rows=128, cols=128, scratchpad_kib=4096, accumulator_kib=1024
    ),
}
"""Array side -> machine: the edge preset, and TPU-v1 scaled to a 128 x 128 array."""

DRIVER = r"""
import json, sys, time
from scalesim.scale_sim import scalesim
config, topology, layout, out = sys.argv[1:5]
start = time.perf_counter()
sim = scalesim(save_disk_space=True, verbose=False, config=config, topology=topology,
               layout=layout, input_type_gemm=True)
sim.run_scale(top_path=out)
print(json.dumps({"run_s": time.perf_counter() - start}))
"""
"""Runs in SCALE-Sim's interpreter: one layer, timed around SCALE-Sim's own run."""


def scalesim_config(side: int, machine: MxuConfig, dataflow: str) -> str:
    """SCALE-Sim's config: the same array and SRAM sizes and dataflow, ideal DRAM."""
    half = machine.scratchpad_kib // 2
    return f"""[general]
run_name = layer

[architecture_presets]
ArrayHeight = {side}
ArrayWidth = {side}
IfmapSramSzkB = {half}
FilterSramSzkB = {half}
OfmapSramSzkB = {machine.accumulator_kib}
IfmapOffset = 0
FilterOffset = 10000000
OfmapOffset = 20000000
Bandwidth = 10
Dataflow = {dataflow}
ReadRequestBuffer = 32
WriteRequestBuffer = 32

[layout]
IfmapCustomLayout = False
IfmapSRAMBankBandwidth = 10
IfmapSRAMBankNum = 10
IfmapSRAMBankPort = 2
FilterCustomLayout = False
FilterSRAMBankBandwidth = 10
FilterSRAMBankNum = 10
FilterSRAMBankPort = 2

[sparsity]
SparsitySupport = false
SparseRep = ellpack_block
OptimizedMapping = false
BlockSize = 8
RandomNumberGeneratorSeed = 40

[run_presets]
InterfaceBandwidth = CALC
UseRamulatorTrace = False
"""


def run_scalesim(
    python: Path, side: int, layer: tuple[int, int, int], repeat: int, dataflow: str
) -> dict:
    """SCALE-Sim's cycles for the layer in `dataflow` (ws, os), and its best wall time."""
    m, k, n = layer
    with tempfile.TemporaryDirectory(prefix="scalesim-") as tmp:
        work = Path(tmp)
        (work / "scale.cfg").write_text(scalesim_config(side, MACHINES[side], dataflow))
        # GEMM topology rows are "name, M, N, K," (A is M x K, B is K x N).
        (work / "topology.csv").write_text(f"Layer, M, N, K,\nlayer, {m}, {n}, {k},\n")
        # A layout file is required even when no custom layout is used.
        (work / "layout.csv").write_text(
            "Layer," + ",".join(f"f{i}" for i in range(20)) + ",\nlayer," + "1," * 20 + "\n"
        )
        (work / "driver.py").write_text(DRIVER)
        best = math.inf
        cycles = None
        for attempt in range(repeat):
            out = work / f"out{attempt}"
            done = subprocess.run(
                [str(python), "driver.py", "scale.cfg", "topology.csv", "layout.csv", str(out)],
                cwd=work,
                env={k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"},
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"SCALE-Sim failed on {m}x{k}x{n}:\n{done.stderr[-2000:]}")
            best = min(best, json.loads(done.stdout.strip().splitlines()[-1])["run_s"])
            with open(out / "layer" / "COMPUTE_REPORT.csv", newline="") as report:
                row = next(iter(csv.DictReader(report, skipinitialspace=True)))
            cycles = int(row["Total Cycles"])
    prefix = "" if dataflow == "ws" else f"{dataflow}_"
    return {f"{prefix}scalesim_cycles": cycles, f"{prefix}scalesim_s": best}


def dram_image(spec: GemmSpec, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    bases = {"a": 0, "b": a.nbytes, "c": a.nbytes + b.nbytes}
    dram = np.zeros(bases["c"] + spec.m * spec.c_stride, dtype=np.uint8)
    dram[: a.nbytes] = a.view(np.uint8).ravel()
    dram[bases["b"] : bases["c"]] = b.view(np.uint8).ravel()
    return dram, bases


def run_ours(
    spec: GemmSpec, config: MxuConfig, dram: np.ndarray, bases: dict[str, int], dataflow: str
) -> SimResult:
    """Schedule the GEMM, place it in DRAM, simulate it: what the timed region covers."""
    _, stream = schedule_gemm(spec, config, dataflow=dataflow)
    program: list[Instruction] = [
        replace(ins, dram_addr=ins.dram_addr + bases[operand]) if operand else ins  # type: ignore[call-arg]
        for ins, operand in stream
    ]
    program.append(Halt())
    return simulate(program, config, dram)


def ours(side: int, layer: tuple[int, int, int], repeat: int) -> dict:
    m, k, n = layer
    rng = np.random.default_rng(0)
    a = rng.integers(-128, 128, (m, k)).astype(np.int8)
    b = rng.integers(-128, 128, (k, n)).astype(np.int8)
    want = a.astype(np.int64) @ b.astype(np.int64)
    spec = GemmSpec(m, k, n, DType.I8, DType.I32, a_stride=k, b_stride=n, c_stride=4 * n)
    row: dict[str, Any] = {}
    runs = (("serial", False, "ws"), ("double", True, "ws"), ("os", True, "os"))
    for name, overlap, dataflow in runs:
        config = MACHINES[side].with_options(double_buffer_weights=overlap)
        dram, bases = dram_image(spec, a, b)
        result = run_ours(spec, config, dram, bases, dataflow)
        c = dram[bases["c"] :].view("<i4").reshape(m, n)
        if not np.array_equal(c, want):
            raise SystemExit(f"ours ({name}): wrong result for {m}x{k}x{n} on {side}x{side}")
        best = math.inf
        for _ in range(repeat):
            start = time.perf_counter()
            run_ours(spec, config, dram, bases, dataflow)
            best = min(best, time.perf_counter() - start)
        report = result.report
        row[f"{name}_array_cycles"] = report.array_cycles
        row[f"{name}_cycles"] = report.cycles
        row[f"{name}_utilisation"] = report.utilisation
        row[f"{name}_s"] = best
    return row


def formula(side: int, layer: tuple[int, int, int]) -> int:
    """Weight-stationary: SCALE-Sim's count plus one."""
    m, k, n = layer
    return math.ceil(k / side) * math.ceil(n / side) * (2 * side + m + side - 2)


def os_formula(side: int, layer: tuple[int, int, int]) -> int:
    """Output-stationary: SCALE-Sim's count plus one."""
    m, k, n = layer
    return math.ceil(m / side) * math.ceil(n / side) * (side + side + k - 2)


def table(rows: list[dict]) -> str:
    lines = [
        "| layer MxKxN | array | SCALE-Sim | formula | ours, no overlap: array | "
        "ours, double-buffered: array / total (util.) | SCALE-Sim s | ours s | speed-up |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ours_s = max(r["serial_s"], r["double_s"])
        lines.append(
            f"| {r['layer']} | {r['array']} | {r['scalesim_cycles']:,} | {r['formula']:,} "
            f"| {r['serial_array_cycles']:,} | {r['double_array_cycles']:,} / "
            f"{r['double_cycles']:,} ({100 * r['double_utilisation']:.0f}%) "
            f"| {r['scalesim_s']:.3f} | {1000 * ours_s:.1f} ms | {r['scalesim_s'] / ours_s:.0f}x |"
        )
    return "\n".join(lines)


def os_table(rows: list[dict]) -> str:
    lines = [
        "| layer MxKxN | array | SCALE-Sim OS | OS formula | ours OS: array / total (util.) "
        "| SCALE-Sim OS s | ours OS s | speed-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['layer']} | {r['array']} | {r['os_scalesim_cycles']:,} | {r['os_formula']:,} "
            f"| {r['os_array_cycles']:,} / {r['os_cycles']:,} ({100 * r['os_utilisation']:.0f}%) "
            f"| {r['os_scalesim_s']:.3f} | {1000 * r['os_s']:.1f} ms | {r['os_speedup']:.0f}x |"
        )
    return "\n".join(lines)


def setup() -> None:
    """Create .venv-scalesim with SCALE-Sim 3.0.0 (it needs numpy < 2.4)."""
    subprocess.run([sys.executable, "-m", "venv", str(SCALESIM_VENV)], check=True)
    pip = SCALESIM_VENV / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", "scalesim==3.0.0", "numpy<2.4"], check=True)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best)")
    parser.add_argument(
        "--scalesim",
        type=Path,
        default=SCALESIM_VENV / "bin" / "python",
        help="the interpreter SCALE-Sim 3.0.0 is installed in",
    )
    parser.add_argument("--setup", action="store_true", help="create .venv-scalesim and exit")
    args = parser.parse_args()
    if args.setup:
        setup()
        return
    if not args.scalesim.exists():
        raise SystemExit(
            f"no SCALE-Sim interpreter at {args.scalesim}: run "
            "`.venv/bin/python bench/mxu_vs_scalesim.py --setup` first"
        )
    rows = []
    failed = False
    for side in MACHINES:
        for layer in LAYERS:
            m, k, n = layer
            row: dict[str, Any] = {"layer": f"{m}x{k}x{n}", "array": f"{side}x{side}"}
            row["formula"] = formula(side, layer)
            row["os_formula"] = os_formula(side, layer)
            for dataflow in ("ws", "os"):
                row.update(run_scalesim(args.scalesim, side, layer, args.repeat, dataflow))
            row.update(ours(side, layer, max(args.repeat, OURS_REPEAT)))
            row["speedup"] = row["scalesim_s"] / max(row["serial_s"], row["double_s"])
            row["os_speedup"] = row["os_scalesim_s"] / row["os_s"]
            row["matches_scalesim"] = (
                row["serial_array_cycles"] == row["formula"] == row["scalesim_cycles"] + 1
            )
            row["os_matches_scalesim"] = (
                row["os_array_cycles"] == row["os_formula"] == row["os_scalesim_cycles"] + 1
            )
            for key, what in (("matches_scalesim", "ws"), ("os_matches_scalesim", "os")):
                if not row[key]:
                    failed = True
                    print(
                        f"error: {row['layer']} on {row['array']}, {what}: ours differs from "
                        "the closed form or SCALE-Sim + 1",
                        file=sys.stderr,
                    )
            rows.append(row)
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "command": "bench/mxu_vs_scalesim.py " + " ".join(sys.argv[1:]),
        "repeat": args.repeat,
    }
    if args.json:
        print(json.dumps({**meta, "rows": rows}, indent=2))
    else:
        print(
            f"{meta['date']}, {meta['machine']}; best of {args.repeat} (ours: of "
            f"{max(args.repeat, OURS_REPEAT)})\n"
        )
        print("Weight-stationary\n")
        print(table(rows))
        print("\nOutput-stationary\n")
        print(os_table(rows))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
