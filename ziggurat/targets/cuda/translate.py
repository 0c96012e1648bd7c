"""`ziggurat-translate -t cuda`: the `.cu` file of a module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target

from ziggurat.diagnostics import CompileError
from ziggurat.targets.cuda.emit import emit_module


@dataclass(frozen=True)
class CudaTarget(Target):
    """CUDA C++ from cuda kernels and their host code (docs/targets/cuda.md)."""

    name = "cuda"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        try:
            text = emit_module(module)
        except CompileError as error:
            raise CompileError(
                error.message.removeprefix("cuda: "), error.op, error.location
            ) from None
        output.write(text)
