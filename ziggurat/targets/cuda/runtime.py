"""Running a module on a GPU (`cuda`) or on the CPU's emulation of one (`cuda-emu`).

Both compile the same `.cu` (toolchain.py caches by content hash), load it with
ctypes and call it through the C ABI on numpy arrays. After each call the
launcher's first failed CUDA call, if any, becomes a `CompileError` naming it.
`cuda-emu` runs every CUDA thread as an OS thread: correct and race-checkable
(ThreadSanitizer), slow, for small sizes.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from ziggurat.codegen.c.ctypes_call import CFunction, find_function
from ziggurat.diagnostics import CompileError
from ziggurat.dialects import cuda
from ziggurat.passes.pipelines import CudaPipelinePass, lowering_context
from ziggurat.targets.cuda import toolchain
from ziggurat.targets.cuda.emit import emit_module

_LOADED: dict[str, ctypes.CDLL] = {}


def _load(path: str) -> ctypes.CDLL:
    if path not in _LOADED:
        try:
            _LOADED[path] = ctypes.CDLL(path)
        except OSError as error:
            raise CompileError(f"cuda: cannot load {path}: {error}") from None
    return _LOADED[path]


def is_kernel_level(module: ModuleOp) -> bool:
    """Whether `module` is already lowered: it has kernels and no loops left to map."""
    return any(isinstance(op, cuda.KernelOp) for op in module.ops)


def lower_for_cuda(module: ModuleOp, sm: int | None = None) -> ModuleOp:
    """`module` itself if it is kernel-level, else a copy lowered by `cuda-pipeline`."""
    if is_kernel_level(module):
        return module
    lowered = module.clone()
    (CudaPipelinePass(sm=sm) if sm else CudaPipelinePass()).apply(lowering_context(), lowered)
    lowered.verify()
    return lowered


class CudaFunction(CFunction):
    """A compiled host launcher: checks the CUDA error state, collects kernel times."""

    target = "cuda"

    def __init__(self, library: ctypes.CDLL, func, timing: bool):
        super().__init__(library, func)
        self.error = library.zg_cuda_error
        self.error.restype = ctypes.c_char_p
        library.zg_cuda_kernel_name.restype = ctypes.c_char_p
        library.zg_cuda_kernel_ms.restype = ctypes.c_double
        library.zg_cuda_set_timing(ctypes.c_int(1 if timing else 0))

    def before_call(self) -> None:
        self.library.zg_cuda_clear_error()

    def after_call(self) -> None:
        message = self.error()
        if message:
            raise CompileError(f"{self.target}: {message.decode()}", self.func)

    def kernel_times(self) -> dict[str, float]:
        """Milliseconds spent in each kernel since the last reset (timing on)."""
        count = self.library.zg_cuda_kernel_count()
        names = [self.library.zg_cuda_kernel_name(i).decode() for i in range(count)]
        return {n: self.library.zg_cuda_kernel_ms(i) for i, n in enumerate(names) if n}

    def reset_times(self) -> None:
        self.library.zg_cuda_reset_times()


class CudaExecutor:
    """`ziggurat-run --target cuda` (a GPU) or `--target cuda-emu` (threads on the CPU)."""

    def __init__(self, emulate: bool = False, tsan: bool = False):
        self.emulate = emulate
        self.tsan = tsan
        self.name = "cuda-emu" if emulate else "cuda"
        self.function: CudaFunction | None = None
        self.runs = 0

    def prepare(
        self, module: ModuleOp, entry: str | None = None
    ) -> Callable[[Sequence[np.ndarray]], list[np.ndarray]]:
        arch = None
        if not self.emulate:
            reason = toolchain.no_gpu_reason()
            if reason is not None:
                raise CompileError(
                    f"cuda: no GPU to run on ({reason}); --target cuda-emu runs the same "
                    "code on the CPU"
                )
            arch = toolchain.gpu_arch()
        sm = int(arch.removeprefix("sm_")) if arch else None
        lowered = lower_for_cuda(module, sm)
        func = find_function(lowered, entry)
        source = emit_module(lowered)
        if self.emulate:
            path = toolchain.compile_emu_library(source, tsan=self.tsan)
        else:
            assert arch is not None
            path = toolchain.compile_cuda_library(source, arch)
        function = CudaFunction(_load(str(path)), func, timing=True)
        function.target = self.name
        self.function = function

        def run(args: Sequence[np.ndarray]) -> list[np.ndarray]:
            self.runs += 1
            return function(args)

        return run

    def report(self) -> dict[str, Any]:
        """Kernel times of the runs so far (milliseconds per run, by kernel; on the
        emulation, the wall time of the emulated kernels)."""
        if self.function is None:
            return {"kernels": {}}
        runs = max(self.runs, 1)
        times = self.function.kernel_times()
        return {"kernels": {k: v / runs for k, v in times.items()}, "runs": self.runs}

    def summary_line(self) -> str:
        kernels = self.report()["kernels"]
        if not kernels:
            return ""
        return "kernel time per run: " + ", ".join(
            f"{name} {ms:.3f} ms" for name, ms in kernels.items()
        )
