"""Named pipelines: a pipeline is only a list of passes.

Each pipeline is a pass class whose options choose the passes it stands for.
`ziggurat-opt` expands it into those passes before running them, so
`--print-ir-after-all` and `--pass-timing` show every step, and a user can
always reproduce a pipeline pass by pass (`ziggurat-opt -p NAME
--dump-pass-pipeline` prints the expansion). Run through xDSL's own driver,
`apply` runs the same list in order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib import import_module

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.transforms.canonicalize import CanonicalizePass
from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination

_PRODUCED_DIALECTS: dict[str, tuple[str, str]] = {
    "builtin": ("xdsl.dialects.builtin", "Builtin"),
    "func": ("xdsl.dialects.func", "Func"),
    "math": ("xdsl.dialects.math", "Math"),
    "arith": ("ziggurat.dialects.arith", "Arith"),
    "affine": ("ziggurat.dialects.affine", "Affine"),
    "bufferization": ("ziggurat.dialects.bufferization", "Bufferization"),
    "linalg": ("ziggurat.dialects.linalg", "Linalg"),
    "memref": ("ziggurat.dialects.memref", "MemRef"),
    "scf": ("ziggurat.dialects.scf", "Scf"),
    "tensor": ("ziggurat.dialects.tensor", "Tensor"),
    "device": ("ziggurat.dialects.device", "Device"),
    "cpu": ("ziggurat.dialects.cpu", "Cpu"),
    "cuda": ("ziggurat.dialects.cuda", "Cuda"),
    "mxu": ("ziggurat.dialects.mxu", "Mxu"),
}
"""Every dialect whose ops a pipeline reads, creates or folds, by module and name."""


def lowering_context() -> Context:
    """A context for running pipelines outside a tool: every dialect they touch.

    Folding an op needs its dialect in the context (for its constant
    materialiser), so a pipeline run in a bare context fails on the first
    foldable op. Dialects load on first use.
    """
    ctx = Context()
    for name, (module, attr) in _PRODUCED_DIALECTS.items():
        ctx.register_dialect(name, lambda m=module, a=attr: getattr(import_module(m), a))
    return ctx


class PipelinePass(ModulePass, ABC):
    """A pass that stands for a list of other passes."""

    @abstractmethod
    def passes(self) -> list[ModulePass]:
        """The passes this pipeline runs, in order, for its option values."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for pass_ in self.passes():
            pass_.apply(ctx, op)


@dataclass(frozen=True)
class LowerToAffinePass(PipelinePass):
    """Tensor programs to affine loops: bufferize, linalg to affine.for nests, clean up."""

    name = "lower-to-affine"

    def passes(self) -> list[ModulePass]:
        from ziggurat.passes.bufferize.ziggurat_bufferize import BufferizePass
        from ziggurat.passes.conversion.convert_linalg_to_affine_loops import (
            ConvertLinalgToAffineLoopsPass,
        )

        return [
            BufferizePass(),
            ConvertLinalgToAffineLoopsPass(),
            CanonicalizePass(),
            CommonSubexpressionElimination(),
        ]


@dataclass(frozen=True)
class LowerToLoopsPass(PipelinePass):
    """Tensor programs to scf loops and arith: `lower-to-affine`, then `lower-affine`."""

    name = "lower-to-loops"

    def passes(self) -> list[ModulePass]:
        from ziggurat.passes.conversion.lower_affine import LowerAffinePass

        return [*LowerToAffinePass().passes(), LowerAffinePass(), CanonicalizePass()]


@dataclass(frozen=True)
class CpuPipelinePass(PipelinePass):
    """Tensor programs to C-ready IR: packed matmul kernels, tiled loops on OpenMP threads.

    `linalg-fuse-elementwise` (elementwise chains become one loop nest; a bias add
    moves into its matmul's or convolution's init), `ziggurat-bufferize`,
    `cpu-conv-to-matmul` (NHWC/HWCF convolutions become im2col + matmul),
    `cpu-matmul-kernel` (f32 and int8 matmuls become packed,
    register-blocked kernels), `convert-linalg-to-affine-loops`, `canonicalize`,
    `cse`, `affine-loop-tile{tile-sizes skip-illegal=true}`, `affine-parallelize`,
    `map-to-device{target=cpu simd num_threads=threads}`, `convert-device-to-cpu`,
    `canonicalize`, `cse`.
    """

    name = "cpu-pipeline"

    tile_sizes: tuple[int, ...] = (32, 32, 32)
    """Tile sizes of each perfect loop band, outermost first (0: that loop is not tiled)."""
    threads: int = 0
    """OpenMP threads of each parallel loop nest; 0 leaves it to OMP_NUM_THREADS."""
    simd: bool = True
    """Run the innermost unit-step parallel loop of each band in SIMD lanes (`omp simd`)."""

    def passes(self) -> list[ModulePass]:
        from ziggurat.passes.affine.affine_loop_tile import AffineLoopTilePass
        from ziggurat.passes.affine.affine_parallelize import AffineParallelizePass
        from ziggurat.passes.bufferize.ziggurat_bufferize import BufferizePass
        from ziggurat.passes.conversion.convert_device_to_cpu import ConvertDeviceToCpuPass
        from ziggurat.passes.conversion.convert_linalg_to_affine_loops import (
            ConvertLinalgToAffineLoopsPass,
        )
        from ziggurat.passes.conversion.map_to_device import MapToDevicePass
        from ziggurat.passes.cpu.cpu_conv_to_matmul import CpuConvToMatmulPass
        from ziggurat.passes.cpu.cpu_matmul_kernel import CpuMatmulKernelPass
        from ziggurat.passes.linalg.linalg_fuse_elementwise import LinalgFuseElementwisePass

        return [
            LinalgFuseElementwisePass(),
            BufferizePass(),
            CpuConvToMatmulPass(),
            CpuMatmulKernelPass(),
            ConvertLinalgToAffineLoopsPass(),
            CanonicalizePass(),
            CommonSubexpressionElimination(),
            AffineLoopTilePass(tile_sizes=tuple(self.tile_sizes), skip_illegal=True),
            AffineParallelizePass(),
            MapToDevicePass(target="cpu", simd=self.simd, num_threads=self.threads),
            ConvertDeviceToCpuPass(),
            CanonicalizePass(),
            CommonSubexpressionElimination(),
        ]


