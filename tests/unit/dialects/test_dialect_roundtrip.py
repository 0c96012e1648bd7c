"""Affine subscripts and bounds survive printing and parsing, for random expressions.

`affine.load` and `affine.parallel` print their maps as expressions of SSA
ids (`%i` for a dim, `symbol(%n)` for a symbol). Random maps are built with
xDSL's expression operators (which simplify as MLIR's do), printed, parsed
back, and compared with the original: the map must be the same expression
tree, over the same SSA values. Printing renumbers the dims and symbols in
order of first use and merges repeated values, so the comparison is with the
original map renumbered that way; evaluating both maps on random operand
values checks the result independently of that renumbering.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    Signedness,
    f32,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, BlockArgument, Region, SSAValue
from xdsl.ir.affine import (
    AffineBinaryOpExpr,
    AffineConstantExpr,
    AffineDimExpr,
    AffineExpr,
    AffineMap,
    AffineSymExpr,
)
from xdsl.printer import Printer

from ziggurat.dialects.affine import (
    REDUCTION_KINDS,
    LoadOp,
    ParallelOp,
    YieldOp,
)
from ziggurat.dialects.affine_parallel import groups_attr
from ziggurat.parser import parse_module
from ziggurat.universe import load_registry

CTX = load_registry().make_context()
NUM_VALUES = 4
"""Index arguments of the test function, the SSA values maps may use."""

# Strategies -------------------------------------------------------------------

constants = st.integers(-20, 20)
divisors = st.integers(1, 9)


def affine_exprs(num_dims: int, num_syms: int) -> st.SearchStrategy[AffineExpr]:
    """Pure affine expressions built with xDSL's simplifying operators."""
    leaves: list[st.SearchStrategy[AffineExpr]] = [constants.map(AffineExpr.constant)]
    if num_dims:
        leaves.append(st.integers(0, num_dims - 1).map(AffineExpr.dimension))
    if num_syms:
        leaves.append(st.integers(0, num_syms - 1).map(AffineExpr.symbol))

    def extend(children: st.SearchStrategy[AffineExpr]) -> st.SearchStrategy[AffineExpr]:
        return st.one_of(
            st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
            st.tuples(children, children).map(lambda ab: ab[0] - ab[1]),
            st.tuples(children, constants).map(lambda ac: ac[0] * ac[1]),
            st.tuples(constants, children).map(lambda ca: ca[0] * ca[1]),
            children.map(lambda a: -a),
            st.tuples(children, divisors).map(lambda ac: ac[0] // ac[1]),
            st.tuples(children, divisors).map(lambda ac: ac[0].ceil_div(ac[1])),
            st.tuples(children, divisors).map(lambda ac: ac[0] % ac[1]),
        )

    return st.recursive(st.one_of(*leaves), extend, max_leaves=12)


@st.composite
def maps_with_operands(
    draw: st.DrawFn, max_results: int = 3, min_results: int = 1
) -> tuple[AffineMap, list[int]]:
    """A map and, for each of its dims then symbols, which argument it reads.

    Arguments may repeat (one value as two dims, or as a dim and a symbol).
    """
    num_dims = draw(st.integers(0, 3))
    num_syms = draw(st.integers(0, 2))
    results = draw(
        st.lists(affine_exprs(num_dims, num_syms), min_size=min_results, max_size=max_results)
    )
    operands = draw(
        st.lists(
            st.integers(0, NUM_VALUES - 1),
            min_size=num_dims + num_syms,
            max_size=num_dims + num_syms,
        )
    )
    return AffineMap(num_dims, num_syms, tuple(results)), operands


# Helpers ----------------------------------------------------------------------


def leaves_in_print_order(expr: AffineExpr) -> list[AffineExpr]:
    """The dims and symbols of `expr`, left to right as they are printed."""
    if isinstance(expr, AffineBinaryOpExpr):
        return leaves_in_print_order(expr.lhs) + leaves_in_print_order(expr.rhs)
    if isinstance(expr, AffineDimExpr | AffineSymExpr):
        return [expr]
    return []


def renumbered(affine_map: AffineMap, operands: Sequence[int]) -> tuple[AffineMap, list[int]]:
    """The map as printing leaves it: dims and symbols numbered by first use.

    A value used as several dims becomes one dim (likewise for symbols), and
    unused operands disappear. The tree is rebuilt as is, without simplifying.
    """
    dims, syms = operands[: affine_map.num_dims], operands[affine_map.num_dims :]
    new_dims: list[int] = []
    new_syms: list[int] = []
    for expr in affine_map.results:
        for leaf in leaves_in_print_order(expr):
            if isinstance(leaf, AffineDimExpr) and dims[leaf.position] not in new_dims:
                new_dims.append(dims[leaf.position])
            if isinstance(leaf, AffineSymExpr) and syms[leaf.position] not in new_syms:
                new_syms.append(syms[leaf.position])

    def rename(expr: AffineExpr) -> AffineExpr:
        match expr:
            case AffineDimExpr(position=p):
                return AffineDimExpr(new_dims.index(dims[p]))
            case AffineSymExpr(position=p):
                return AffineSymExpr(new_syms.index(syms[p]))
            case AffineBinaryOpExpr(kind=kind, lhs=lhs, rhs=rhs):
                return AffineBinaryOpExpr(kind, rename(lhs), rename(rhs))
            case _:
                return expr

    results = tuple(rename(e) for e in affine_map.results)
    return AffineMap(len(new_dims), len(new_syms), results), [*new_dims, *new_syms]


def print_module(module: ModuleOp) -> str:
    stream = io.StringIO()
    Printer(stream=stream).print_op(module)
    return stream.getvalue()


def roundtrip(module: ModuleOp) -> tuple[ModuleOp, str]:
    """Verify, print, parse back, verify again; return the new module and text."""
    module.verify()
    text = print_module(module)
    parsed = parse_module(CTX, text, "roundtrip.mlir")
    parsed.verify()
    assert print_module(parsed) == text
    return parsed, text


def function(arg_types: Sequence[Attribute]) -> tuple[ModuleOp, func.FuncOp, Block]:
    block = Block(arg_types=arg_types)
    body = func.FuncOp("f", (arg_types, []), Region(block))
    return ModuleOp([body]), body, block


def arg_positions(values: Sequence[SSAValue]) -> list[int]:
    positions = []
    for value in values:
        assert isinstance(value, BlockArgument)
        positions.append(value.index)
    return positions


def evaluate(affine_map: AffineMap, operands: Sequence[int], values: Sequence[int]) -> list[int]:
    num_dims = affine_map.num_dims
    chosen = [values[i] for i in operands]
    return list(affine_map.eval(chosen[:num_dims], chosen[num_dims:]))


# affine.load -------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(maps_with_operands(), st.lists(st.integers(-50, 50), min_size=NUM_VALUES))
def test_load_subscripts_round_trip(
    map_and_operands: tuple[AffineMap, list[int]], values: list[int]
) -> None:
    affine_map, operands = map_and_operands
    rank = len(affine_map.results)
    memref = MemRefType(f32, [16] * rank)
    module, _, block = function([memref, *([IndexType()] * NUM_VALUES)])
    indices = [block.args[1 + i] for i in operands]
    block.add_ops([LoadOp(block.args[0], indices, AffineMapAttr(affine_map), f32), func.ReturnOp()])

    parsed, text = roundtrip(module)

    load = next(op for op in parsed.walk() if isinstance(op, LoadOp))
    parsed_operands = [p - 1 for p in arg_positions(load.indices)]
    expected_map, expected_operands = renumbered(affine_map, operands)
    assert load.map.data == expected_map, text
    assert parsed_operands == expected_operands, text
    assert evaluate(load.map.data, parsed_operands, values) == evaluate(
        affine_map, operands, values
    ), text


@settings(deadline=None)  # parsing and printing time depends on the machine's load
@given(maps_with_operands())
def test_canonical_subscripts_are_kept_exactly(
    map_and_operands: tuple[AffineMap, list[int]],
) -> None:
    """A map already numbered by first use, over distinct values, comes back unchanged."""
    affine_map, operands = renumbered(*map_and_operands)
    memref = MemRefType(f32, [16] * len(affine_map.results))
    module, _, block = function([memref, *([IndexType()] * NUM_VALUES)])
    indices = [block.args[1 + i] for i in operands]
    block.add_ops([LoadOp(block.args[0], indices, AffineMapAttr(affine_map), f32), func.ReturnOp()])

    parsed, text = roundtrip(module)

    load = next(op for op in parsed.walk() if isinstance(op, LoadOp))
    assert load.map.data == affine_map, text
    assert [p - 1 for p in arg_positions(load.indices)] == operands, text


# affine.parallel ---------------------------------------------------------------

_SI32 = IntegerType(32, Signedness.SIGNED)
_UI32 = IntegerType(32, Signedness.UNSIGNED)
_KIND_TYPES: dict[str, Attribute] = {
    "addf": f32,
    "mulf": f32,
    "maximumf": f32,
    "minimumf": f32,
    "addi": i32,
    "muli": i32,
    "ori": i32,
    "andi": i32,
    "maxs": _SI32,
    "mins": _SI32,
    "maxu": _UI32,
    "minu": _UI32,
    "assign": f32,
}
_VALUE_TYPES = (f32, i32, _SI32, _UI32)


@st.composite
def bound_groups(draw: st.DrawFn, num_loops: int) -> tuple[AffineMap, list[int], list[int]]:
    """One group of 1-3 expressions per loop, sharing one map and its operands."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=num_loops, max_size=num_loops))
    affine_map, operands = draw(maps_with_operands(sum(sizes), sum(sizes)))
    return affine_map, sizes, operands


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda n: st.tuples(
            bound_groups(n),
            bound_groups(n),
            st.lists(st.integers(1, 8), min_size=n, max_size=n),
        )
    ),
    st.lists(st.sampled_from(sorted(_KIND_TYPES)), max_size=3),
)
def test_parallel_bounds_steps_and_reductions_round_trip(
    loops: tuple[
        tuple[AffineMap, list[int], list[int]], tuple[AffineMap, list[int], list[int]], list[int]
    ],
    kinds: list[str],
) -> None:
    (lb_map, lb_groups, lb_operands), (ub_map, ub_groups, ub_operands), steps = loops
    num_loops = len(steps)
    arg_types = [*([IndexType()] * NUM_VALUES), *_VALUE_TYPES]
    module, _, block = function(arg_types)
    result_types = [_KIND_TYPES[k] for k in kinds]
    yielded = [block.args[NUM_VALUES + _VALUE_TYPES.index(t)] for t in result_types]
    body = Block(arg_types=[IndexType()] * num_loops)
    body.add_op(YieldOp.get(*yielded))
    parallel = ParallelOp.build(
        operands=[[block.args[i] for i in (*lb_operands, *ub_operands)]],
        result_types=[result_types],
        properties={
            "reductions": ArrayAttr(IntegerAttr(REDUCTION_KINDS.index(k), i64) for k in kinds),
            "lowerBoundsMap": AffineMapAttr(lb_map),
            "lowerBoundsGroups": groups_attr(lb_groups),
            "upperBoundsMap": AffineMapAttr(ub_map),
            "upperBoundsGroups": groups_attr(ub_groups),
            "steps": ArrayAttr(IntegerAttr(s, i64) for s in steps),
        },
        regions=[Region(body)],
    )
    block.add_ops([parallel, func.ReturnOp()])

    parsed, text = roundtrip(module)

    op = next(op for op in parsed.walk() if isinstance(op, ParallelOp))
    for got_map, got_operands, want_map, want_operands in (
        (op.lowerBoundsMap.data, op.lower_bound_operands, lb_map, lb_operands),
        (op.upperBoundsMap.data, op.upper_bound_operands, ub_map, ub_operands),
    ):
        expected_map, expected_operands = renumbered(want_map, want_operands)
        assert got_map == expected_map, text
        assert arg_positions(got_operands) == expected_operands, text
    assert list(op.lowerBoundsGroups.get_values()) == lb_groups, text
    assert list(op.upperBoundsGroups.get_values()) == ub_groups, text
    assert [s.value.data for s in op.steps] == steps, text
    assert op.reduction_kinds() == kinds, text
    assert list(op.result_types) == result_types, text


def test_reduction_kinds_use_mlir_numbering() -> None:
    """The generic form stores MLIR 22's arith::AtomicRMWKind values."""
    assert REDUCTION_KINDS.index("addf") == 0
    assert REDUCTION_KINDS.index("maximumf") == 4
    assert REDUCTION_KINDS.index("mulf") == 12
    assert REDUCTION_KINDS.index("xori") == 15
    assert len(REDUCTION_KINDS) == 16


def test_constant_leaf_expressions() -> None:
    """Every kind of leaf and binary node is printed (guards the strategy itself)."""
    d0, d1, s0 = AffineExpr.dimension(0), AffineExpr.dimension(1), AffineExpr.symbol(0)
    exprs = [d0 - d1 * 3, -(d0 // 2) + 4, (d0 + d1) % 5, s0.ceil_div(4) - 7, d0 + (d1 + s0)]
    affine_map = AffineMap(2, 1, tuple(exprs))
    assert isinstance(exprs[0], AffineBinaryOpExpr)
    assert isinstance(AffineExpr.constant(-3), AffineConstantExpr)
    memref = MemRefType(f32, [16] * len(exprs))
    module, _, block = function([memref, *([IndexType()] * 3)])
    block.add_ops(
        [LoadOp(block.args[0], block.args[1:], AffineMapAttr(affine_map), f32), func.ReturnOp()]
    )
    parsed, text = roundtrip(module)
    assert (
        "%1 - %2 * 3, -(%1 floordiv 2) + 4, (%1 + %2) mod 5, symbol(%3) ceildiv 4 - 7, "
        "%1 + (%2 + symbol(%3))" in text
    )
    load = next(op for op in parsed.walk() if isinstance(op, LoadOp))
    assert load.map.data == affine_map
