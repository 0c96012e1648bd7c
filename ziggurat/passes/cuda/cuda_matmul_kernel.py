"""`cuda-matmul-kernel`: f32 and i8xi8->i32 `linalg.matmul` / `linalg.batch_matmul` on
memrefs as a tiled GPU GEMM kernel.

Each block computes a BM x BN tile of C (blockIdx.y, blockIdx.x; blockIdx.z the batch),
each of its (BM/TM)*(BN/TN) threads a TM x TN register tile:

    acc[TM][TN] = fill value (a linalg.fill of C folded in) or 0
    load tile 0 of A (BM x BK, stored transposed: As[k][m]) and B (BK x BN) into stage 0
    barrier
    for t in 0..ceil(K/BK):
      if t + 1 < tiles: load tile t+1 into the other stage     (double buffering)
      for k < BK: a[i] = As[t%2][k][ty*TM+i]; b[j] = Bs[t%2][k][tx*TN+j];
                  acc[i][j] = fma(a[i], b[j], acc[i][j])
      barrier                                                   (stage t%2 is free)
    C[row][col] = epilogue(acc[i][j] (+ C's old value unless a fill was folded))

Tile loads are cooperative: consecutive threads read consecutive elements of a row
of B (and of A's rows), so global loads coalesce; out-of-range elements (ragged M, N,
K) load as 0, and the write-back skips rows and columns past C's edge. One barrier
per K tile suffices: a stage is overwritten only in the iteration after the one that
read it, which ends with the barrier. int8 GEMMs stage i8 tiles with K innermost
(A as [m][k], B transposed to [n][k], K tiles of 16) and take four products at a time
with `cuda.dp4a` into i32 accumulators (wrapping, as `linalg.matmul` on i32 does).
bf16 x bf16 -> f32 GEMMs whose shapes divide the tiles run on WMMA tensor-core
fragments instead (`TensorCoreGemm`). An elementwise
`linalg.generic` that follows the matmul on C (bias, ReLU, requantisation) is applied
in the write-back (cpu_matmul.fusable_epilogue); everything else is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.builder import ImplicitBuilder
from xdsl.context import Context
from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float32Type,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
)
from xdsl.dialects.func import FuncOp
from xdsl.dialects.linalg.ops import FillOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.dialects import cuda
from ziggurat.dialects.device_attrs import MemorySpace, MemorySpaceAttr
from ziggurat.dialects.linalg import BatchMatmulOp, MatmulOp
from ziggurat.hardware.cuda import DEFAULT_SM, MAX_THREADS_PER_BLOCK, WARP_SIZE, architecture
from ziggurat.passes.cuda.cuda_matmul_tensor_cores import TensorCoreGemm, tensor_core_tiling
from ziggurat.passes.cuda.kernel_builder import (
    for_loop,
    global_memref,
    if_then,
    memref_in,
    select_load,
)
from ziggurat.passes.gemm import (
    I8_I32,
    Arithmetic,
    Epilogue,
    arithmetic_for,
    captured_values,
    fusable_epilogue,
)
from ziggurat.passes.index_arith import add, both, index, less, mul

bf16, f32 = BFloat16Type(), Float32Type()


@dataclass(frozen=True)
class GemmTiling:
    """Block tile BM x BN, K tile BK, thread tile TM x TN."""

    bm: int
    bn: int
    bk: int
    tm: int
    tn: int

    @property
    def threads(self) -> int:
        return (self.bm // self.tm) * (self.bn // self.tn)


def _pow2_at_least(n: int, floor: int) -> int:
    p = floor
    while p < n:
        p *= 2
    return p


def choose_tiling(m: int, n: int, bm: int, bn: int, bk: int, tm: int, tn: int) -> GemmTiling:
    """The requested tiling shrunk to small matrices, keeping at least two warps of threads
    (fewer register tiles per thread when the matrix is small, and latency to hide)."""
    bm = min(bm, _pow2_at_least(m, 16))
    bn = min(bn, _pow2_at_least(n, 16))
    tm, tn = min(tm, bm), min(tn, bn)
    while (bm // tm) * (bn // tn) < 2 * WARP_SIZE and (tm > 1 or tn > 1):
        if tm >= tn and tm > 1:
            tm //= 2
        else:
            tn //= 2
    return GemmTiling(bm, bn, bk, tm, tn)


@dataclass
class _Gemm:
    """Builds the kernel body of one GEMM."""

    tiling: GemmTiling
    ar: Arithmetic
    m: int
    n: int
    k: int
    batched: bool
    init: SSAValue | None
    """The folded fill value (a kernel argument), or None to accumulate onto C."""
    epilogue: Epilogue | None
    dp4a: bool = False
    """int8: stage i8 tiles and multiply four k at a time with `__dp4a`."""
    captured: dict[SSAValue, SSAValue] = field(default_factory=dict)
    """Kernel values standing for what the epilogue reads from outside."""

    def build(self, a: SSAValue, b: SSAValue, c: SSAValue) -> None:
        t = self.tiling
        acc_t = self.ar.acc
        tid = cuda.ThreadIdOp("x").result
        col0 = mul(cuda.BlockIdOp("x").result, index(t.bn))
        row0 = mul(cuda.BlockIdOp("y").result, index(t.bm))
        self.batch = [cuda.BlockIdOp("z").result] if self.batched else []
        width = index(t.bn // t.tn)
        ty = arith.DivUIOp(tid, width).result
        tx = arith.RemUIOp(tid, width).result
        # dp4a reads four consecutive k of a row of A and of a column of B: both tiles
        # keep k innermost, in i8. Otherwise k is the middle index, so a thread's TM
        # (TN) values at one k are consecutive.
        i8 = IntegerType(8)
        staged = i8 if self.dp4a else acc_t
        a_shape = [2, t.bm, t.bk] if self.dp4a else [2, t.bk, t.bm]
        b_shape = [2, t.bn, t.bk] if self.dp4a else [2, t.bk, t.bn]
        a_tile = cuda.SharedMemoryOp(memref_in(staged, a_shape, MemorySpace.SHARED)).memref
        b_tile = cuda.SharedMemoryOp(memref_in(staged, b_shape, MemorySpace.SHARED)).memref
        accv = memref.AllocaOp.get(
            acc_t, shape=[t.tm, t.tn], memory_space=MemorySpaceAttr(MemorySpace.LOCAL)
        ).memref
        start = self.init if self.init is not None else self.ar.zero()
        for_loop(t.tm, lambda i: for_loop(t.tn, lambda j: memref.StoreOp.get(start, accv, [i, j])))
        zero = arith.ConstantOp(IntegerAttr(0, i8)).result if self.dp4a else self.ar.zero()
        sizes = (index(self.m), index(self.n), index(self.k))
        k_major = not self.dp4a

        def load_tiles(stage: SSAValue, k0: SSAValue) -> None:
            self._stage(a, a_tile, stage, row0, k0, tid, sizes, zero, "a", k_major)
            self._stage(b, b_tile, stage, k0, col0, tid, sizes, zero, "b", k_major)

        load_tiles(index(0), index(0))
        cuda.BarrierOp()
        tiles = -(-self.k // t.bk)

        def k_tile(kt: SSAValue) -> None:
            stage = arith.RemUIOp(kt, index(2)).result
            following = add(kt, index(1))
            other = arith.SubiOp(index(1), stage).result
            if_then(
                less(following, index(tiles)),
                lambda: load_tiles(other, mul(following, index(t.bk))),
            )

            def step_dp4a(k4: SSAValue) -> None:
                kk = mul(k4, index(4))
                for i in range(t.tm):
                    for j in range(t.tn):
                        ii, jj = index(i), index(j)
                        row = add(mul(ty, index(t.tm)), ii)
                        col = add(mul(tx, index(t.tn)), jj)
                        old = memref.LoadOp.get(accv, [ii, jj]).res
                        dot = cuda.Dp4aOp(a_tile, [stage, row, kk], b_tile, [stage, col, kk], old)
                        memref.StoreOp.get(dot.result, accv, [ii, jj])

            def step(kk: SSAValue) -> None:
                rows = [
                    memref.LoadOp.get(a_tile, [stage, kk, add(mul(ty, index(t.tm)), index(i))]).res
                    for i in range(t.tm)
                ]
                cols = [
                    memref.LoadOp.get(b_tile, [stage, kk, add(mul(tx, index(t.tn)), index(j))]).res
                    for j in range(t.tn)
                ]
                for i in range(t.tm):
                    for j in range(t.tn):
                        ii, jj = index(i), index(j)
                        old = memref.LoadOp.get(accv, [ii, jj]).res
                        memref.StoreOp.get(
                            self.ar.multiply_add(rows[i], cols[j], old), accv, [ii, jj]
                        )

            if self.dp4a:
                for_loop(t.bk // 4, step_dp4a)
            else:
                for_loop(t.bk, step)
            cuda.BarrierOp()

        for_loop(tiles, k_tile)
        self._write_back(c, accv, row0, col0, ty, tx, sizes)

    def _stage(
        self, source, tile, stage, r0, c0, tid, sizes, zero, operand: str, k_major: bool
    ) -> None:
        """Copy one operand tile to shared memory, all threads cooperating, zero-padded;
        `k_major` stores it as [k][m or n], else as [m or n][k]."""
        t = self.tiling
        is_a = operand == "a"
        rows, cols = (t.bm, t.bk) if is_a else (t.bk, t.bn)
        limits = (sizes[0], sizes[2]) if is_a else (sizes[2], sizes[1])
        extents = (self.m, self.k) if is_a else (self.k, self.n)
        # Source element (i, j) is A[m][k] or B[k][n]; k is j for A, i for B.
        transpose = is_a == k_major
        ragged = extents[0] % rows or extents[1] % cols
        per_thread = -(-(rows * cols) // t.threads)

        def one(r: SSAValue) -> None:
            e = add(tid, mul(r, index(t.threads)))

            def store() -> None:
                i = arith.DivUIOp(e, index(cols)).result
                j = arith.RemUIOp(e, index(cols)).result
                gi, gj = add(r0, i), add(c0, j)

                def load() -> SSAValue:
                    value = memref.LoadOp.get(source, [*self.batch, gi, gj]).res
                    return value if self.dp4a else self.ar.widen(value)

                if ragged:  # tiles overhang the operand: read zeros there
                    inside = both(less(gi, limits[0]), less(gj, limits[1]))
                    value = select_load(inside, load, zero)
                else:
                    value = load()
                where = [stage, j, i] if transpose else [stage, i, j]
                memref.StoreOp.get(value, tile, where)

            if (rows * cols) % t.threads:
                if_then(less(e, index(rows * cols)), store)
            else:
                store()

        for_loop(per_thread, one)

    def _write_back(self, c, accv, row0, col0, ty, tx, sizes) -> None:
        t = self.tiling

        def element(i: SSAValue, j: SSAValue) -> None:
            row = add(row0, add(mul(ty, index(t.tm)), i))
            col = add(col0, add(mul(tx, index(t.tn)), j))

            def store() -> None:
                value = memref.LoadOp.get(accv, [i, j]).res
                where = [*self.batch, row, col]
                if self.init is None:
                    value = self.ar.add(memref.LoadOp.get(c, where).res, value)
                if self.epilogue is not None:
                    value = self.epilogue.apply(value, row, col, self.captured)
                memref.StoreOp.get(value, c, where)

            if self.m % t.bm or self.n % t.bn:
                if_then(both(less(row, sizes[0]), less(col, sizes[1])), store)
            else:
                store()

        for_loop(t.tm, lambda i: for_loop(t.tn, lambda j: element(i, j)))


def _folded_fill(op: Operation, c: SSAValue) -> FillOp | None:
    """The `linalg.fill` of C right before `op`, whose value can seed the accumulators."""
    fill = op.prev_op
    if isinstance(fill, FillOp) and tuple(fill.outputs) == (c,) and not fill.results:
        return fill
    return None


@dataclass(frozen=True)
class CudaMatmulKernelPass(ModulePass):
    """Rewrite f32 and i8xi8->i32 linalg.matmul / batch_matmul on memrefs as a tiled GEMM
    kernel: BM x BN block tiles, BK-deep double-buffered shared-memory stages, TM x TN
    register tiles per thread, the fill and an elementwise epilogue fused.
    """

    name = "cuda-matmul-kernel"

    bm: int = 128
    bn: int = 128
    bk: int = 8
    tm: int = 8
    tn: int = 8
    fuse_epilogue: bool = True
    tensor_cores: bool = True
    """bf16 x bf16 -> f32 matmuls whose M, N and K divide the tiles run on WMMA fragments."""
    sm: int = DEFAULT_SM
    """The compute capability the kernels are for; tensor cores only where it has them."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        try:
            architecture(self.sm)
        except ValueError as error:
            raise CompileError(str(error), op) from None
        for name in ("bm", "bn", "bk", "tm", "tn"):
            if getattr(self, name) <= 0:
                raise CompileError(f"'{name}' must be positive", op)
        if self.bm % self.tm or self.bn % self.tn:
            raise CompileError("'bm' must be a multiple of 'tm' and 'bn' of 'tn'", op)
        if (self.bm // self.tm) * (self.bn // self.tn) > MAX_THREADS_PER_BLOCK:
            raise CompileError(
                f"the tiling needs {(self.bm // self.tm) * (self.bn // self.tn)} threads per "
                f"block; at most {MAX_THREADS_PER_BLOCK}",
                op,
            )
        for func in [f for f in op.ops if isinstance(f, FuncOp)]:
            count = 0
            for matmul in [o for o in func.walk() if isinstance(o, MatmulOp | BatchMatmulOp)]:
                if self._rewrite(op, func, matmul, count):
                    count += 1

    def _rewrite(self, module: ModuleOp, func: FuncOp, op: Operation, count: int) -> bool:
        if len(op.operands) != 3 or op.results or getattr(op, "indexing_maps", None) is not None:
            return False
        a, b, c = op.operands
        batched = isinstance(op, BatchMatmulOp)
        rank = 3 if batched else 2
        types = [v.type for v in (a, b, c)]
        if not all(isinstance(t, MemRefType) and t.get_num_dims() == rank for t in types):
            return False
        shapes = [t.get_shape() for t in types]  # pyright: ignore[reportAttributeAccessIssue]
        if any(s < 0 for shape in shapes for s in shape):
            return False
        elements = [t.element_type for t in types]  # pyright: ignore
        m, n, k = shapes[2][-2], shapes[2][-1], shapes[0][-1]
        if k == 0:
            return False
        ar = arithmetic_for(elements)
        tensor_cores = None
        usable = self.tensor_cores and architecture(self.sm).tensor_cores
        if ar is None and usable and not batched and elements == [bf16, bf16, f32]:
            tensor_cores = tensor_core_tiling(m, n, k)
        if ar is None and tensor_cores is None:
            return False
        fill = _folded_fill(op, c)
        epilogue = None if batched or not self.fuse_epilogue else fusable_epilogue(op, c)  # pyright: ignore
        args: list[SSAValue] = [a, b, c]
        if fill is not None:
            args.append(fill.inputs[0])
        constants: list[SSAValue] = []
        if epilogue is not None:
            args += [s[0] for s in epilogue.sources if s is not None]
            body_inputs = set(epilogue.generic.operands)
            for value in captured_values(epilogue.generic):
                if value in body_inputs or value in args:
                    continue
                if isinstance(value.owner, arith.ConstantOp):
                    constants.append(value)
                else:
                    args.append(value)
        kernel_types = [
            global_memref(v.type) if isinstance(v.type, MemRefType) else v.type for v in args
        ]  # pyright: ignore
        block = Block(arg_types=kernel_types)
        for arg, value in zip(block.args, args, strict=True):
            arg.name_hint = value.name_hint
        mapping: dict[SSAValue, SSAValue] = dict(zip(args, block.args, strict=True))
        if epilogue is not None:
            sources = tuple(None if s is None else (mapping[s[0]], s[1]) for s in epilogue.sources)
            epilogue = Epilogue(epilogue.generic, sources)
        init = block.args[3] if fill is not None else None
        if tensor_cores is not None:
            gemm: _Gemm | TensorCoreGemm = TensorCoreGemm(tensor_cores, m, n, k, init, epilogue)
            threads, block_n, block_m = tensor_cores.warps * 32, tensor_cores.bn, tensor_cores.bm
        else:
            assert ar is not None
            dp4a = ar is I8_I32
            bk, tm, tn = self.bk, self.tm, self.tn
            if dp4a:  # each dp4a is four MACs: a 4x4 tile does the work of 8x8 at half the
                # registers (two words read per dp4a instead of one float per FMA)
                bk, tm, tn = -(-max(bk, 16) // 4) * 4, min(tm, 4), min(tn, 4)
            tiling = choose_tiling(m, n, self.bm, self.bn, bk, tm, tn)
            gemm = _Gemm(tiling, ar, m, n, k, batched, init, epilogue, dp4a)
            threads, block_n, block_m = tiling.threads, tiling.bn, tiling.bm
        with ImplicitBuilder(block):
            for value in constants:
                mapping[value] = value.owner.clone().results[0]  # pyright: ignore
            gemm.captured = mapping
            gemm.build(block.args[0], block.args[1], block.args[2])
            cuda.ReturnOp()
        name = f"{func.sym_name.data}_gemm{count}"
        kernel = cuda.KernelOp(name, kernel_types, Region(block), max_threads=threads, sm=self.sm)
        module.body.block.insert_op_before(kernel, func)
        host = Block()
        with ImplicitBuilder(host):
            batch = shapes[2][0] if batched else 1
            grid = [index(-(-n // block_n)), index(-(-m // block_m)), index(batch)]
            sizes = [index(threads), index(1), index(1)]
            cuda.LaunchOp(name, grid, sizes, index(0), args)
        ops = list(host.ops)
        for o in ops:
            o.detach()
        Rewriter.insert_op(ops, InsertPoint.before(op))
        if epilogue is not None:
            Rewriter.erase_op(epilogue.generic)
        if fill is not None:
            Rewriter.erase_op(fill)
        Rewriter.erase_op(op)
        return True
