"""lower-affine keeps the meaning of random affine programs.

Each program is run by the reference executor before and after lowering,
and its numbers are also compared with Python's own arithmetic: `//` and `%`
round towards negative infinity exactly as affine `floordiv` and `mod` do,
which `arith.divsi` and `arith.remsi` do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import apply, assert_preserves_semantics, parse, run

from ziggurat.tools.driver import ToolError

PIPELINES = ("lower-affine", "lower-affine,canonicalize")


@dataclass(frozen=True)
class Expr:
    """An affine expression: its MLIR text and its value in Python."""

    text: str
    eval: object  # Callable[[dict[str, int]], int], kept loose for hypothesis' repr

    def __call__(self, env: dict[str, int]) -> int:
        return self.eval(env)  # pyright: ignore[reportCallIssue]


def _leaf(name: str) -> Expr:
    return Expr(name, lambda env: env[name])


def _const(value: int) -> Expr:
    return Expr(str(value), lambda env: value)


def _combine(draw_kind: str, a: Expr, b: Expr | None, c: int) -> Expr:
    match draw_kind:
        case "add":
            assert b is not None
            return Expr(f"({a.text} + {b.text})", lambda env: a(env) + b(env))
        case "sub":
            assert b is not None
            return Expr(f"({a.text} - {b.text})", lambda env: a(env) - b(env))
        case "mul":
            return Expr(f"({a.text} * {c})", lambda env: a(env) * c)
        case "floordiv":
            d = abs(c) + 1
            return Expr(f"({a.text} floordiv {d})", lambda env: a(env) // d)
        case "ceildiv":
            d = abs(c) + 1
            return Expr(f"({a.text} ceildiv {d})", lambda env: -(-a(env) // d))
        case _:
            d = abs(c) + 1
            return Expr(f"({a.text} mod {d})", lambda env: a(env) % d)


def expressions(names: Sequence[str]) -> st.SearchStrategy[Expr]:
    """Random affine expressions over `names`, with negative constants and divisors 1..6."""
    leaves = st.one_of(st.sampled_from(names).map(_leaf), st.integers(-12, 12).map(_const))

    def extend(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.builds(
            _combine,
            st.sampled_from(["add", "sub", "mul", "floordiv", "ceildiv", "mod"]),
            inner,
            inner,
            st.integers(-5, 5),
        )

    return st.recursive(leaves, extend, max_leaves=6)


RADIUS = 9
"""Loops run over [-RADIUS, RADIUS), so that every expression meets negative values."""


def check(text: str, pipeline: str, want: list[np.ndarray]) -> None:
    """The lowered program matches the reference run of the original and `want`."""
    module = assert_preserves_semantics(text, pipeline)
    assert not [op.name for op in module.walk() if op.name.startswith("affine.")]
    got = run(module, [np.zeros_like(w) for w in want])
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(expressions(["d0", "s0"]), min_size=3, max_size=3),
    st.integers(-7, 7),
    st.sampled_from(PIPELINES),
)
def test_apply_min_max(exprs: list[Expr], symbol: int, pipeline: str) -> None:
    """affine.apply/min/max of random expressions, at negative and positive points."""
    n = 2 * RADIUS
    results = ", ".join(e.text for e in exprs)
    text = f"""
    func.func @main(%out: memref<{n}x3xi64>) -> memref<{n}x3xi64> {{
      %s = arith.constant {symbol} : index
      affine.for %i = -{RADIUS} to {RADIUS} {{
        %a = affine.apply affine_map<(d0)[s0] -> ({exprs[0].text})>(%i)[%s]
        %m = affine.min affine_map<(d0)[s0] -> ({results})>(%i)[%s]
        %x = affine.max affine_map<(d0)[s0] -> ({results})>(%i)[%s]
        %a64 = arith.index_cast %a : index to i64
        %m64 = arith.index_cast %m : index to i64
        %x64 = arith.index_cast %x : index to i64
        affine.store %a64, %out[%i + {RADIUS}, 0] : memref<{n}x3xi64>
        affine.store %m64, %out[%i + {RADIUS}, 1] : memref<{n}x3xi64>
        affine.store %x64, %out[%i + {RADIUS}, 2] : memref<{n}x3xi64>
      }}
      return %out : memref<{n}x3xi64>
    }}
    """
    want = np.zeros((n, 3), np.int64)
    for row, i in enumerate(range(-RADIUS, RADIUS)):
        values = [e({"d0": i, "s0": symbol}) for e in exprs]
        want[row] = [values[0], min(values), max(values)]
    check(text, pipeline, [want])


@settings(max_examples=30, deadline=None)
@given(
    st.lists(expressions(["s0"]), min_size=1, max_size=3),
    st.lists(expressions(["s0"]), min_size=1, max_size=3),
    st.integers(1, 4),
    st.integers(-6, 6),
    st.sampled_from(PIPELINES),
)
def test_for_min_max_bounds(
    lower: list[Expr], upper: list[Expr], step: int, symbol: int, pipeline: str
) -> None:
    """A loop from the max of its lower bounds to the min of its upper bounds, with
    iter_args, and an inner loop whose bounds depend on the outer induction variable."""
    text = f"""
    func.func @main(%out: memref<2xi64>) -> memref<2xi64> {{
      %s = arith.constant {symbol} : index
      %zero = arith.constant 0 : i64
      %two = arith.constant 2 : i64
      %one = arith.constant 1 : i64
      %r, %c = affine.for %i = max affine_map<()[s0] -> ({", ".join(e.text for e in lower)})>()[%s]
          to min affine_map<()[s0] -> ({", ".join(e.text for e in upper)})>()[%s]
          step {step} iter_args(%acc = %zero, %count = %zero) -> (i64, i64) {{
        %i64 = arith.index_cast %i : index to i64
        %d = arith.muli %acc, %two : i64
        %next = arith.addi %d, %i64 : i64
        %inner = affine.for %j = max affine_map<(d0) -> (d0 - 2, -3)>(%i)
            to min affine_map<(d0) -> (d0 + 3, 4)>(%i) iter_args(%k = %count) -> (i64) {{
          %k1 = arith.addi %k, %one : i64
          affine.yield %k1 : i64
        }}
        affine.yield %next, %inner : i64, i64
      }}
      affine.store %r, %out[0] : memref<2xi64>
      affine.store %c, %out[1] : memref<2xi64>
      return %out : memref<2xi64>
    }}
    """
    env = {"s0": symbol}
    acc = count = 0
    for i in range(max(e(env) for e in lower), min(e(env) for e in upper), step):
        acc = acc * 2 + i
        count += max(0, min(i + 3, 4) - max(i - 2, -3))
    check(text, pipeline, [np.array([acc, count], np.int64)])


@dataclass(frozen=True)
class Constraint:
    expr: Expr
    equality: bool

    @property
    def text(self) -> str:
        return f"{self.expr.text} {'==' if self.equality else '>='} 0"

    def holds(self, env: dict[str, int]) -> bool:
        value = self.expr(env)
        return value == 0 if self.equality else value >= 0


constraints = st.builds(Constraint, expressions(["d0", "d1", "s0"]), st.booleans())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(constraints, min_size=1, max_size=3), st.integers(-4, 4), st.sampled_from(PIPELINES)
)
def test_if_sets(conds: list[Constraint], symbol: int, pipeline: str) -> None:
    """affine.if on random sets of equalities and inequalities, with and without else."""
    r = 5
    condition = ", ".join(c.text for c in conds)
    text = f"""
    func.func @main(%out: memref<{2 * r}x{2 * r}x2xi64>) -> memref<{2 * r}x{2 * r}x2xi64> {{
      %s = arith.constant {symbol} : index
      %yes = arith.constant 1 : i64
      %no = arith.constant -1 : i64
      affine.for %i = -{r} to {r} {{
        affine.for %j = -{r} to {r} {{
          %v = affine.if affine_set<(d0, d1)[s0] : ({condition})>(%i, %j)[%s] -> i64 {{
            affine.yield %yes : i64
          }} else {{
            affine.yield %no : i64
          }}
          affine.store %v, %out[%i + {r}, %j + {r}, 0] : memref<{2 * r}x{2 * r}x2xi64>
          affine.if affine_set<(d0, d1)[s0] : ({condition})>(%i, %j)[%s] {{
            affine.store %yes, %out[%i + {r}, %j + {r}, 1] : memref<{2 * r}x{2 * r}x2xi64>
          }}
        }}
      }}
      return %out : memref<{2 * r}x{2 * r}x2xi64>
    }}
    """
    want = np.zeros((2 * r, 2 * r, 2), np.int64)
    for i in range(-r, r):
        for j in range(-r, r):
            env = {"d0": i, "d1": j, "s0": symbol}
            inside = all(c.holds(env) for c in conds)
            want[i + r, j + r] = [1 if inside else -1, 1 if inside else 0]
    check(text, pipeline, [want])


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 6),
    st.integers(0, 2),
    st.integers(1, 2),
    st.sampled_from(PIPELINES),
)
def test_parallel_reductions(symbol: int, lower: int, step: int, pipeline: str) -> None:
    """affine.parallel with bound groups, steps and float and integer reductions."""
    text = f"""
    func.func @main(%A: memref<6x5xf32>, %B: memref<6x5xi32>, %C: memref<6x5xf32>)
        -> (f32, f32, f32, i32, i32, memref<6x5xf32>) {{
      %s = arith.constant {symbol} : index
      %r:5 = affine.parallel (%i, %j) = (max({lower}, %s - 4), 0)
          to (min(6, %s + 3), 5) step ({step}, 1)
          reduce ("addf", "maximumf", "minimumf", "addi", "ori") -> (f32, f32, f32, i32, i32) {{
        %x = affine.load %A[%i, %j] : memref<6x5xf32>
        %y = affine.load %B[%i, %j] : memref<6x5xi32>
        affine.yield %x, %x, %x, %y, %y : f32, f32, f32, i32, i32
      }}
      affine.parallel (%i, %j) = (0, 0) to (6, 5) step (2, 1) {{
        %x = affine.load %A[%i, %j] : memref<6x5xf32>
        affine.store %x, %C[%i, %j] : memref<6x5xf32>
      }}
      return %r#0, %r#1, %r#2, %r#3, %r#4, %C : f32, f32, f32, i32, i32, memref<6x5xf32>
    }}
    """
    module = assert_preserves_semantics(text, pipeline)
    assert "scf.parallel" in {op.name for op in module.walk()}
    from ziggurat.targets.ref import random_inputs

    a, b, c = random_inputs(parse(text))
    got = run(module, [a, b, c])
    rows = slice(max(lower, symbol - 4), min(6, symbol + 3), step)
    np.testing.assert_allclose(got[0], a[rows].sum(), rtol=1e-5, atol=1e-5)
    assert got[1] == a[rows].max() and got[2] == a[rows].min()
    assert got[3] == b[rows].sum() and got[4] == np.bitwise_or.reduce(b[rows], axis=None)
    want_c = c.copy()
    want_c[::2] = a[::2]
    np.testing.assert_array_equal(got[5], want_c)


def test_linalg_lowered_to_scf() -> None:
    """The two passes in a row, then canonicalize: a matmul gives the same numbers."""
    text = """
    func.func @main(%A: memref<3x4xf32>, %B: memref<4x5xf32>, %C: memref<3x5xf32>)
        -> memref<3x5xf32> {
      linalg.matmul ins(%A, %B : memref<3x4xf32>, memref<4x5xf32>) outs(%C : memref<3x5xf32>)
      return %C : memref<3x5xf32>
    }
    """
    module = assert_preserves_semantics(
        text, "convert-linalg-to-affine-loops,lower-affine,canonicalize"
    )
    names = {op.name for op in module.walk()}
    assert "scf.for" in names and not [n for n in names if n.split(".")[0] in ("affine", "linalg")]


def test_non_positive_divisor_is_refused() -> None:
    module = parse(
        """
    func.func @main(%n: index) -> index {
      %k = affine.apply affine_map<(d0) -> (d0 mod -3)>(%n)
      return %k : index
    }
    """
    )
    with pytest.raises(ToolError, match="divides by -3") as error:
        apply(module, "lower-affine")
    assert error.value.location == ("test.mlir", 3, 7)
