"""`affine-loop-tile`: tile the outermost perfect band of every affine.for nest.

Tiling a band `i, j` by `Ti, Tj` gives tile loops that step over the
iteration space by whole tiles, around point loops that walk one tile:

    affine.for %ii = lb to ub step Ti*s {          // tile loop, as the original
      affine.for %i = (%ii) to min(%ii + Ti*s, ub) step s {   // point loop

The `min` keeps the last, partial tile in bounds, so trip counts need not be
multiples of the tile size (it is left out when they are).

Tiling runs whole tiles in order, so a dependence whose distance is negative
in a tiled loop (`A[i][j]` reading `A[i-1][j+1]`) could cross from a later
tile to an earlier one. A band is tiled only when every dependence it carries
is non-negative in each tiled loop (the tiled loops are fully permutable);
otherwise the pass stops with the dependence that forbids it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.passes import ModulePass

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.affine import ForOp
from ziggurat.passes.affine.dependence import dependences, format_vector
from ziggurat.passes.affine.loop_band import (
    bounds_use,
    build_for,
    constant_bounds,
    copy_for,
    induction_var,
    iv_name,
    move_body,
    nest,
    outermost_loops,
    perfect_band,
    step_of,
)

DEFAULT_TILE_SIZE = 32


@dataclass(frozen=True)
class AffineLoopTilePass(ModulePass):
    """Tile perfect affine.for bands: tile loops around point loops with min bounds.

    `tile-sizes` gives one size per loop of a band, outermost first, counted
    in iterations; loops past the list, or with size 0, are not tiled (those
    before the first tiled loop stay outermost). With no list, every loop is
    tiled by `tile-size`.
    """

    name = "affine-loop-tile"

    tile_sizes: tuple[int, ...] = ()
    tile_size: int = DEFAULT_TILE_SIZE
    skip_illegal: bool = False
    """Leave a band whose dependences forbid tiling as it is, instead of stopping."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        sizes = tuple(self.tile_sizes)
        if any(s < 0 for s in (*sizes, self.tile_size)):
            raise CompileError(
                "tile sizes must be non-negative, got "
                f"tile-sizes={','.join(map(str, sizes))} tile-size={self.tile_size}"
            )
        for root in outermost_loops(op):
            band = perfect_band(root)
            band_sizes = [
                (sizes[k] if k < len(sizes) else 0) if sizes else self.tile_size
                for k in range(len(band))
            ]
            try:
                tile_band(band, band_sizes)
            except TilingIllegal:
                if not self.skip_illegal:
                    raise


def tile_band(band: Sequence[xaffine.ForOp], sizes: Sequence[int]) -> list[ForOp]:
    """Tile `band` (a perfect nest) by `sizes`; returns the new loops, outermost first."""
    tiled = [k for k, size in enumerate(sizes) if size > 0]
    if not tiled:
        return []
    if tiled[0] > 0:
        # Untiled outer loops stay outside: tile the perfect band nested in them.
        return tile_band(band[tiled[0] :], sizes[tiled[0] :])
    band = band[: tiled[-1] + 1]
    for k in tiled:
        if (outer := bounds_use(band[k], band)) is not None:
            raise CompileError(
                f"cannot tile '{band[k].name}': its bounds depend on "
                f"{iv_name(outer)}, the induction variable of an enclosing loop "
                "of the band, which tiling would move inside it (a non-rectangular band); "
                "give this loop tile size 0",
                band[k],
            )
    _check_permutable(band, tiled)
    root = band[0]
    inits = list(root.inits)
    tile_loops: list[ForOp] = []
    for k in tiled:
        loop = copy_for(band[k], inits, step=step_of(band[k]) * sizes[k])
        if (hint := induction_var(band[k]).name_hint) is not None:
            induction_var(loop).name_hint = f"{hint}_tile"
        inits = list(loop.body.block.args[1:])
        tile_loops.append(loop)
    point_loops: list[ForOp] = []
    for k, loop in enumerate(band):
        inner_inits = inits if k == 0 else []
        if sizes[k] > 0:
            point_loops.append(_point_loop(loop, tile_loops[tiled.index(k)], sizes[k], inner_inits))
        else:
            point_loops.append(copy_for(loop, inner_inits))
    new_loops = tile_loops + point_loops
    nest(new_loops)
    for old, new in zip(band[:-1], point_loops, strict=False):
        induction_var(old).replace_all_uses_with(induction_var(new))
    move_body(band[-1].body.block, point_loops[-1].body.block)
    parent = root.parent_block()
    assert parent is not None
    parent.insert_op_before(new_loops[0], root)
    for old, new in zip(root.results, new_loops[0].results, strict=True):
        old.replace_all_uses_with(new)
    root.detach()
    root.erase()
    return new_loops


class TilingIllegal(CompileError):
    """A dependence of the band runs backwards in a loop that would be tiled."""


def _check_permutable(band: Sequence[xaffine.ForOp], tiled: Sequence[int]) -> None:
    """Refuse a band with a dependence that runs backwards in a tiled loop."""
    for dep in dependences(band):
        for signs in dep.carried_vectors():
            if any(signs[k] < 0 for k in tiled):
                raise TilingIllegal(
                    f"cannot tile '{band[0].name}': the dependence {dep.describe()} has "
                    f"direction {format_vector(signs)}, negative in a tiled loop, so a later "
                    "tile would need a result of an earlier one; give that loop tile size 0 "
                    "or skew the nest first",
                    band[0],
                )


def _point_loop(
    loop: xaffine.ForOp, tile_loop: ForOp, size: int, inits: Sequence[SSAValue]
) -> ForOp:
    """The loop over one tile of `loop`: from the tile's start to the next tile's
    start, or to `loop`'s own upper bound where that comes first."""
    step = step_of(loop)
    width = step * size
    upper = loop.upperBoundMap.data
    start = AffineExpr.dimension(0)
    end = start + width
    bounds = constant_bounds(loop)
    if bounds is not None and (bounds[1] - bounds[0]) % width == 0:
        ub_map, ub_operands = AffineMap(1, 0, (end,)), [induction_var(tile_loop)]
    else:
        shifted = tuple(
            e.replace_dims_and_symbols(
                [AffineExpr.dimension(d + 1) for d in range(upper.num_dims)],
                [AffineExpr.symbol(s) for s in range(upper.num_symbols)],
            )
            for e in upper.results
        )
        ub_map = AffineMap(upper.num_dims + 1, upper.num_symbols, (end, *shifted))
        ub_operands = [induction_var(tile_loop), *loop.upperBoundOperands]
    return build_for(
        AffineMap(1, 0, (start,)),
        [induction_var(tile_loop)],
        ub_map,
        ub_operands,
        step,
        inits,
        like=loop,
    )
