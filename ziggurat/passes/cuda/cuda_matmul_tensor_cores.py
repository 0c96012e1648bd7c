"""bf16 x bf16 -> f32 GEMMs on WMMA tensor-core fragments, for `cuda-matmul-kernel`.

Used when the GEMM's shapes divide a block tile (`tensor_core_tiling`); ragged
shapes take the SIMT kernel of `cuda_matmul_kernel.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.builder import ImplicitBuilder
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import (
    BFloat16Type,
    Float32Type,
    FloatAttr,
    IndexType,
)
from xdsl.ir import Block, SSAValue

from ziggurat.dialects import cuda
from ziggurat.dialects.device_attrs import MemorySpace
from ziggurat.passes.cuda.kernel_builder import (
    for_loop,
    if_then,
    memref_in,
)
from ziggurat.passes.gemm import (
    Epilogue,
)
from ziggurat.passes.index_arith import add, index, less, mul

bf16, f32 = BFloat16Type(), Float32Type()


@dataclass(frozen=True)
class TensorCoreTiling:
    """Block tile BM x BN over warps of 32 x 32 (2 x 2 WMMA fragments), K tile BK."""

    bm: int = 128
    bn: int = 64
    bk: int = 32

    @property
    def warps(self) -> int:
        return (self.bm // 32) * (self.bn // 32)


PAD = 8
"""bf16 elements added to each shared row: rows stay 32-byte aligned for WMMA while
consecutive rows fall in different banks."""


def tensor_core_tiling(m: int, n: int, k: int) -> TensorCoreTiling | None:
    """The largest block tile dividing M and N (K by 32), or None for ragged shapes."""
    if k % 32:
        return None
    for bm, bn in ((128, 64), (64, 64), (64, 32), (32, 32)):
        if m % bm == 0 and n % bn == 0:
            return TensorCoreTiling(bm, bn)
    return None


@dataclass
class TensorCoreGemm:
    """Builds a bf16 x bf16 -> f32 GEMM on WMMA m16n16k16 fragments.

    Each warp owns a 32 x 32 tile of C as four accumulator fragments carried through
    the K loop. A and B tiles are staged in two shared buffers each, alternating
    (the loop handles two K tiles per iteration so each buffer is named statically);
    the next tile is loaded while the current one feeds the tensor cores. The
    write-back goes fragment by fragment through a per-warp 16 x 16 scratch tile so
    the epilogue and the old value of C apply element by element.
    """

    tiling: TensorCoreTiling
    m: int
    n: int
    k: int
    init: SSAValue | None
    epilogue: Epilogue | None
    captured: dict[SSAValue, SSAValue] = field(default_factory=dict)

    def build(self, a: SSAValue, b: SSAValue, c: SSAValue) -> None:
        t = self.tiling
        tid = cuda.ThreadIdOp("x").result
        warp = arith.DivUIOp(tid, index(32)).result
        lane = arith.RemUIOp(tid, index(32)).result
        across = index(t.bn // 32)
        wm = mul(arith.DivUIOp(warp, across).result, index(32))
        wn = mul(arith.RemUIOp(warp, across).result, index(32))
        col0 = mul(cuda.BlockIdOp("x").result, index(t.bn))
        row0 = mul(cuda.BlockIdOp("y").result, index(t.bm))
        a_tiles = [
            cuda.SharedMemoryOp(memref_in(bf16, [t.bm, t.bk + PAD], MemorySpace.SHARED)).memref
            for _ in range(2)
        ]
        b_tiles = [
            cuda.SharedMemoryOp(memref_in(bf16, [t.bk, t.bn + PAD], MemorySpace.SHARED)).memref
            for _ in range(2)
        ]
        scratch = cuda.SharedMemoryOp(memref_in(f32, [t.warps * 16, 16], MemorySpace.SHARED)).memref
        start = self.init if self.init is not None else arith.ConstantOp(FloatAttr(0.0, f32)).result
        accs: list[SSAValue] = [cuda.MmaFillOp(start).result for _ in range(4)]
        threads = t.warps * 32
        tiles = self.k // t.bk

        def stage(tile, source, rows, cols, r0, c0) -> None:
            def one(r: SSAValue) -> None:
                e = add(tid, mul(r, index(threads)))
                i = arith.DivUIOp(e, index(cols)).result
                j = arith.RemUIOp(e, index(cols)).result
                value = memref.LoadOp.get(source, [add(r0, i), add(c0, j)]).res
                memref.StoreOp.get(value, tile, [i, j])

            for_loop(rows * cols // threads, one)

        def load(buffer: int, k0: SSAValue) -> None:
            stage(a_tiles[buffer], a, t.bm, t.bk, row0, k0)
            stage(b_tiles[buffer], b, t.bk, t.bn, k0, col0)

        def compute(buffer: int, accs: list[SSAValue]) -> list[SSAValue]:
            out = list(accs)
            for kk in range(0, t.bk, 16):
                frag_a = [
                    cuda.MmaLoadOp(
                        a_tiles[buffer],
                        [add(wm, index(16 * i)), index(kk)],
                        cuda.FragmentType(cuda.FragmentRole.A, bf16, cuda.FragmentLayout.ROW_MAJOR),
                    ).result
                    for i in range(2)
                ]
                frag_b = [
                    cuda.MmaLoadOp(
                        b_tiles[buffer],
                        [index(kk), add(wn, index(16 * j))],
                        cuda.FragmentType(cuda.FragmentRole.B, bf16, cuda.FragmentLayout.ROW_MAJOR),
                    ).result
                    for j in range(2)
                ]
                for i in range(2):
                    for j in range(2):
                        out[2 * i + j] = cuda.MmaComputeOp(
                            frag_a[i], frag_b[j], out[2 * i + j]
                        ).result
            return out

        def tile_step(kt: SSAValue, buffer: int, accs: list[SSAValue]) -> list[SSAValue]:
            following = add(kt, index(1))
            if_then(
                less(following, index(tiles)),
                lambda: load(1 - buffer, mul(following, index(t.bk))),
            )
            out = compute(buffer, accs)
            cuda.BarrierOp()
            return out

        load(0, index(0))
        cuda.BarrierOp()
        pairs = tiles // 2
        if pairs:
            body = Block(arg_types=[IndexType(), *(v.type for v in accs)])
            with ImplicitBuilder(body):
                kt = mul(body.args[0], index(2))
                out = tile_step(kt, 0, list(body.args[1:]))
                out = tile_step(add(kt, index(1)), 1, out)
                scf.YieldOp(*out)
            loop = scf.ForOp(index(0), index(pairs), index(1), accs, body)
            accs = list(loop.results)
        if tiles % 2:
            accs = tile_step(index(tiles - 1), 0, accs)
        self._write_back(c, accs, scratch, warp, lane, wm, wn, row0, col0)

    def _write_back(self, c, accs, scratch, warp, lane, wm, wn, row0, col0) -> None:
        base = mul(warp, index(16))
        for i in range(2):
            for j in range(2):
                cuda.MmaStoreOp(accs[2 * i + j], scratch, [base, index(0)])
                cuda.BarrierOp()

                def element(r: SSAValue, i: int = i, j: int = j) -> None:
                    e = add(lane, mul(r, index(32)))
                    ii = arith.DivUIOp(e, index(16)).result
                    jj = arith.RemUIOp(e, index(16)).result
                    row = add(row0, add(wm, add(index(16 * i), ii)))
                    col = add(col0, add(wn, add(index(16 * j), jj)))
                    value = memref.LoadOp.get(scratch, [add(base, ii), jj]).res
                    if self.init is None:
                        value = arith.AddfOp(memref.LoadOp.get(c, [row, col]).res, value).result
                    if self.epilogue is not None:
                        value = self.epilogue.apply(value, row, col, self.captured)
                    memref.StoreOp.get(value, c, [row, col])

                for_loop(8, element)
                cuda.BarrierOp()
