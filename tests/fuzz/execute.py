"""Running one command on one input, the way a user's shell would, but bounded.

Each stage runs in its own session (so its process group, compilers and
compiled programs included, can be killed as one), under a wall-time limit and
an address-space limit, with one thread per numeric library so that two workers
fit on two cores. Subprocesses are the ground truth: what is classified is
exactly what a user would see.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
from dataclasses import dataclass

from tests.fuzz.classify import Outcome, Run, classify
from tests.fuzz.commands import Command

MEMORY_LIMIT = 4 << 30
"""Bytes of address space per process: a runaway allocation fails instead of swapping."""

_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Limits:
    """How long and how much memory one stage may take."""

    seconds: float = 20.0
    memory: int = MEMORY_LIMIT


@dataclass(frozen=True)
class Result:
    """A command's outcome: the class, which tool of the command gave it, and its run."""

    outcome: Outcome
    tool: str
    run: Run


def _limit_memory(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_stage(argv: list[str], stdin: bytes | None, limits: Limits, cwd: str) -> tuple[Run, bytes]:
    """One process (and its children), killed as a group at the time limit; and its stdout.

    The memory limit is set in the child before it runs the tool; workers are
    single-threaded processes, so that is safe.
    """
    process = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env={**os.environ, **_ENV},
        start_new_session=True,
        preexec_fn=lambda: _limit_memory(limits.memory),
    )
    try:
        out, err = process.communicate(stdin, timeout=limits.seconds)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        out, err = process.communicate()
        code = None
    finally:
        # Children left behind by a finished stage (a compiled program, say) go too.
        _kill_group(process.pid)
    return Run(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")), out


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_command(command: Command, path: str, limits: Limits, cwd: str) -> Result:
    """Run each stage in turn; the result is the first stage that did not succeed, or the last."""
    stdin: bytes | None = None
    result: Result | None = None
    for stage, argv in zip(command.stages, command.argvs(path), strict=True):
        run, stdout = run_stage(argv, stdin, limits, cwd)
        outcome = classify(run, stage[0])
        result = Result(outcome, stage[0], run)
        if outcome is not Outcome.SUCCESS:
            break
        stdin = stdout
    assert result is not None
    return result
