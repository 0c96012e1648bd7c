"""Everything ziggurat registers, and the registry its tools build from all plugins.

Two parts, because xDSL refuses two universes that define the same name:

- `ZIGGURAT_UNIVERSE`, published through the `xdsl.universe` entry point, holds
  only names ziggurat owns (its dialects, passes and targets), so installing
  ziggurat never breaks plain `xdsl-opt`.
- `UPSTREAM_EXTENSIONS` replaces some of xDSL's upstream dialects (affine,
  arith, bufferization, linalg, memref, scf, tensor) by ziggurat's versions,
  which read and print MLIR's syntax. Ziggurat's tools apply them on top of
  every installed universe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from xdsl.universe import Universe

if TYPE_CHECKING:
    from xdsl.context import Context
    from xdsl.ir import Dialect
    from xdsl.passes import ModulePass
    from xdsl.utils.target import Target


def _affine() -> Dialect:
    from ziggurat.dialects.affine import Affine

    return Affine


def _arith() -> Dialect:
    from ziggurat.dialects.arith import Arith

    return Arith


def _bufferization() -> Dialect:
    from ziggurat.dialects.bufferization import Bufferization

    return Bufferization


def _linalg() -> Dialect:
    from ziggurat.dialects.linalg import Linalg

    return Linalg


def _memref() -> Dialect:
    from ziggurat.dialects.memref import MemRef

    return MemRef


def _scf() -> Dialect:
    from ziggurat.dialects.scf import Scf

    return Scf


def _tensor() -> Dialect:
    from ziggurat.dialects.tensor import Tensor

    return Tensor


UPSTREAM_EXTENSIONS: dict[str, Callable[[], Dialect]] = {
    "affine": _affine,
    "arith": _arith,
    "bufferization": _bufferization,
    "linalg": _linalg,
    "memref": _memref,
    "scf": _scf,
    "tensor": _tensor,
}
"""Upstream dialects whose ziggurat version replaces xDSL's in ziggurat's tools."""


def _pass(module: str, cls: str) -> Callable[[], type[ModulePass]]:
    """A factory that imports `ziggurat.passes.<module>.<cls>` when first called."""

    def load() -> type[ModulePass]:
        return getattr(import_module(f"ziggurat.passes.{module}"), cls)

    return load


_PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "ziggurat-bufferize": _pass("bufferize.ziggurat_bufferize", "BufferizePass"),
    "convert-linalg-to-affine-loops": _pass(
        "conversion.convert_linalg_to_affine_loops", "ConvertLinalgToAffineLoopsPass"
    ),
    "linalg-tile": _pass("linalg.linalg_tile", "LinalgTilePass"),
    "linalg-fuse-elementwise": _pass("linalg.linalg_fuse_elementwise", "LinalgFuseElementwisePass"),
    "affine-loop-tile": _pass("affine.affine_loop_tile", "AffineLoopTilePass"),
    "affine-loop-interchange": _pass("affine.affine_loop_interchange", "AffineLoopInterchangePass"),
    "affine-loop-unroll": _pass("affine.affine_loop_unroll", "AffineLoopUnrollPass"),
    "affine-parallelize": _pass("affine.affine_parallelize", "AffineParallelizePass"),
    "map-to-device": _pass("conversion.map_to_device", "MapToDevicePass"),
    "convert-device-to-cpu": _pass("conversion.convert_device_to_cpu", "ConvertDeviceToCpuPass"),
    "convert-device-to-cuda": _pass("conversion.convert_device_to_cuda", "ConvertDeviceToCudaPass"),
    "cpu-matmul-kernel": _pass("cpu.cpu_matmul_kernel", "CpuMatmulKernelPass"),
    "cpu-conv-to-matmul": _pass("cpu.cpu_conv_to_matmul", "CpuConvToMatmulPass"),
    "cuda-matmul-kernel": _pass("cuda.cuda_matmul_kernel", "CudaMatmulKernelPass"),
    "cuda-reduction-kernel": _pass("cuda.cuda_reduction_kernel", "CudaReductionKernelPass"),
    "convert-linalg-to-mxu": _pass("conversion.convert_linalg_to_mxu", "ConvertLinalgToMxuPass"),
    "mxu-schedule": _pass("mxu.mxu_schedule", "MxuSchedulePass"),
    "lower-to-affine": _pass("pipelines", "LowerToAffinePass"),
    "lower-to-loops": _pass("pipelines", "LowerToLoopsPass"),
    "cpu-pipeline": _pass("pipelines", "CpuPipelinePass"),
    "mxu-pipeline": _pass("pipelines", "MxuPipelinePass"),
    "cuda-pipeline": _pass("pipelines", "CudaPipelinePass"),
}

UPSTREAM_PASS_EXTENSIONS: dict[str, Callable[[], type[ModulePass]]] = {
    "lower-affine": _pass("conversion.lower_affine", "LowerAffinePass"),
    "linalg-generalize-named-ops": _pass(
        "linalg.linalg_generalize_named_ops", "LinalgGeneralizeNamedOpsPass"
    ),
}
"""Passes xDSL names too, whose ziggurat version (complete for MLIR's op set) wins."""


def _dialect(module: str, attr: str) -> Callable[[], Dialect]:
    """A factory that imports `ziggurat.dialects.<module>.<attr>` when first called."""

    def load() -> Dialect:
        return getattr(import_module(f"ziggurat.dialects.{module}"), attr)

    return load


def _target(module: str, cls: str) -> Callable[[], type[Target]]:
    """A factory that imports `ziggurat.targets.<module>.<cls>` when first called."""

    def load() -> type[Target]:
        return getattr(import_module(f"ziggurat.targets.{module}"), cls)

    return load


_DIALECTS: dict[str, Callable[[], Dialect]] = {
    "device": _dialect("device", "Device"),
    "cpu": _dialect("cpu", "Cpu"),
    "mxu": _dialect("mxu", "Mxu"),
    "cuda": _dialect("cuda", "Cuda"),
}

_TARGETS: dict[str, Callable[[], type[Target]]] = {
    "c": _target("c.translate", "CTarget"),
    "cuda": _target("cuda.translate", "CudaTarget"),
    "mxu-asm": _target("mxu.translate", "MxuAsmTarget"),
    "mxu-bin": _target("mxu.translate", "MxuBinTarget"),
    "mxu-config": _target("mxu.translate", "MxuConfigTarget"),
}

ZIGGURAT_UNIVERSE = Universe(all_dialects=_DIALECTS, all_passes=_PASSES, all_targets=_TARGETS)
"""Ziggurat's own dialects, passes and targets (the `xdsl.universe` entry point)."""


class RegistryError(Exception):
    """Two installed universes define the same name, or one is malformed."""


@dataclass
class Registry:
    """The dialects, passes and targets of every installed universe.

    Each entry is a factory, so nothing is imported until it is used; `origin`
    records which universe (entry point name) provides each name.
    """

    dialects: dict[str, Callable[[], Dialect]] = field(default_factory=dict)
    passes: dict[str, Callable[[], type[ModulePass]]] = field(default_factory=dict)
    targets: dict[str, Callable[[], type[Target]]] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)

    def make_context(self, allow_unregistered: bool = False) -> Context:
        from xdsl.context import Context

        ctx = Context(allow_unregistered=allow_unregistered)
        for name, factory in self.dialects.items():
            ctx.register_dialect(name, factory)
        return ctx


