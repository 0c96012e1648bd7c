"""The one classification of views and memory effects that passes and tools share."""

from __future__ import annotations

import pytest
from semantics import parse

from ziggurat.dialects.memory_effects import (
    effect_kinds,
    is_allocation,
    is_view,
    may_write_operand,
    reads_only,
    view_root,
    views_of,
)
from ziggurat.tools.run import _written_arguments

PROGRAM = """
func.func private @opaque(memref<4x4xf32>)
func.func @f(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>,
             %d: memref<16xf32>, %e: memref<4x4xf32>) {
  %i = arith.constant 0 : index
  %x = memref.alloc() : memref<4x4xf32>
  %s = memref.subview %x[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  %flat = memref.collapse_shape %c [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  %v = memref.load %a[%i, %i] : memref<4x4xf32>
  %n = memref.dim %b, %i : memref<4x4xf32>
  memref.store %v, %flat[%i] : memref<16xf32>
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%x : memref<4x4xf32>)
  memref.copy %d, %d : memref<16xf32> to memref<16xf32>
  func.call @opaque(%e) : (memref<4x4xf32>) -> ()
  memref.dealloc %x : memref<4x4xf32>
  return
}
"""


@pytest.fixture(scope="module")
def ops():
    module = parse(PROGRAM)
    return {op.name: op for op in module.walk()}


def test_views_allocations_and_roots(ops) -> None:
    subview, collapse, alloc = (
        ops["memref.subview"],
        ops["memref.collapse_shape"],
        ops["memref.alloc"],
    )
    assert is_view(subview) and is_view(collapse)
    assert not is_view(alloc) and is_allocation(alloc)
    assert not is_allocation(subview)
    assert view_root(subview.results[0]) is alloc.results[0]
    assert views_of(alloc.results[0]) == [alloc.results[0], subview.results[0]]


def test_effect_kinds_come_from_traits_and_the_tables(ops) -> None:
    assert reads_only(ops["memref.load"]) and reads_only(ops["memref.dim"])
    assert reads_only(ops["arith.constant"])
    assert not reads_only(ops["memref.store"]) and not reads_only(ops["memref.dealloc"])
    assert effect_kinds(ops["func.call"]) is None  # unknown: it may do anything
    assert not reads_only(ops["func.call"])


def test_which_operands_an_op_may_write(ops) -> None:
    assert may_write_operand(ops["memref.store"], 1) and not may_write_operand(
        ops["memref.store"], 2
    )
    assert may_write_operand(ops["linalg.matmul"], 2)
    assert not may_write_operand(ops["linalg.matmul"], 0)
    assert may_write_operand(ops["memref.copy"], 1) and not may_write_operand(ops["memref.copy"], 0)
    assert may_write_operand(ops["func.call"], 0)
    assert not may_write_operand(ops["memref.load"], 0)


def test_ziggurat_run_reports_the_arguments_written_through_views_and_calls() -> None:
    # %c through a collapsed view, %d by a copy, %e by an opaque call; %a, %b are only read.
    assert _written_arguments(parse(PROGRAM), "f") == [2, 3, 4]
