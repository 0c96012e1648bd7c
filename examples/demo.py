"""Run the example models on every target, check them against `ref`, print a table.

Each model in examples/models/ is run with `ziggurat-run` by the `ref` executor
(numpy, the oracle), compiled to C with OpenMP (`--target c`, which lowers tensor
programs with `cpu-pipeline` first), and on the systolic matrix unit (`--target
mxu`: `mxu-pipeline`, kernels on the bundled simulator, host code on `ref`), on
the GPU (`--target cuda`, where there is one) and on the CPU emulation of the same
CUDA code (`--target cuda-emu`: correct, not fast), each
with `--check`, which runs `ref` on the same random inputs and compares. For the
mxu the table adds the simulated cycles and the array's utilisation. This is
`make demo`. While it runs, a progress bar on stderr counts the runs, when stderr
is a terminal (not when it is piped or redirected, nor with `--quiet`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MODELS = Path(__file__).parent / "models"
RUN = Path(sys.executable).with_name("ziggurat-run")


def _targets() -> tuple[str, ...]:
    from ziggurat.targets.cuda.toolchain import no_gpu_reason

    gpu = ("cuda",) if no_gpu_reason() is None else ()
    return ("ref", "c", *gpu, "cuda-emu", "mxu")


TARGETS = _targets()


def run(model: Path, target: str) -> dict:
    command = [str(RUN), str(model), "--target", target, "--repeat", "5", "--check", "--json"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{model.name} on {target}: ziggurat-run failed ({done.returncode})")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    from ziggurat.tools.progress import steps

    quiet = "--quiet" in (sys.argv[1:] if argv is None else argv)
    rows = []
    models = sorted(MODELS.glob("*.mlir"))
    work = [(model, target) for model in models for target in TARGETS]
    with steps("demo", len(work), quiet) as advance:
        for model, target in work:
            report = run(model, target)
            advance(f"{model.stem} on {target}")
            check = report["check"]
            mxu = report.get("mxu")
            rows.append(
                (
                    model.stem,
                    target,
                    f"{report['timings']['median_s'] * 1000:.2f} ms",
                    f"{check['max_abs_error']:.2e}",
                    "ok" if check["ok"] else "MISMATCH",
                    f"{mxu['cycles']:,}" if mxu else "",
                    f"{100 * mxu['utilisation']:.1f}%" if mxu else "",
                )
            )
    header = (
        "model",
        "target",
        "time (median of 5)",
        "max abs error vs ref",
        "check",
        "mxu cycles",
        "mxu utilisation",
    )
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))
    return 0 if all(r[4] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
