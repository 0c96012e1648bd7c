"""Find and drive the compilers of the CUDA target, caching what they build.

A generated `.cu` file is built two ways: by nvcc, for real GPUs (a shared library, or
a cubin whose ptxas report tells the registers, spills and shared memory of each
kernel), and by a plain C++ compiler against `cuda_emu.h`, which runs CUDA threads as
OS threads so that kernels can be executed, and checked with ThreadSanitizer, on
machines without a GPU.

Where the tools come from: `find_tool` looks at `$ZIGGURAT_NVCC` (nvcc only, and the
folder it is in for the other tools), `$CUDA_HOME/bin`, `PATH`, `/usr/local/cuda/bin`,
then the PyPI CUDA wheels importable by the running Python (`nvidia/cu13/bin` for the
13.x wheels, `nvidia/cuda_nvcc/bin`-style folders for 12.x ones). `CXX` overrides the
emulation's `g++`, `CUDAHOSTCXX` nvcc's host compiler.

Everything built is cached by a hash of the source, the command and the compiler's
version, under `$XDG_CACHE_HOME/ziggurat/cuda/` (nvcc) or `.../cuda-emu/` (emulation),
default `~/.cache`, with the `.cu` file kept next to the result for inspection.

ThreadSanitizer: an instrumented library can be loaded into an uninstrumented Python
only if the TSan runtime is loaded first, so such a library is run in a child Python
started with `tsan_environment()` (`LD_PRELOAD` of `tsan_runtime()` and `TSAN_OPTIONS`);
a race then makes the child exit with status `TSAN_EXIT_CODE`.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ziggurat.diagnostics import CompileError

EMU_HEADER = Path(__file__).with_name("cuda_emu.h")
NVCC_LIBRARY_FLAGS = ("-O3", "-shared", "-Xcompiler", "-fPIC")
NVCC_CUBIN_FLAGS = ("-cubin", "-O3", "-Xptxas", "-v")
EMU_FLAGS = ("-std=c++20", "-O1", "-g", "-DZG_CUDA_EMU")
EMU_LIBRARY_FLAGS = ("-shared", "-fPIC", "-pthread")
TSAN_FLAG = "-fsanitize=thread"
TSAN_EXIT_CODE = 66
# Stop at the first report with a recognisable status; signal handlers in Python itself
# are not the kernels' business.
TSAN_OPTIONS = f"halt_on_error=1 exitcode={TSAN_EXIT_CODE} report_signal_unsafe=0"
COMPILE_TIMEOUT_S = 600
# CUDA 13.x wheels put every tool under nvidia/cu13/bin; 12.x ones use one folder per wheel.
WHEEL_BIN_DIRS = (
    "cu13/bin",
    "cu12/bin",
    "cuda_nvcc/bin",
    "cuda_cuobjdump/bin",
    "cuda_nvdisasm/bin",
)


@dataclass(frozen=True)
class KernelResources:
    """What ptxas reports for one kernel."""

    registers: int
    spill_stores: int
    spill_loads: int
    shared_bytes: int
    stack_bytes: int


@dataclass(frozen=True)
class CubinResult:
    path: Path
    ptxas_log: str
    kernels: dict[str, KernelResources]


# ---------------------------------------------------------------------------------
# Finding the tools
# ---------------------------------------------------------------------------------


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _python_nvidia_dirs() -> list[Path]:
    """The `nvidia/` folders of the wheels the running Python can import, in path order."""
    found: list[Path] = []
    try:
        spec = importlib.util.find_spec("nvidia")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations is not None:
        found += [Path(p) for p in spec.submodule_search_locations]
    roots = [*sys.path, *site.getsitepackages(), site.getusersitepackages()]
    found += [Path(root) / "nvidia" for root in roots if root]
    unique: list[Path] = []
    for folder in found:
        if folder.is_dir() and folder not in unique:
            unique.append(folder)
    return unique


def _candidates(name: str) -> list[Path]:
    candidates: list[Path] = []
    override = os.environ.get("ZIGGURAT_NVCC")
    if override:
        nvcc = Path(override) if os.sep in override else Path(shutil.which(override) or override)
        candidates.append(nvcc if name == "nvcc" else nvcc.parent / name)
    cuda_home = os.environ.get("CUDA_HOME")
    if cuda_home:
        candidates.append(Path(cuda_home) / "bin" / name)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    candidates.append(Path("/usr/local/cuda/bin") / name)
    for nvidia in _python_nvidia_dirs():
        candidates += [nvidia / sub / name for sub in WHEEL_BIN_DIRS]
    return candidates


def find_tool(name: str) -> str | None:
    """The path of CUDA tool `name` (nvcc, ptxas, cuobjdump, nvdisasm), or None.

    An explicit `$ZIGGURAT_NVCC` that does not exist gives None for nvcc rather than
    some other nvcc, so that a wrong setting is noticed.
    """
    override = os.environ.get("ZIGGURAT_NVCC")
    for candidate in _candidates(name):
        if _is_executable(candidate):
            return str(candidate)
        if name == "nvcc" and override:
            return None
    return None


def _require(name: str) -> str:
    path = find_tool(name)
    if path is None:
        hint = "set ZIGGURAT_NVCC or CUDA_HOME, " if name == "nvcc" else "set CUDA_HOME, "
        raise CompileError(
            f"cuda: {name} not found ({hint}put it on PATH, or pip install 'ziggurat[cuda]')"
        )
    return path


def _wheel_flags(nvcc: str) -> list[str]:
    """Include and library folders of sibling wheels, for nvcc from a 12.x-style wheel.

    A 13.x wheel's nvcc.profile already names everything (all in nvidia/cu13/), so
    this returns nothing there.
    """
    bin_dir = Path(nvcc).resolve().parent
    package = bin_dir.parent
    nvidia = package.parent
    if nvidia.name != "nvidia" or package.name.startswith("cu1"):
        return []
    flags: list[str] = []
    for sibling in sorted(nvidia.glob("cuda_*")):
        if sibling == package:
            continue
        if (sibling / "include").is_dir():
            flags.append(f"-I{sibling / 'include'}")
        if (sibling / "lib").is_dir():
            flags.append(f"-L{sibling / 'lib'}")
    return flags


def _nvcc_command(nvcc: str) -> list[str]:
    command = [nvcc, *_wheel_flags(nvcc)]
    host = os.environ.get("CUDAHOSTCXX")
    if host:
        command += ["-ccbin", host]
    return command


def _cxx() -> list[str]:
    return shlex.split(os.environ.get("CXX") or "g++")


@cache
def _version(tool: str) -> str:
    """`tool --version`, part of every cache key (a new compiler rebuilds)."""
    try:
        done = subprocess.run(
            [tool, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CompileError(f"cuda: cannot run '{tool}': {error}") from None
    return done.stdout + done.stderr


# ---------------------------------------------------------------------------------
# Building with a cache
# ---------------------------------------------------------------------------------


def cache_dir(kind: str = "cuda") -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ziggurat" / kind


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(text)
    os.replace(partial, path)


def _build(
    kind: str, source: str, command: list[str], version: str, suffix: str, label: str
) -> tuple[Path, str]:
    """Run `command + [file.cu, -o, out]` unless cached; the result and the tool's stderr.

    The output is renamed into place only once complete, so concurrent builds of the
    same source never see half a file.
    """
    key_text = "\0".join([source, *command, version])
    if EMU_HEADER.as_posix() in command:
        key_text += "\0" + EMU_HEADER.read_text()
    key = hashlib.sha256(key_text.encode()).hexdigest()[:32]
    directory = cache_dir(kind)
    directory.mkdir(parents=True, exist_ok=True)
    output = directory / f"{key}{suffix}"
    log = directory / f"{key}.log"
    if output.exists() and log.exists():
        return output, log.read_text()
    cu_file = directory / f"{key}.cu"
    _write_atomically(cu_file, source)
    partial = directory / f"{key}.{os.getpid()}.tmp{suffix}"
    full = [*command, str(cu_file), "-o", str(partial)]
    try:
        done = subprocess.run(
            full, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        partial.unlink(missing_ok=True)
        raise CompileError(f"cuda: cannot run {label} on {cu_file}: {error}") from None
    if done.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        message = (done.stderr or done.stdout).strip()
        raise CompileError(f"cuda: {label} failed on {cu_file} ({shlex.join(command)}):\n{message}")
    _write_atomically(log, done.stderr)
    os.replace(partial, output)
    return output, done.stderr


def compile_cuda_library(source: str, arch: str) -> Path:
    """A shared library of `source` for GPUs of `arch` (e.g. "sm_90"), built by nvcc."""
    nvcc = _require("nvcc")
    command = [*_nvcc_command(nvcc), f"-arch={arch}", *NVCC_LIBRARY_FLAGS]
    path, _ = _build("cuda", source, command, _version(nvcc), ".so", "nvcc")
    return path


def compile_emu_library(source: str, tsan: bool = False) -> Path:
    """A shared library of `source` compiled for the CPU emulation (`cuda_emu.h`).

    With `tsan`, it is instrumented by ThreadSanitizer and must be loaded into a
    process started with `tsan_environment()`.
    """
    compiler = _cxx()
    if shutil.which(compiler[0]) is None:
        raise CompileError(f"cuda: the C++ compiler '{compiler[0]}' was not found (set CXX)")
    command = [
        *compiler,
        *EMU_FLAGS,
        "-include",
        EMU_HEADER.as_posix(),
        *EMU_LIBRARY_FLAGS,
        *([TSAN_FLAG] if tsan else []),
        "-x",
        "c++",
    ]
    path, _ = _build("cuda-emu", source, command, _version(compiler[0]), ".so", compiler[0])
    return path


# ---------------------------------------------------------------------------------
# Cubins, ptxas reports and SASS
# ---------------------------------------------------------------------------------

_ENTRY = re.compile(r"Compiling entry function '([^']+)'")
_PROPERTIES = re.compile(r"Function properties for (\S+)")
_FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
_USED = re.compile(r"Used (\d+) registers")
_SMEM = re.compile(r"(\d+) bytes smem")


def parse_ptxas_log(log: str) -> dict[str, KernelResources]:
    """The resources of every kernel (entry function) in a `ptxas -v` report."""
    frames: dict[str, tuple[int, int, int]] = {}
    kernels: dict[str, KernelResources] = {}
    entry: str | None = None
    properties_of: str | None = None
    for line in log.splitlines():
        if match := _ENTRY.search(line):
            entry = match.group(1)
        elif match := _PROPERTIES.search(line):
            properties_of = match.group(1)
        elif (match := _FRAME.search(line)) and properties_of is not None:
            frames[properties_of] = (
                int(match.group(1)),
                int(match.group(2)),
                int(match.group(3)),
            )
        elif (match := _USED.search(line)) and entry is not None:
            stack, stores, loads = frames.get(entry, (0, 0, 0))
            smem = _SMEM.search(line)
            kernels[entry] = KernelResources(
                registers=int(match.group(1)),
                spill_stores=stores,
                spill_loads=loads,
                shared_bytes=int(smem.group(1)) if smem else 0,
                stack_bytes=stack,
            )
            entry = None
    return kernels


def compile_cubin(source: str, arch: str) -> CubinResult:
    """A cubin of `source` for `arch`, with ptxas's report of each kernel's resources."""
    nvcc = _require("nvcc")
    command = [*_nvcc_command(nvcc), f"-arch={arch}", *NVCC_CUBIN_FLAGS]
    path, log = _build("cuda", source, command, _version(nvcc), ".cubin", "nvcc")
    return CubinResult(path=path, ptxas_log=log, kernels=parse_ptxas_log(log))


def sass(cubin: Path) -> str:
    """The SASS of `cubin`, by `cuobjdump -sass` (which needs nvdisasm)."""
    cuobjdump = _require("cuobjdump")
    nvdisasm = _require("nvdisasm")
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(nvdisasm).parent), env.get("PATH", "")])
    env["NVDISASM_PATH"] = str(Path(nvdisasm).parent)
    try:
        done = subprocess.run(
            [cuobjdump, "-sass", str(cubin)],
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT_S,
            check=False,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CompileError(f"cuda: cannot run cuobjdump on {cubin}: {error}") from None
    if done.returncode != 0:
        raise CompileError(
            f"cuda: cuobjdump failed on {cubin}: {(done.stderr or done.stdout).strip()}"
        )
    return done.stdout


# ---------------------------------------------------------------------------------
# The GPU and ThreadSanitizer
# ---------------------------------------------------------------------------------

_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75
_CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76
_CUDA_ERROR_NO_DEVICE = 100


@cache
def _probe_gpu() -> tuple[str | None, str | None]:
    """(arch of GPU 0, None) or (None, why there is none), asking the driver directly."""
    try:
        driver = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return None, "no CUDA driver (libcuda.so.1) found"
    try:
        status = driver.cuInit(0)
        if status == _CUDA_ERROR_NO_DEVICE:
            return None, "no CUDA device found"
        if status != 0:
            return None, f"the CUDA driver failed to initialise (cuInit returned {status})"
        count = ctypes.c_int(0)
        if driver.cuDeviceGetCount(ctypes.byref(count)) != 0 or count.value < 1:
            return None, "no CUDA device found"
        device = ctypes.c_int(0)
        if driver.cuDeviceGet(ctypes.byref(device), 0) != 0:
            return None, "no CUDA device found"
        major = ctypes.c_int(0)
        minor = ctypes.c_int(0)
        attribute = driver.cuDeviceGetAttribute
        if (
            attribute(ctypes.byref(major), _CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device)
            != 0
            or attribute(ctypes.byref(minor), _CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device)
            != 0
        ):
            return None, "the CUDA driver did not report the compute capability of GPU 0"
    except (AttributeError, OSError) as error:
        return None, f"the CUDA driver cannot be queried ({error})"
    return f"sm_{major.value}{minor.value}", None


def gpu_arch() -> str | None:
    """The compute capability of GPU 0 as "sm_XY", or None where there is no usable GPU."""
    return _probe_gpu()[0]


def no_gpu_reason() -> str | None:
    """None when a GPU is usable, else a one-line reason."""
    return _probe_gpu()[1]


def tsan_runtime() -> str | None:
    """The ThreadSanitizer runtime of the emulation's compiler (libtsan.so), if it has one."""
    compiler = _cxx()
    try:
        done = subprocess.run(
            [*compiler, "-print-file-name=libtsan.so"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip()
    if done.returncode != 0 or not os.path.isabs(path) or not os.path.exists(path):
        return None
    return path


def tsan_environment() -> dict[str, str]:
    """Environment variables for a child Python that loads TSan-instrumented libraries."""
    runtime = tsan_runtime()
    if runtime is None:
        raise CompileError(
            f"cuda: the C++ compiler '{_cxx()[0]}' has no ThreadSanitizer runtime (libtsan.so)"
        )
    return {"LD_PRELOAD": runtime, "TSAN_OPTIONS": TSAN_OPTIONS}
