"""Compile time of two checkouts of ziggurat, measured in alternating rounds.

A change meant to preserve behaviour (a refactoring, a new dependency pin) should
also preserve compile speed. Each round runs both checkouts once, in fresh
processes, on the same generated program (`compile_time.dense_chain`): parse,
then `lower-to-affine`. Alternating the two cancels most of the drift of a
shared machine, and CPU time (`time.process_time`) is reported beside wall time
because it moves less when other processes compete for the cores. The peer of
each checkout is the other one, so the figure is their ratio.

Run from the repository root with the project's interpreter:

    .venv/bin/python bench/compare_trees.py BEFORE_DIR AFTER_DIR [--ops 1000] [--rounds 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

# Runs inside each checkout, with that checkout first on sys.path.
_CHILD = """
import json, sys, time
sys.path.insert(0, "bench")
import compile_time as ct
text = ct.dense_chain({ops})
registry = ct.load_registry()
ctx = registry.make_context()
start = time.process_time()
module = ct.parse_module(ctx, text, "bench.mlir")
parse = time.process_time() - start
pipeline = ct.Pipeline.parse(registry, "lower-to-affine")
wall, cpu = time.perf_counter(), time.process_time()
pipeline.run(ctx, module)
print(json.dumps({{"parse_cpu_s": parse, "lower_cpu_s": time.process_time() - cpu,
                  "lower_wall_s": time.perf_counter() - wall}}))
"""


def run_once(tree: Path, ops: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(ops=ops)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Compile time of two checkouts, in alternating rounds.")
    p.add_argument("before", type=Path, help="checkout measured first in each round")
    p.add_argument("after", type=Path, help="checkout compared against it")
    p.add_argument("--ops", type=int, default=1000, help="linalg ops in the program")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            runs[name].append(run_once(tree, args.ops))
    keys = ("parse_cpu_s", "lower_cpu_s", "lower_wall_s")
    medians = {
        name: {key: statistics.median(run[key] for run in rows) for key in keys}
        for name, rows in runs.items()
    }
    ratios = {key: medians["after"][key] / medians["before"][key] for key in keys}
    if args.json:
        print(
            json.dumps(
                {
                    "ops": args.ops,
                    "rounds": args.rounds,
                    "medians": medians,
                    "after_over_before": ratios,
                    "runs": runs,
                },
                indent=2,
            )
        )
        return 0
    print(f"{args.ops} linalg ops, {args.rounds} alternating rounds (medians)")
    print(f"{'':14}{'parse cpu':>12}{'lower cpu':>12}{'lower wall':>12}")
    for name in trees:
        print(f"{name:14}" + "".join(f"{medians[name][k]:>11.3f}s" for k in keys))
    print(f"{'after/before':14}" + "".join(f"{ratios[k]:>11.3f}x" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
