"""The dependence analysis shared by affine-loop-interchange and affine-parallelize.

Each test states the direction vectors a reader derives by hand from the
subscripts, and checks that the analysis finds exactly those (or, where it
is documented to be conservative, at least those).
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import ModuleOp

from ziggurat.parser import parse_module
from ziggurat.passes.affine.dependence import carried_dependence, dependences, first_violation
from ziggurat.passes.affine.loop_band import outermost_loops, perfect_band
from ziggurat.universe import load_registry

REGISTRY = load_registry()


def _module(body: str, args: str) -> ModuleOp:
    return parse_module(
        REGISTRY.make_context(), f"func.func @f({args}) {{\n{body}\n  return\n}}\n", "t.mlir"
    )


def _band(body: str, args: str) -> list[xaffine.ForOp]:
    return perfect_band(outermost_loops(_module(body, args))[0])


def _vectors(body: str, args: str) -> set[tuple[int, ...]]:
    """All lexicographically positive sign vectors of the band's dependences."""
    return {v for dep in dependences(_band(body, args)) for v in dep.carried_vectors()}


MATMUL = """
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 5 {
      affine.for %k = 0 to 6 {
        %a = affine.load %A[%i, %k] : memref<4x6xf32>
        %b = affine.load %B[%k, %j] : memref<6x5xf32>
        %c = affine.load %C[%i, %j] : memref<4x5xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<4x5xf32>
      }
    }
  }"""
MATMUL_ARGS = "%A: memref<4x6xf32>, %B: memref<6x5xf32>, %C: memref<4x5xf32>"


def test_matmul_depends_only_through_k() -> None:
    assert _vectors(MATMUL, MATMUL_ARGS) == {(0, 0, 1)}


def test_matmul_loops_i_and_j_carry_nothing() -> None:
    i, j, k = _band(MATMUL, MATMUL_ARGS)
    assert carried_dependence(i) is None
    assert carried_dependence(j) is None
    dep = carried_dependence(k)
    assert dep is not None
    assert {dep.first.op.name, dep.second.op.name} <= {"affine.load", "affine.store"}


def test_skewed_stencil_has_direction_lt_gt() -> None:
    body = """
  affine.for %i = 1 to 8 {
    affine.for %j = 0 to 7 {
      %v = affine.load %B[%i - 1, %j + 1] : memref<8x8xf32>
      affine.store %v, %B[%i, %j] : memref<8x8xf32>
    }
  }"""
    band = _band(body, "%B: memref<8x8xf32>")
    deps = dependences(band)
    assert {v for d in deps for v in d.carried_vectors()} == {(1, -1)}
    assert first_violation(deps, [1, 0]) is not None
    assert first_violation(deps, [0, 1]) is None


def test_distinct_arguments_do_not_alias_but_views_may() -> None:
    body = """
  affine.for %i = 0 to 8 {
    %v = affine.load %A[%i] : memref<16xf32>
    affine.store %v, %B[%i + 1] : memref<16xf32>
  }"""
    assert _vectors(body, "%A: memref<16xf32>, %B: memref<16xf32>") == set()
    viewed = (
        "  %B = memref.subview %A[0] [16] [1] : memref<16xf32> to memref<16xf32, strided<[1]>>"
        + body.replace("memref<16xf32>\n  }", "memref<16xf32, strided<[1]>>\n  }")
    )
    band = perfect_band(outermost_loops(_module(viewed, "%A: memref<16xf32>"))[0])
    assert carried_dependence(band[0]) is not None


def test_strided_accesses_that_never_meet_are_independent() -> None:
    # Even and odd elements: 2i == 2i' + 1 has no integer solution (GCD test).
    body = """
  affine.for %i = 0 to 8 {
    %v = affine.load %A[%i * 2 + 1] : memref<17xf32>
    affine.store %v, %A[%i * 2] : memref<17xf32>
  }"""
    assert _vectors(body, "%A: memref<17xf32>") == set()


def test_distance_beyond_the_trip_count_is_no_dependence() -> None:
    body = """
  affine.for %i = 0 to 8 {
    %v = affine.load %A[%i + 8] : memref<16xf32>
    affine.store %v, %A[%i] : memref<16xf32>
  }"""
    assert _vectors(body, "%A: memref<16xf32>") == set()
    assert _vectors(body.replace("%i + 8", "%i + 7"), "%A: memref<16xf32>") == {(1,)}


def test_subscripts_through_affine_apply_and_outer_values() -> None:
    # %i2 = %i + 1 is seen through; %n (a function argument) is the same
    # value in both iterations, so A[%i + %n] and A[%i + 1 + %n] are one apart.
    body = """
  affine.for %i = 0 to 8 {
    %i2 = affine.apply affine_map<(d0) -> (d0 + 1)>(%i)
    %v = affine.load %A[%i2 + symbol(%n)] : memref<32xf32>
    affine.store %v, %A[%i + symbol(%n)] : memref<32xf32>
  }"""
    assert _vectors(body, "%A: memref<32xf32>, %n: index") == {(1,)}


def test_unknown_subscripts_and_calls_are_conservative() -> None:
    # The subscript comes from memory: any iteration may touch any element.
    body = """
  affine.for %i = 0 to 8 {
    affine.for %j = 0 to 8 {
      %x = affine.load %Idx[%i] : memref<8xindex>
      %v = memref.load %A[%x] : memref<8xf32>
      memref.store %v, %A[%j] : memref<8xf32>
    }
  }"""
    assert _vectors(body, "%A: memref<8xf32>, %Idx: memref<8xindex>") == {
        v for v in itertools.product((-1, 0, 1), repeat=2) if v > (0, 0)
    }


def _stencil(offsets: tuple[int, int, int]) -> str:
    a, b, c = offsets
    return f"""
  affine.for %i = 1 to 5 {{
    affine.for %j = 1 to 5 {{
      affine.for %k = 1 to 5 {{
        %v = affine.load %A[%i + {-a}, %j + {-b}, %k + {-c}] : memref<6x6x6xf32>
        %w = arith.addf %v, %v : f32
        affine.store %w, %A[%i, %j, %k] : memref<6x6x6xf32>
      }}
    }}
  }}"""


@settings(max_examples=40, deadline=None)
@given(st.tuples(*[st.integers(-1, 1)] * 3))
def test_uniform_stencil_distance_is_exact(offsets: tuple[int, int, int]) -> None:
    """Iteration y reads what iteration y - d wrote: the one dependence has
    distance d, oriented forwards in time (or none when d = 0)."""
    sign = next((x for x in offsets if x), 0)
    expected = set() if sign == 0 else {tuple(x * sign for x in offsets)}
    assert _vectors(_stencil(offsets), "%A: memref<6x6x6xf32>") == expected
