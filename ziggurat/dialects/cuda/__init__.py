"""The `cuda` dialect: kernels and what CUDA C expresses beyond plain loops.

A `cuda.kernel` is a `__global__` function whose body every thread of a launch
runs (SPMD, like MLIR's `gpu.func kernel`); inside it `cuda.thread_id`,
`cuda.block_id`, `cuda.block_dim` and `cuda.grid_dim` name the thread, shared
tiles are `cuda.shared_memory` (static) or `cuda.dynamic_shared_memory` views,
per-thread register arrays are `memref.alloca` in `#device.memory_space<local>`,
`cuda.barrier` is `__syncthreads()`, `cuda.shuffle` a warp shuffle, `cuda.dp4a`
the int8 dot product, and `cuda.mma_*` the WMMA tensor-core fragments.
`cuda.launch` runs a kernel from the host on a grid. Buffers move with
`device.alloc` / `device.copy` in `#device.memory_space<global>`.
Reference: docs/dialects/cuda.md.

The ops live in `attrs` (attributes and types), `kernel` (kernels, indices, shared
memory), `warp` (barriers, shuffles, dp4a, tensor cores) and `launch` (the host side).
"""

from xdsl.ir import Dialect

from ziggurat.dialects.cuda.attrs import (
    FRAGMENT_LAYOUTS,
    FRAGMENT_ROLES,
    FRAGMENT_SHAPE,
    Dimension,
    DimensionAttr,
    FragmentLayout,
    FragmentRole,
    FragmentRoleAttr,
    FragmentType,
    ShuffleMode,
    ShuffleModeAttr,
)
from ziggurat.dialects.cuda.kernel import (
    THREAD_DEPENDENT,
    BlockDimOp,
    BlockIdOp,
    DynamicSharedMemoryOp,
    GridDimOp,
    KernelOp,
    LaneIdOp,
    ReturnOp,
    SharedMemoryOp,
    ThreadIdOp,
    constant_int,
    enclosing_kernel,
    memref_bytes,
)
from ziggurat.dialects.cuda.launch import LaunchOp, passes_for
from ziggurat.dialects.cuda.warp import (
    BarrierOp,
    Dp4aOp,
    MmaComputeOp,
    MmaFillOp,
    MmaLoadOp,
    MmaStoreOp,
    ShuffleOp,
    divergent_parent,
    thread_dependent,
)

Cuda = Dialect(
    "cuda",
    [
        KernelOp,
        ReturnOp,
        ThreadIdOp,
        BlockIdOp,
        BlockDimOp,
        GridDimOp,
        LaneIdOp,
        SharedMemoryOp,
        DynamicSharedMemoryOp,
        BarrierOp,
        ShuffleOp,
        Dp4aOp,
        MmaFillOp,
        MmaLoadOp,
        MmaComputeOp,
        MmaStoreOp,
        LaunchOp,
    ],
    [DimensionAttr, ShuffleModeAttr, FragmentType, FragmentRoleAttr],
)

__all__ = [
    "FRAGMENT_LAYOUTS",
    "FRAGMENT_ROLES",
    "FRAGMENT_SHAPE",
    "THREAD_DEPENDENT",
    "BarrierOp",
    "BlockDimOp",
    "BlockIdOp",
    "Cuda",
    "Dimension",
    "DimensionAttr",
    "Dp4aOp",
    "DynamicSharedMemoryOp",
    "FragmentLayout",
    "FragmentRole",
    "FragmentRoleAttr",
    "FragmentType",
    "GridDimOp",
    "KernelOp",
    "LaneIdOp",
    "LaunchOp",
    "MmaComputeOp",
    "MmaFillOp",
    "MmaLoadOp",
    "MmaStoreOp",
    "ReturnOp",
    "SharedMemoryOp",
    "ShuffleMode",
    "ShuffleModeAttr",
    "ShuffleOp",
    "ThreadIdOp",
    "constant_int",
    "divergent_parent",
    "enclosing_kernel",
    "memref_bytes",
    "passes_for",
    "thread_dependent",
]
