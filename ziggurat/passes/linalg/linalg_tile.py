"""`linalg-tile`: tile linalg structured ops into `scf.for` loops over slices.

As MLIR's `linalg::tileLinalgOp`: each tiled loop of the op becomes an
`scf.for` stepping by its tile size, and the same op runs, inside the loop
nest, on the slices of its operands that one tile reaches (see
`linalg_tile_slices`). On memrefs the slices are `memref.subview`s and the
op writes through them. On tensors the outputs are threaded through the
loops as `iter_args`: each tile extracts its output slice, computes it and
inserts it back (`tensor.insert_slice`), the form that bufferization turns
into in-place subviews. The last tile of a loop whose range its size does not
divide is smaller: its size is `affine.min(size, range - iv)` and its slices
have dynamic sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import AffineMapAttr, IndexType, ModuleOp, ShapedType, TensorType
from xdsl.dialects.linalg.ops import IndexOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.affine import MinOp
from ziggurat.passes.affine.affine_expr import IndexConstants
from ziggurat.passes.linalg.structured_view import StructuredView, structured_view
from ziggurat.passes.linalg.tile_slices import (
    Index,
    LoopTile,
    UntileableOperand,
    extract,
    insert,
    linear_form,
    operand_slice,
)


def _error(view: StructuredView, why: str) -> CompileError:
    return CompileError(f"cannot lower '{view.op.name}': {why}", view.op)


def check_tileable(view: StructuredView, tiled: Sequence[int]) -> None:
    """Refuse, before building anything, a tiling whose slices would be wrong.

    An output reached through a compound index (`d0 + d1`) would be written by
    overlapping tiles; an input reached through a non-linear index (`d0 mod 4`)
    or a negative coefficient has no contiguous slice per tile.
    """
    for number, (value, map_) in enumerate(zip(view.operands, view.indexing_maps, strict=True)):
        if not isinstance(value.type, ShapedType):
            continue
        is_output = number >= len(view.inputs)
        for expr in map_.results:
            dims = [d for d in sorted(expr.used_dims()) if d in tiled]
            if not dims:
                continue
            if is_output and not isinstance(expr, AffineDimExpr):
                raise _error(
                    view,
                    f"loop d{dims[0]} indexes output operand #{number} through {expr}, "
                    "so its tiles would overlap; use tile size 0 for that loop",
                )
            form = linear_form(expr)
            if form is None or any(c < 0 for c in form[0].values()):
                raise _error(
                    view,
                    f"loop d{dims[0]} indexes operand #{number} through {expr}, which is "
                    "not a sum of loops with non-negative coefficients; use tile size 0 "
                    "for that loop",
                )


def _tile_size(builder: Builder, iv: SSAValue, size: int, range_: int) -> Index:
    """`size`, or `min(size, range - iv)` when the last tile is partial."""
    if range_ % size == 0:
        return size
    remainder = AffineExpr.dimension(0) * -1 + range_
    map_ = AffineMap(1, 0, (AffineExpr.constant(size), remainder))
    return builder.insert(MinOp([iv], AffineMapAttr(map_))).result


def _offset_indices(op: Operation, tiles: Sequence[LoopTile]) -> None:
    """`linalg.index` in a tile counts from the tile's start: add the start back."""
    for index in [o for o in op.walk() if isinstance(o, IndexOp)]:
        start = tiles[index.dim.value.data].start
        if start is None:
            continue
        add = arith.AddiOp(index.result, start)
        assert index.parent is not None
        index.parent.insert_op_after(add, index)
        index.result.replace_uses_with_if(add.result, lambda use, add=add: use.operation is not add)


def _clone_on(
    op: Operation, operands: Sequence[SSAValue], result_types: Sequence[Attribute]
) -> Operation:
    """`op` with new operands and result types, its regions copied."""
    return op.create(
        operands=operands,
        result_types=result_types,
        properties=dict(op.properties),
        attributes=dict(op.attributes),
        regions=[region.clone() for region in op.regions],
    )


