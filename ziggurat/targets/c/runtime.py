"""Compile emitted C with the system compiler, cache the shared object, load it.

Flags: `cc -O3 -march=native -fopenmp` plus `-shared -fPIC -std=c11` (always).
`CC` and `CFLAGS` (environment) or the `cc`/`cflags` arguments override the
compiler and the optimisation flags; `ZIGGURAT_C_SANITIZE=1` (or `sanitize=True`)
adds `-fsanitize=address,undefined`. Shared objects are cached by a hash of the
source, flags and compiler version under `$XDG_CACHE_HOME/ziggurat/c/` (default
`~/.cache/ziggurat/c/`), next to the `.c` file, which is kept for inspection.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shlex
import subprocess
from functools import cache
from pathlib import Path

from ziggurat.diagnostics import CompileError

DEFAULT_CC = "cc"
DEFAULT_CFLAGS = ("-O3", "-march=native", "-fopenmp")
REQUIRED_FLAGS = ("-shared", "-fPIC", "-std=c11")
SANITIZE_FLAGS = ("-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-g")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ziggurat" / "c"


def sanitize_requested() -> bool:
    return os.environ.get("ZIGGURAT_C_SANITIZE", "") not in ("", "0")


def compiler_command(
    cc: str | None = None, cflags: str | None = None, sanitize: bool | None = None
) -> list[str]:
    """The compiler and flags to use (arguments, then environment, then defaults)."""
    compiler = shlex.split(cc or os.environ.get("CC") or DEFAULT_CC)
    flags_text = cflags if cflags is not None else os.environ.get("CFLAGS")
    flags: list[str] = shlex.split(flags_text) if flags_text is not None else list(DEFAULT_CFLAGS)
    if sanitize if sanitize is not None else sanitize_requested():
        flags += SANITIZE_FLAGS
    return [*compiler, *flags, *REQUIRED_FLAGS]


@cache
def compiler_version(compiler: str) -> str:
    try:
        done = subprocess.run(
            [compiler, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as error:
        raise CompileError(f"c: cannot run the C compiler '{compiler}': {error}") from None
    return done.stdout + done.stderr


def compile_shared(
    source: str, cc: str | None = None, cflags: str | None = None, sanitize: bool | None = None
) -> Path:
    """The path of the shared object of `source`, compiling it unless it is cached."""
    command = compiler_command(cc, cflags, sanitize)
    version = compiler_version(command[0])
    key = hashlib.sha256("\0".join([source, *command, version]).encode()).hexdigest()[:32]
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    library = directory / f"{key}.so"
    if library.exists():
        return library
    c_file = directory / f"{key}.c"
    c_file.write_text(source)
    partial = directory / f"{key}.{os.getpid()}.so.tmp"
    try:
        done = subprocess.run(
            [*command, str(c_file), "-o", str(partial), "-lm"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise CompileError(f"c: cannot run the C compiler '{command[0]}': {error}") from None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise CompileError(
            f"c: the C compiler failed on {c_file} ({' '.join(command)}):\n"
            + (done.stderr or done.stdout).strip()
        )
    os.replace(partial, library)
    return library


_LOADED: dict[Path, ctypes.CDLL] = {}


def load(path: Path) -> ctypes.CDLL:
    """Load a shared object once per process."""
    if path not in _LOADED:
        try:
            _LOADED[path] = ctypes.CDLL(str(path))
        except OSError as error:
            raise CompileError(f"c: cannot load {path}: {error}") from None
    return _LOADED[path]


def set_threads(library: ctypes.CDLL, threads: int | None) -> None:
    """Use `threads` OpenMP threads (default: OMP_NUM_THREADS, else all cores)."""
    if threads is None:
        return
    setter = getattr(library, "omp_set_num_threads", None)
    if setter is not None:
        setter(ctypes.c_int(threads))
