"""`ziggurat-translate -t mxu-asm | mxu-bin`: the instruction streams of a module's mxu kernels.

`mxu-asm` prints every kernel as assembly, headed by its source location and
its DRAM layout (which buffer sits at which address: the runtime's layout,
docs/mxu.md "Running programs"), with the buffer each `load` and `store`
moves as a comment. `mxu-bin` writes one kernel's binary (`kernel=N`, default
the first, in program order); the layout is the same. `mxu-config` writes the
machine a kernel was compiled for as a TOML file for `ziggurat-sim --config`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, ModuleOp
from xdsl.utils.target import Target

from ziggurat.diagnostics import CompileError, location_of
from ziggurat.dialects.mxu import InstructionOp, PlanAttr
from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.targets.mxu.runtime import Kernel, assemble_kernel, describe_layout, mxu_launches


def _kernels(module: ModuleOp) -> list[Kernel]:
    launches = mxu_launches(module)
    if not launches:
        raise CompileError("the module has no mxu kernel (run mxu-pipeline first)", module)
    return [assemble_kernel(launch) for launch in launches]


def _machine(kernel: Kernel) -> str:
    """The kernel's config, as the differences from the default machine."""
    default = MxuConfig().to_dict()
    changed = {k: v for k, v in kernel.config.to_dict().items() if v != default[k]}
    return ", ".join(f"{k} = {v}" for k, v in changed.items()) or "the default (edge) preset"


def _one_kernel(module: ModuleOp, index: int) -> Kernel:
    kernels = _kernels(module)
    if not 0 <= index < len(kernels):
        raise CompileError(
            f"the module has {len(kernels)} mxu kernel(s); 'kernel={index}' is not one",
            module,
        )
    return kernels[index]


def _comments(kernel: Kernel) -> list[str | None]:
    comments: list[str | None] = []
    for op in list(kernel.launch.body.block.ops)[:-1]:
        assert isinstance(op, InstructionOp)
        comments.append(f"{op.dram[0].name_hint or 'buffer'}" if op.dram else None)
    return comments


@dataclass(frozen=True)
class MxuAsmTarget(Target):
    """The assembly of every mxu kernel, each with its DRAM layout."""

    name = "mxu-asm"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from ziggurat.targets.mxu.assembly import format_assembly

        parts = []
        for i, kernel in enumerate(_kernels(module)):
            where = location_of(kernel.launch)
            plans = kernel.launch.attributes.get("mxu.plans")
            header = [f"kernel {i}" + (f" ({where})" if where else "")]
            header.append(f"  machine: {_machine(kernel)}")
            if isinstance(plans, ArrayAttr):
                header += [f"  plan: {p.describe()}" for p in plans if isinstance(p, PlanAttr)]
            header += describe_layout(kernel)
            parts.append(format_assembly(kernel.program, _comments(kernel), "\n".join(header)))
        output.write("\n".join(parts))


@dataclass(frozen=True)
class MxuBinTarget(Target):
    """One mxu kernel's binary: 16 bytes per instruction (ziggurat-translate writes bytes)."""

    name = "mxu-bin"

    kernel: int = 0
    """Which kernel of the module (in program order)."""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        """Through a text stream, the binary is written as hexadecimal."""
        output.write(self.emit_bytes(ctx, module).hex())

    def emit_bytes(self, ctx: Context, module: ModuleOp) -> bytes:
        from ziggurat.targets.mxu.encoding import encode

        return encode(_one_kernel(module, self.kernel).program)


@dataclass(frozen=True)
class MxuConfigTarget(Target):
    """The machine one mxu kernel was compiled for, as TOML (`ziggurat-sim --config`)."""

    name = "mxu-config"

    kernel: int = 0
    """Which kernel of the module (in program order)."""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        config = _one_kernel(module, self.kernel).config
        for key, value in config.to_dict().items():
            output.write(f"{key} = {str(value).lower() if isinstance(value, bool) else value}\n")
