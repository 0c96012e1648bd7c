"""A fuzzing campaign: make N mutants, run them on two workers, collect what went wrong.

Mutant `i` depends only on the campaign's seed and `i` (its own random
generator), so a campaign gives the same mutants whatever the number of workers
and in whatever order they finish. Workers are processes, each running one
command at a time.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path

from tests.fuzz.commands import Command, all_commands
from tests.fuzz.execute import Limits, run_command
from tests.fuzz.mutators import mutate
from tests.fuzz.seeds import Seed

MXU_SHARE = 0.15
"""The share of mutants made from mxu programs (for `ziggurat-sim`)."""


@dataclass(frozen=True)
class Mutant:
    """One mutant and the command it is run through."""

    index: int
    seed: str
    kind: str
    operators: str
    command: str
    data: bytes


@dataclass(frozen=True)
class Finding:
    """What one mutant's run gave (stderr kept in full only for bad runs)."""

    index: int
    seed: str
    operators: str
    command: str
    outcome: str
    tool: str
    returncode: int | None
    stderr: str


def make_mutant(
    campaign_seed: int, index: int, seeds: dict[str, list[Seed]], commands: list[Command]
) -> Mutant:
    """Mutant `index` of the campaign: a seed, one to three operators, one command."""
    rng = random.Random(f"{campaign_seed}:{index}")
    mxu = seeds["asm"] + seeds["bin"]
    pool = mxu if mxu and rng.random() < MXU_SHARE else seeds["mlir"]
    seed = rng.choice(pool)
    partners = [s for s in pool if s.kind == seed.kind]
    data, operators = seed.data, ""
    for _ in range(8):  # an operator with nothing to work on leaves the input as it was
        data, operators = mutate(rng, seed.data, rng.choice(partners).data, seed.kind == "bin")
        if data != seed.data:
            break
    command = rng.choice([c for c in commands if seed.kind in c.kinds])
    return Mutant(index, seed.name, seed.kind, operators, command.label, data)


def mutant_file(folder: str, mutant: Mutant) -> str:
    """Where the mutant is written: named after its seed, so messages read naturally."""
    stem = Path(mutant.seed).name.rsplit(".", 1)[0]
    suffix = {"mlir": ".mlir", "asm": ".s", "bin": ".bin"}[mutant.kind]
    return os.path.join(folder, f"m{mutant.index}-{stem}{suffix}")


def _run_one(mutant: Mutant, limits: Limits, gpu: bool) -> Finding:
    command = next(c for c in all_commands(gpu) if c.label == mutant.command)
    with tempfile.TemporaryDirectory(prefix="ziggurat-fuzz-") as folder:
        path = mutant_file(folder, mutant)
        Path(path).write_bytes(mutant.data)
        result = run_command(command, path, limits, folder)
    stderr = result.run.stderr if result.outcome.bad else ""
    if result.outcome.bad:
        # The temporary folder's name would differ from run to run.
        stderr = stderr.replace(folder + os.sep, "")
    return Finding(
        mutant.index,
        mutant.seed,
        mutant.operators,
        mutant.command,
        result.outcome.value,
        result.tool,
        result.run.returncode,
        stderr,
    )


def run_campaign(
    mutants: list[Mutant], limits: Limits, jobs: int, gpu: bool
) -> Iterator[tuple[Mutant, Finding]]:
    """Run every mutant on `jobs` worker processes; yields them in index order."""
    context = get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(_run_one, m, limits, gpu) for m in mutants]
        for mutant, future in zip(mutants, futures, strict=True):
            yield mutant, future.result()


def save_finding(folder: Path, mutant: Mutant, finding: Finding) -> Path:
    """Keep a bad mutant and what it gave, for `python -m tests.fuzz minimise`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{finding.index:05d}-{finding.outcome}"
    data_path = Path(mutant_file(str(folder), mutant)).with_name(
        stem + Path(mutant_file("", mutant)).suffix
    )
    data_path.write_bytes(mutant.data)
    record = {**asdict(finding), "kind": mutant.kind, "input": data_path.name}
    json_path = folder / f"{stem}.json"
    json_path.write_text(json.dumps(record, indent=2) + "\n")
    return json_path
