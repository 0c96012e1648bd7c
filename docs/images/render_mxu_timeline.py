"""Regenerate docs/images/mxu_timeline.png, the trace of the worked example in docs/mxu.md.

It runs the example's commands on docs/examples/mxu_dense_i8.mlir in a temporary
folder (ziggurat-opt -p mxu-pipeline, ziggurat-translate -t mxu-bin, ziggurat-sim
--trace) and draws the trace, so the picture always shows what the tools do:

    .venv/bin/python docs/images/render_mxu_timeline.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ziggurat.targets.mxu.timeline import render_timeline_png

DOCS = Path(__file__).resolve().parent.parent
EXAMPLE = DOCS / "examples" / "mxu_dense_i8.mlir"
IMAGE = DOCS / "images" / "mxu_timeline.png"


def tool(name: str) -> str:
    """The console script `name`, preferring the one beside this interpreter (a venv)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"cannot find '{name}': install ziggurat first")
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kernel, binary, trace = (Path(tmp) / n for n in ("k.mlir", "k.bin", "t.json"))
        steps = [
            [tool("ziggurat-opt"), str(EXAMPLE), "-p", "mxu-pipeline", "-o", str(kernel)],
            [tool("ziggurat-translate"), str(kernel), "-t", "mxu-bin", "-o", str(binary)],
            [tool("ziggurat-sim"), str(binary), "--trace", str(trace)],
        ]
        for step in steps:
            subprocess.run(step, check=True, stdout=subprocess.DEVNULL)
        events = json.loads(trace.read_text())["traceEvents"]
    render_timeline_png(events, IMAGE, width=1200)
    print(f"wrote {IMAGE.relative_to(DOCS.parent)}")


if __name__ == "__main__":
    main()