@dataclass(frozen=True)
class MxuPipelinePass(PipelinePass):
    """Tensor programs to host code plus mxu instruction streams.

    `linalg-fuse-elementwise{fold-bias=false}` (epilogue chains become one generic, the
    bias stays in it for the activation unit), `ziggurat-bufferize`,
    `cpu-conv-to-matmul` (convolutions become im2col on the host + a matmul),
    `convert-linalg-to-mxu` (matmuls and their fill/epilogue become `mxu.gemm`
    kernels), `mxu-schedule` (tiling, double buffering, tokens), `canonicalize`.
    What the unit cannot run stays on the host as linalg on buffers.
    """

    name = "mxu-pipeline"

    preset: str = "edge"
    """The machine: `edge` or `tpu-v1`."""
    config: str = ""
    """A TOML or JSON machine config file (wins over `preset`)."""
    rows: int = 0
    """Array rows (0: the preset's)."""
    cols: int = 0
    """Array columns (0: the preset's)."""
    dataflow: str = "ws"
    """`ws` (weight-stationary: loadw + matmul) or `os` (output-stationary: matmul_os)."""
    host_fallback: bool = True
    """Leave matmuls the unit cannot run on the host (false: report them)."""

    def passes(self) -> list[ModulePass]:
        from ziggurat.passes.bufferize.ziggurat_bufferize import BufferizePass
        from ziggurat.passes.conversion.convert_linalg_to_mxu import ConvertLinalgToMxuPass
        from ziggurat.passes.cpu.cpu_conv_to_matmul import CpuConvToMatmulPass
        from ziggurat.passes.linalg.linalg_fuse_elementwise import LinalgFuseElementwisePass
        from ziggurat.passes.mxu.mxu_schedule import MxuSchedulePass

        return [
            LinalgFuseElementwisePass(fold_bias=False),
            BufferizePass(),
            CpuConvToMatmulPass(),
            ConvertLinalgToMxuPass(
                preset=self.preset,
                config=self.config,
                rows=self.rows,
                cols=self.cols,
                dataflow=self.dataflow,
                host_fallback=self.host_fallback,
            ),
            MxuSchedulePass(),
            CanonicalizePass(),
        ]


@dataclass(frozen=True)
class CudaPipelinePass(PipelinePass):
    """Tensor programs to CUDA-ready IR: kernels on blocks and threads, buffers on the GPU.

    `linalg-fuse-elementwise{fold-bias=false}` (elementwise chains become one loop
    nest, so one kernel; a bias stays in the matmul's epilogue), `ziggurat-bufferize`,
    `cpu-conv-to-matmul` (convolutions become im2col + matmul), `cuda-matmul-kernel`
    (matmuls become tiled shared-memory GEMM kernels), `cuda-reduction-kernel` (row
    reductions become warp-shuffle kernels), `convert-linalg-to-affine-loops`,
    `canonicalize`, `cse`, `affine-parallelize`,
    `map-to-device{target=cuda block-sizes}`, `lower-affine`, `canonicalize`,
    `convert-device-to-cuda`, `canonicalize`, `cse`.
    """

    name = "cuda-pipeline"

    block_sizes: tuple[int, ...] = ()
    """Threads per block of elementwise kernels, innermost last (default: from the shape)."""
    sm: int = 80
    """The compute capability kernels are compiled for (shared-memory limits, tensor cores)."""

    def passes(self) -> list[ModulePass]:
        from ziggurat.passes.affine.affine_parallelize import AffineParallelizePass
        from ziggurat.passes.bufferize.ziggurat_bufferize import BufferizePass
        from ziggurat.passes.conversion.convert_device_to_cuda import ConvertDeviceToCudaPass
        from ziggurat.passes.conversion.convert_linalg_to_affine_loops import (
            ConvertLinalgToAffineLoopsPass,
        )
        from ziggurat.passes.conversion.lower_affine import LowerAffinePass
        from ziggurat.passes.conversion.map_to_device import MapToDevicePass
        from ziggurat.passes.cpu.cpu_conv_to_matmul import CpuConvToMatmulPass
        from ziggurat.passes.cuda.cuda_matmul_kernel import CudaMatmulKernelPass
        from ziggurat.passes.cuda.cuda_reduction_kernel import CudaReductionKernelPass
        from ziggurat.passes.linalg.linalg_fuse_elementwise import LinalgFuseElementwisePass

        return [
            LinalgFuseElementwisePass(fold_bias=False),
            BufferizePass(),
            CpuConvToMatmulPass(),
            CudaMatmulKernelPass(sm=self.sm),
            CudaReductionKernelPass(),
            ConvertLinalgToAffineLoopsPass(),
            CanonicalizePass(),
            CommonSubexpressionElimination(),
            AffineParallelizePass(),
            MapToDevicePass(target="cuda", block_sizes=tuple(self.block_sizes)),
            LowerAffinePass(),
            CanonicalizePass(),
            ConvertDeviceToCudaPass(),
            CanonicalizePass(),
            CommonSubexpressionElimination(),
        ]
