"""The commands a mutant is run through, by the kind of input it is.

An MLIR mutant goes through `ziggurat-opt` (alone and with each named pipeline),
`ziggurat-translate` to each emitted language (after the pipeline the target
needs), or `ziggurat-run --check` on each target this machine can run; an mxu
program (assembly or binary) goes through `ziggurat-sim`. A command of two stages
pipes the first one's output into the second, as a user's shell would.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ziggurat.passes import pipelines

INPUT = "{input}"
"""Stands for the mutant's path in a command's first stage."""


@dataclass(frozen=True)
class Command:
    """A named command: stages, each an argv; a later stage reads the one before on stdin."""

    label: str
    stages: tuple[tuple[str, ...], ...]
    kinds: tuple[str, ...]
    """The input kinds it takes: `mlir`, `asm`, `bin`."""

    def argvs(self, path: str) -> list[list[str]]:
        """The stages with the mutant's path filled in and each tool resolved."""
        return [[tool_path(s[0]), *(a.replace(INPUT, path) for a in s[1:])] for s in self.stages]

    def shell(self, path: str) -> str:
        """The command as a line of shell, for a report or a lit RUN line."""
        return " | ".join(" ".join(quote(a.replace(INPUT, path)) for a in s) for s in self.stages)


def quote(arg: str) -> str:
    return f"'{arg}'" if any(c in arg for c in " {}|;*?") else arg


def tool_path(name: str) -> str:
    """A console script of this Python environment (as lit's config finds them), else PATH's."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    return shutil.which(name) or name


def pipeline_names() -> list[str]:
    """Every named pipeline in `ziggurat.passes.pipelines`."""
    return sorted(
        value.name
        for value in vars(pipelines).values()
        if isinstance(value, type)
        and issubclass(value, pipelines.PipelinePass)
        and value is not pipelines.PipelinePass
    )


_TRANSLATIONS = {"c": "cpu-pipeline", "cuda": "cuda-pipeline", "mxu-asm": "mxu-pipeline"}
"""Each emitted language and the pipeline that makes IR it can print."""


def has_gpu() -> bool:
    """Whether `ziggurat-run --target cuda` can run here."""
    from ziggurat.targets.cuda.toolchain import no_gpu_reason

    return no_gpu_reason() is None


def all_commands(gpu: bool) -> list[Command]:
    """Every command the fuzzer runs; `--target cuda` only with a GPU."""
    mlir = ("mlir",)
    commands = [Command("opt", (("ziggurat-opt", INPUT),), mlir)]
    commands += [
        Command(f"opt -p {name}", (("ziggurat-opt", INPUT, "-p", name),), mlir)
        for name in pipeline_names()
    ]
    commands += [
        Command(
            f"translate -t {target}",
            (("ziggurat-opt", INPUT, "-p", pipeline), ("ziggurat-translate", "-", "-t", target)),
            mlir,
        )
        for target, pipeline in _TRANSLATIONS.items()
    ]
    targets = ["ref", "c", "mxu", *(["cuda"] if gpu else [])]
    commands += [
        Command(f"run --target {t}", (("ziggurat-run", INPUT, "--target", t, "--check"),), mlir)
        for t in targets
    ]
    commands.append(Command("sim", (("ziggurat-sim", INPUT),), ("asm", "bin")))
    return commands


def by_label(label: str, gpu: bool = True) -> Command:
    """The command called `label` (as a finding records it)."""
    for command in all_commands(gpu):
        if command.label == label:
            return command
    raise KeyError(label)