def tile_op(view: StructuredView, tile_sizes: Sequence[int]) -> None:
    """Replace `view.op` by a loop nest over tiles of the given sizes."""
    ranges = view.static_loop_ranges()
    sizes = [*tile_sizes[: view.num_loops], *[0] * (view.num_loops - len(tile_sizes))]
    tiled = [d for d in range(view.num_loops) if 0 < sizes[d] < ranges[d]]
    if not tiled:
        return
    check_tileable(view, tiled)
    op = view.op
    on_tensors = view.has_tensor_semantics()
    builder = Builder(InsertPoint.before(op))
    const = IndexConstants(builder, name_hints=False)  # created before the loop nest
    bounds = [(const(ranges[d]), const(sizes[d])) for d in tiled]
    zero = const(0)

    tiles = [LoopTile(None, r) for r in ranges]
    carried: list[SSAValue] = list(view.outputs) if on_tensors else []
    loops: list[scf.ForOp] = []
    for d, (upper, step) in zip(tiled, bounds, strict=True):
        body = Block(arg_types=[IndexType(), *(v.type for v in carried)])
        loop = builder.insert(scf.ForOp(zero, upper, step, carried, Region(body)))
        loops.append(loop)
        builder = Builder(InsertPoint.at_end(body))
        iv = body.args[0]
        carried = list(body.args[1:])
        tiles[d] = LoopTile(iv, _tile_size(builder, iv, sizes[d], ranges[d]))

    outputs = carried if on_tensors else list(view.outputs)
    operands: list[SSAValue] = []
    output_slices: list[tuple[list[Index], list[Index]] | None] = []
    for number, (value, map_) in enumerate(
        zip((*view.inputs, *outputs), view.indexing_maps, strict=True)
    ):
        if not isinstance(value.type, ShapedType):
            operands.append(value)
            continue
        try:
            found = operand_slice(builder, number, value, map_, tiles)
        except UntileableOperand as error:  # check_tileable rules this out
            raise _error(view, str(error)) from None
        if number >= len(view.inputs):
            output_slices.append(found)
        operands.append(value if found is None else extract(builder, value, *found))

    new_outputs = operands[len(view.inputs) :]
    result_types = [v.type for v in new_outputs if isinstance(v.type, TensorType)]
    tiled_op = builder.insert(_clone_on(op, operands, result_types))
    _offset_indices(tiled_op, tiles)

    if on_tensors:
        yielded: list[SSAValue] = []
        for result, dest, found in zip(tiled_op.results, outputs, output_slices, strict=True):
            yielded.append(result if found is None else insert(builder, result, dest, *found))
        builder.insert(scf.YieldOp(*yielded))
        for inner, outer in zip(loops[1:][::-1], loops[:-1][::-1], strict=True):
            Builder(InsertPoint.at_end(outer.body.block)).insert(scf.YieldOp(*inner.results))
        for old, new in zip(op.results, loops[0].results, strict=True):
            old.replace_all_uses_with(new)
    else:
        for loop in loops:
            Builder(InsertPoint.at_end(loop.body.block)).insert(scf.YieldOp())
    Rewriter.erase_op(op)


@dataclass(frozen=True)
class LinalgTilePass(ModulePass):
    """Tile linalg structured ops into scf.for loops over operand slices (tensors or memrefs).

    `tile-sizes` gives one size per loop of each op, in the op's loop order;
    missing sizes and 0 leave a loop untiled, and so does a size at least as
    large as the loop's range.
    """

    name = "linalg-tile"

    tile_sizes: tuple[int, ...] = ()

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if any(size < 0 for size in self.tile_sizes):
            raise CompileError(
                "tile sizes must be non-negative, got " + ",".join(map(str, self.tile_sizes))
            )
        # Views are taken one at a time: tiling an op replaces its results,
        # which later ops may read.
        targets = [o for o in op.walk() if structured_view(o) is not None]
        for target in targets:
            view = structured_view(target)
            assert view is not None
            tile_op(view, self.tile_sizes)