def load_registry() -> Registry:
    """Collect every `xdsl.universe` entry point and apply ziggurat's extensions."""
    registry = Registry()
    kinds = ("dialect", "pass", "target")
    for plugin in sorted(entry_points(group="xdsl.universe"), key=lambda e: e.name):
        try:
            universe = plugin.load()
        except Exception as error:
            raise RegistryError(
                f"cannot load plugin '{plugin.name}' ({plugin.value}): {error}"
            ) from error
        if not isinstance(universe, Universe):
            raise RegistryError(f"plugin '{plugin.name}' ({plugin.value}) is not an xdsl Universe")
        tables = (universe.all_dialects, universe.all_passes, universe.all_targets)
        targets = (registry.dialects, registry.passes, registry.targets)
        for kind, table, target in zip(kinds, tables, targets, strict=True):
            for name, factory in table.items():
                if name in target:
                    other = registry.origin[kind, name]
                    raise RegistryError(
                        f"{kind} '{name}' is defined by both plugin '{other}' "
                        f"and plugin '{plugin.name}'"
                    )
                target[name] = factory  # pyright: ignore[reportArgumentType]
                registry.origin[kind, name] = plugin.name
    for name, factory in UPSTREAM_EXTENSIONS.items():
        registry.dialects[name] = factory
        registry.origin["dialect", name] = "ziggurat"
    for name, pass_factory in UPSTREAM_PASS_EXTENSIONS.items():
        registry.passes[name] = pass_factory
        registry.origin["pass", name] = "ziggurat"
    return registry
