"""`python -m tests.fuzz run|minimise`: a campaign, or one finding shrunk into a lit test.

    python -m tests.fuzz run -n 10000 --seed 1     # what `make fuzz` runs
    python -m tests.fuzz minimise .fuzz/findings/00042-internal.json --name subview_rank

`run` exits with status 1 when a run hangs, crashes, shows a traceback or an
internal error, reports a `--check` mismatch, or fails without a location, unless
`tests/fuzz/known_findings.toml` lists it with a reason.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from tests.fuzz import known
from tests.fuzz.campaign import Finding, make_mutant, run_campaign, save_finding
from tests.fuzz.classify import Outcome
from tests.fuzz.commands import all_commands, by_label, has_gpu
from tests.fuzz.execute import Limits
from tests.fuzz.minimise import minimise, neutralise, same_failure
from tests.fuzz.regression import write_regression
from tests.fuzz.report import examples, table
from tests.fuzz.seeds import ROOT, Seed, mlir_seeds, mxu_seeds

OUT = ROOT / ".fuzz"


def _run(args: argparse.Namespace) -> int:
    gpu = has_gpu()
    commands = [c for c in all_commands(gpu) if re.search(args.commands, c.label)]
    if not commands:
        sys.exit(f"error: no command matches '{args.commands}'")
    seeds: dict[str, list[Seed]] = {"mlir": mlir_seeds(), "asm": [], "bin": []}
    if any("asm" in c.kinds for c in commands):
        for seed in mxu_seeds(args.out / "seeds"):
            seeds[seed.kind].append(seed)
    mutants = [make_mutant(args.seed, i, seeds, commands) for i in range(args.n)]
    print(
        f"fuzz: {args.n} mutants of {sum(map(len, seeds.values()))} seeds, seed {args.seed}, "
        f"{len(commands)} commands, {args.jobs} workers{'' if gpu else ' (no GPU: no cuda runs)'}",
        flush=True,
    )
    findings_dir = args.out / "findings"
    known_findings = known.load()
    findings: list[Finding] = []
    bad: list[tuple[Finding, str, str | None]] = []
    start = time.monotonic()
    limits = Limits(seconds=args.timeout)
    for mutant, finding in run_campaign(mutants, limits, args.jobs, gpu):
        findings.append(finding)
        if Outcome(finding.outcome).bad:
            saved = save_finding(findings_dir, mutant, finding)
            reason = known.reason_for(
                known_findings, finding.command, finding.outcome, finding.stderr
            )
            bad.append((finding, str(saved.relative_to(ROOT)) if saved.is_relative_to(ROOT)
                        else str(saved), reason))  # fmt: skip
        if len(findings) % args.progress == 0:
            print(f"fuzz: {len(findings)}/{args.n} run, {len(bad)} bad, "
                  f"{time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)  # fmt: skip
    print(table(findings), end="")
    print(examples(bad), end="")
    new = [item for item in bad if item[2] is None]
    print(f"fuzz: {len(findings)} mutants, {len(bad)} bad ({len(new)} new), "
          f"{time.monotonic() - start:.0f} s")  # fmt: skip
    return 1 if new else 0


def _minimise(args: argparse.Namespace) -> int:
    record = json.loads(args.finding.read_text())
    data = neutralise((args.finding.parent / record["input"]).read_bytes())
    command = by_label(record["command"])
    outcome = Outcome(record["outcome"])
    suffix = Path(record["input"]).suffix
    limits = Limits(seconds=args.timeout)
    test = same_failure(command, outcome, record["tool"], record["stderr"], suffix, limits)
    if not test(data):
        print("error: the finding does not reproduce (with lit directives lower-cased)",
              file=sys.stderr)  # fmt: skip
        return 1
    reduced = minimise(data, test, binary=record["kind"] == "bin")
    print(f"minimised {len(data)} bytes to {len(reduced)}", file=sys.stderr)
    if args.name is None:
        sys.stdout.buffer.write(reduced)
        return 0
    written = write_regression(
        args.name, reduced, record["kind"], command, record["tool"], record["stderr"]
    )
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    summary = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=summary)
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="run a campaign and print its summary")
    run.add_argument("-n", type=int, default=10000, help="mutants to run (default 10000)")
    run.add_argument("--seed", type=int, default=1, help="the campaign's random seed")
    run.add_argument("-j", "--jobs", type=int, default=2, help="runs in parallel (default 2)")
    run.add_argument("--timeout", type=float, default=20.0, help="seconds per run (default 20)")
    run.add_argument("--commands", default="", help="only commands whose label matches this")
    run.add_argument("--out", type=Path, default=OUT, help="where findings go (default .fuzz/)")
    run.add_argument("--progress", type=int, default=100, help="a progress line every N runs")
    shrink = sub.add_parser("minimise", help="shrink a finding, optionally into a lit test")
    shrink.add_argument("finding", type=Path, help="a finding's .json, as `run` saved it")
    shrink.add_argument("--name", help="write tests/lit/fuzz/NAME.mlir (or .test) instead")
    shrink.add_argument("--timeout", type=float, default=20.0, help="seconds per run")
    args = parser.parse_args(argv)
    return _run(args) if args.action == "run" else _minimise(args)


if __name__ == "__main__":
    sys.exit(main())
