"""`cpu-matmul-kernel`: f32 and i8xi8->i32 `linalg.matmul` on memrefs as a packed,
register-blocked GEMM.

The GotoBLAS/BLIS structure, written with `scf`, `memref`, `arith` and `math` ops that
every CPU target prints:

    for jc in 0..N step nc:                      B column block
      for pc in 0..K step kc:                    reduction block
        parallel jr in 0..nb step nr:            pack B into nr-wide panels Bp[jr/nr][p][j]
        parallel ic in 0..M step mc:             one M block per thread
          pack A into mr-tall panels Ap[ir/mr][p][i]
          for jr, ir:                            micro-tiles
            acc[mr][nr] = 0                      a local array: registers after unrolling
            for p in 0..kb: acc[i][j] = fma(Ap[.][p][i], Bp[.][p][j], acc[i][j])
            C[ic+ir+i][jc+jr+j] += acc[i][j]     only the rows/columns that exist
                                                 (then the fused epilogue, last K block only)

Panels are zero-padded to mr/nr, so the micro-kernel always runs full mr x nr tiles with
constant trip counts (the C compiler unrolls and vectorises it); ragged edges cost only
padding. i8 operands are sign-extended to i32 while packing, so the kernel is the same
loop nest on i32 (multiply, add; wrapping). Other element types, tensor operands and
matmuls with custom indexing maps are left for the ordinary lowering.

Epilogue fusion: an elementwise `linalg.generic` right after the matmul that rewrites C in
place (ReLU, a per-column bias, ...) is applied in the write-back of the last K block, when
each element of C is final and written exactly once, instead of in a second pass over C.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xdsl.builder import ImplicitBuilder
from xdsl.context import Context
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import (
    IndexType,
    MemRefType,
    ModuleOp,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.linalg import MatmulOp
from ziggurat.dialects.scf import ParallelOp, ReduceOp
from ziggurat.passes.gemm import (
    Arithmetic,
    Epilogue,
    fusable_epilogue,
    kernel_arithmetic,
)
from ziggurat.passes.index_arith import add, index


@dataclass(frozen=True)
class Blocking:
    """Cache blocks (mc, kc, nc) and the register tile (mr x nr)."""

    mc: int
    kc: int
    nc: int
    mr: int
    nr: int
    parallel: bool


def _for(lower: SSAValue, upper: SSAValue, step: SSAValue, body: Callable[[SSAValue], object]):
    block = Block(arg_types=[IndexType()])
    with ImplicitBuilder(block):
        body(block.args[0])
        scf.YieldOp()
    scf.ForOp(lower, upper, step, [], block)


def _parallel(
    lower: SSAValue,
    upper: SSAValue,
    step: SSAValue,
    body: Callable[[SSAValue], None],
    parallel: bool,
):
    """An `scf.parallel` loop (OpenMP on the C target), or `scf.for` when threads=1."""
    if not parallel:
        _for(lower, upper, step, body)
        return
    block = Block(arg_types=[IndexType()])
    with ImplicitBuilder(block):
        body(block.args[0])
        ReduceOp()
    ParallelOp([lower], [upper], [step], [block])


def _min(a: SSAValue, b: SSAValue) -> SSAValue:
    return arith.MinSIOp(a, b).result


def _sub(a: SSAValue, b: SSAValue) -> SSAValue:
    return arith.SubiOp(a, b).result


def _div(a: SSAValue, b: SSAValue) -> SSAValue:
    return arith.DivUIOp(a, b).result


def _if(cond: SSAValue, then: Callable[[], None], otherwise: Callable[[], None] | None) -> None:
    """An `scf.if` without results (the C target prints it as a plain `if`)."""
    regions: list[Region] = []
    for body in (then, otherwise):
        block = Block()
        if body is not None:
            with ImplicitBuilder(block):
                body()
                scf.YieldOp()
        regions.append(Region(block) if body is not None else Region())
    scf.IfOp(cond, [], regions[0], regions[1])


def _emit_gemm(
    a: SSAValue,
    b: SSAValue,
    c: SSAValue,
    blk: Blocking,
    ar: Arithmetic,
    epilogue: Epilogue | None = None,
) -> None:
    """The blocked loop nest for C += A * B, built at the current implicit insertion point;
    then `epilogue` on each element of C (in the last K block's write-back)."""
    zero_i, one = index(0), index(1)
    zero_f = ar.zero()
    m = memref.DimOp(c, zero_i).result
    n = memref.DimOp(c, one).result
    k = memref.DimOp(a, one).result
    mc, kc, nc, mr, nr = (index(v) for v in (blk.mc, blk.kc, blk.nc, blk.mr, blk.nr))
    b_panels = -(-blk.nc // blk.nr)
    a_panels = -(-blk.mc // blk.mr)
    bp_type = MemRefType(ar.acc, [b_panels, blk.kc, blk.nr])
    ap_type = MemRefType(ar.acc, [a_panels, blk.kc, blk.mr])
    bp = memref.AllocOp([], [], bp_type).memref
    bp.name_hint = "packed_b"

    def pack_b(jc: SSAValue, pc: SSAValue, nb: SSAValue, kb: SSAValue, jr: SSAValue) -> None:
        panel = _div(jr, nr)
        cols = _min(nr, _sub(nb, jr))
        col0 = add(jc, jr)

        def row(p: SSAValue) -> None:
            src_row = add(pc, p)

            def copy(j: SSAValue) -> None:
                value = ar.widen(memref.LoadOp.get(b, [src_row, add(col0, j)]).res)
                memref.StoreOp.get(value, bp, [panel, p, j])

            _for(zero_i, cols, one, copy)
            _for(cols, nr, one, lambda j: memref.StoreOp.get(zero_f, bp, [panel, p, j]))

        _for(zero_i, kb, one, row)

    def pack_a(ap: SSAValue, ic: SSAValue, pc: SSAValue, mb: SSAValue, kb: SSAValue) -> None:
        def panel_loop(ir: SSAValue) -> None:
            panel = _div(ir, mr)
            rows = _min(mr, _sub(mb, ir))
            row0 = add(ic, ir)

            def col(p: SSAValue) -> None:
                src_col = add(pc, p)

                def copy(i: SSAValue) -> None:
                    value = ar.widen(memref.LoadOp.get(a, [add(row0, i), src_col]).res)
                    memref.StoreOp.get(value, ap, [panel, p, i])

                _for(zero_i, rows, one, copy)
                _for(rows, mr, one, lambda i: memref.StoreOp.get(zero_f, ap, [panel, p, i]))

            _for(zero_i, kb, one, col)

        _for(zero_i, mb, mr, panel_loop)

    def micro_tile(ap, ic, jc, mb, nb, kb, last, jr, ir) -> None:
        a_panel, b_panel = _div(ir, mr), _div(jr, nr)
        rows, cols = _min(mr, _sub(mb, ir)), _min(nr, _sub(nb, jr))
        acc = memref.AllocaOp.get(ar.acc, shape=[blk.mr, blk.nr]).memref
        acc.name_hint = "acc"
        _for(
            zero_i,
            mr,
            one,
            lambda i: _for(zero_i, nr, one, lambda j: memref.StoreOp.get(zero_f, acc, [i, j])),
        )

        def step(p: SSAValue) -> None:
            def row(i: SSAValue) -> None:
                a_val = memref.LoadOp.get(ap, [a_panel, p, i]).res

                def update(j: SSAValue) -> None:
                    b_val = memref.LoadOp.get(bp, [b_panel, p, j]).res
                    old = memref.LoadOp.get(acc, [i, j]).res
                    memref.StoreOp.get(ar.multiply_add(a_val, b_val, old), acc, [i, j])

                _for(zero_i, nr, one, update)

            _for(zero_i, mr, one, row)

        _for(zero_i, kb, one, step)
        row0, col0 = add(ic, ir), add(jc, jr)

        def write_back(fused: bool) -> None:
            def write_row(i: SSAValue) -> None:
                def write(j: SSAValue) -> None:
                    row, col = add(row0, i), add(col0, j)
                    at = [row, col]
                    old = memref.LoadOp.get(c, at).res
                    total = ar.add(old, memref.LoadOp.get(acc, [i, j]).res)
                    if fused:
                        assert epilogue is not None
                        total = epilogue.apply(total, row, col)
                    memref.StoreOp.get(total, c, at)

                _for(zero_i, cols, one, write)

            _for(zero_i, rows, one, write_row)

        if last is None:
            write_back(False)
        else:
            _if(last, lambda: write_back(True), lambda: write_back(False))

    def m_block(jc, pc, nb, kb, last, ic) -> None:
        mb = _min(mc, _sub(m, ic))
        ap = memref.AllocOp([], [], ap_type).memref
        ap.name_hint = "packed_a"
        pack_a(ap, ic, pc, mb, kb)
        _for(
            zero_i,
            nb,
            nr,
            lambda jr: _for(
                zero_i, mb, mr, lambda ir: micro_tile(ap, ic, jc, mb, nb, kb, last, jr, ir)
            ),
        )
        memref.DeallocOp.get(ap)

    def k_block(jc: SSAValue, nb: SSAValue, pc: SSAValue) -> None:
        kb = _min(kc, _sub(k, pc))
        last = None
        if epilogue is not None:
            last = arith.CmpiOp(add(pc, kc), k, "sge").result
            last.name_hint = "last_k"
        _parallel(zero_i, nb, nr, lambda jr: pack_b(jc, pc, nb, kb, jr), blk.parallel)
        _parallel(zero_i, m, mc, lambda ic: m_block(jc, pc, nb, kb, last, ic), blk.parallel)

    def n_block(jc: SSAValue) -> None:
        nb = _min(nc, _sub(n, jc))
        _for(zero_i, k, kc, lambda pc: k_block(jc, nb, pc))

    _for(zero_i, n, nc, n_block)
    memref.DeallocOp.get(bp)
    if epilogue is not None and _static(a, 1) is None:
        # K = 0 runs no K block, so C is final already: apply the epilogue on its own.
        def whole(i: SSAValue) -> None:
            def element(j: SSAValue) -> None:
                value = memref.LoadOp.get(c, [i, j]).res
                memref.StoreOp.get(epilogue.apply(value, i, j), c, [i, j])

            _for(zero_i, n, one, element)

        no_k = arith.CmpiOp(k, zero_i, "eq").result
        _if(no_k, lambda: _for(zero_i, m, one, whole), None)


def _clamp(block: int, extent: int | None, multiple: int) -> int:
    """A cache block no larger than the (static) extent rounded up to `multiple`."""
    if extent is None or extent < 0:
        return block
    return max(multiple, min(block, -(-extent // multiple) * multiple))


def _static(value: SSAValue, dim: int) -> int | None:
    assert isinstance(value.type, MemRefType)
    size = value.type.get_shape()[dim]
    return None if size < 0 else size


@dataclass
class _MatmulToKernel(RewritePattern):
    blocking: Blocking
    fuse_epilogue: bool

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MatmulOp, rewriter: PatternRewriter) -> None:
        if len(op.inputs) != 2 or len(op.outputs) != 1 or op.indexing_maps is not None:
            return
        a, b = op.inputs
        (c,) = op.outputs
        ar = kernel_arithmetic(a, b, c)
        if ar is None or op.results:
            return
        blk = self.blocking
        m, n, k = _static(c, 0), _static(c, 1), _static(a, 1)
        mc = _clamp(blk.mc, m, blk.mr)
        nc = _clamp(blk.nc, n, blk.nr)
        kc = _clamp(blk.kc, k, 1)
        epilogue = fusable_epilogue(op, c) if self.fuse_epilogue and k != 0 else None
        block = Block()
        with ImplicitBuilder(block):
            blocking = Blocking(mc, kc, nc, blk.mr, blk.nr, blk.parallel)
            _emit_gemm(a, b, c, blocking, ar, epilogue)
        ops: list[Operation] = list(block.ops)
        for o in ops:
            o.detach()
        rewriter.insert(ops, InsertPoint.before(op))
        if epilogue is not None:
            rewriter.erase(epilogue.generic)
        rewriter.erase(op)


@dataclass(frozen=True)
class CpuMatmulKernelPass(ModulePass):
    """Rewrite f32 and i8xi8->i32 linalg.matmul on memrefs as a packed, register-blocked GEMM.

    mc/kc/nc: cache blocks of M, K, N; mr x nr: the register tile (accumulators);
    threads: 0 runs the packing and M-block loops as `scf.parallel` (OpenMP's thread
    count), 1 keeps every loop sequential; fuse-epilogue: apply an elementwise
    `linalg.generic` that follows the matmul on C in the last K block's write-back.
    """

    name = "cpu-matmul-kernel"

    mc: int = 96
    kc: int = 256
    nc: int = 2048
    mr: int = 8
    nr: int = 32
    threads: int = 0
    fuse_epilogue: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for opt in ("mc", "kc", "nc", "mr", "nr"):
            if getattr(self, opt) <= 0:
                raise CompileError(f"'{opt}' must be positive", op)
        if self.threads not in (0, 1):
            raise CompileError(
                "'threads' must be 0 (parallel; set OMP_NUM_THREADS) or 1 (sequential)",
                op,
            )
        if self.mc % self.mr or self.nc % self.nr:
            raise CompileError("'mc' must be a multiple of 'mr' and 'nc' of 'nr'", op)
        blocking = Blocking(self.mc, self.kc, self.nc, self.mr, self.nr, self.threads != 1)
        PatternRewriteWalker(
            _MatmulToKernel(blocking, self.fuse_epilogue), apply_recursively=False
        ).rewrite_module(op)
