"""Every row of the named-op table: it runs on ref and on C as numpy says it should.

The loop over `TABLE` is the test: a new row gets these checks with no new
code. For each row, hypothesis draws the loop sizes (and strides and
dilations); the operand shapes follow from the row's subscripts. The
expected numbers come from evaluating the row's formula with numpy, point by
point over the iteration space in order, independently of the IR the op
builds; ref must match them, and the program compiled to C must match ref.
Where real `mlir-opt` is installed, it must read what we print and its
generalized form must have our maps, iterators and body.
"""

from __future__ import annotations

import ast
import itertools
import math
import shutil
import subprocess
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from semantics import assert_c_matches_ref, parse, run
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir.affine import AffineMap

from ziggurat.dialects.linalg import NAMED_OPS, TABLE, NamedOpSpec, StructuredOp, TypeFn
from ziggurat.targets.c.call import lower_for_c

MLIR_OPT = shutil.which("mlir-opt-22") or shutil.which("mlir-opt")
MAX_POINTS = 1500
"""Iteration spaces are kept small: the numpy reference runs point by point."""

FLOAT_ONLY = {"abs", "square", "ceil", "floor", "neg", "round", "sqrt", "rsqrt", "tanh",
              "erf", "exp", "log", "powf", "/"}  # fmt: skip
INT_ONLY = {"div_unsigned", "max_unsigned", "min_unsigned"}
POSITIVE = {"sqrt", "rsqrt", "log", "powf", "/", "div_unsigned"}


def _functions(spec: NamedOpSpec) -> set[str]:
    names = {
        n.func.id
        for n in ast.walk(spec.body_expr)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    names |= {"/" for n in ast.walk(spec.body_expr) if isinstance(n, ast.Div)}
    return names


def element_types(spec: NamedOpSpec, integer: bool) -> list[str]:
    """Element types of the operands: f32, or i8 inputs into i32 where the row converts."""
    fns = _functions(spec)
    if fns & INT_ONLY or spec.cast == TypeFn.CAST_UNSIGNED:
        integer = True
    if fns & FLOAT_ONLY:
        integer = False
    converts = "cast" in fns
    inputs = ("i8" if converts else "i32") if integer else "f32"
    out = "i32" if integer else "f32"
    types = [inputs] * spec.num_inputs + [out]
    if spec.name == "select":
        types[0] = "i1"
    return types


def _dtype(type_: str) -> type[np.generic]:
    return {"f32": np.float32, "i8": np.int8, "i32": np.int32, "i1": np.bool_}[type_]


def shapes_for(spec: NamedOpSpec, sizes: list[int], window: tuple[list[int], list[int]]):
    """Operand shapes that give the loops `sizes`: each subscript's largest value + 1."""
    if spec.is_elementwise:
        return [tuple(sizes)] * len(spec.operands)
    maps = spec.maps(0, *window)
    last = [s - 1 for s in sizes]
    return [tuple(v + 1 for v in m.eval(last, [])) for m in maps]


def program(spec: NamedOpSpec, shapes, types, window, cast: TypeFn | None) -> str:
    tensor = [
        f"tensor<{''.join(f'{d}x' for d in s)}{t}>" for s, t in zip(shapes, types, strict=True)
    ]
    attrs = []
    if spec.window:
        for name, values in zip(("strides", "dilations"), window, strict=True):
            attrs.append(
                f"{name} = dense<[{', '.join(map(str, values))}]> : tensor<{spec.window}xi64>"
            )
    if cast is not None:
        attrs.append(f"cast = #linalg.type_fn<{cast}>")
    attr_text = f" {{{', '.join(attrs)}}}" if attrs else ""
    args = ", ".join(f"%a{i}: {t}" for i, t in enumerate(tensor))
    ins = ", ".join(f"%a{i}" for i in range(spec.num_inputs))
    in_types = ", ".join(tensor[: spec.num_inputs])
    out = tensor[-1]
    return (
        f"func.func @f({args}) -> {out} {{\n"
        f"  %r = linalg.{spec.name}{attr_text} ins({ins} : {in_types}) "
        f"outs(%a{spec.num_inputs} : {out}) -> {out}\n"
        f"  return %r : {out}\n}}\n"
    )


# The numpy reference: the formula, evaluated on scalars ------------------------------


def _unsigned(x: Any) -> Any:
    return np.asarray(x).view(np.dtype(f"u{np.asarray(x).dtype.itemsize}"))[()]


def _round(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


SCALAR = {
    "abs": np.abs, "square": lambda x: x * x, "ceil": np.ceil, "floor": np.floor,
    "neg": np.negative, "round": _round,
    "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x), "tanh": np.tanh,
    "erf": lambda x: type(x)(math.erf(x)), "exp": np.exp, "log": np.log, "powf": np.power,
    "max": np.maximum, "min": np.minimum,
    "max_unsigned": lambda a, b: a if _unsigned(a) >= _unsigned(b) else b,
    "min_unsigned": lambda a, b: a if _unsigned(a) <= _unsigned(b) else b,
    "div_unsigned": lambda a, b: type(a)(_unsigned(a) // _unsigned(b)),
    "select": lambda c, a, b: a if c else b,
}  # fmt: skip


def evaluate(spec: NamedOpSpec, arrays: list[np.ndarray], maps: list[AffineMap], cast: TypeFn):
    """The row's formula at every point of the iteration space, in order."""
    out = arrays[-1].copy()
    names = [s.name for s in spec.operands]
    out_type = out.dtype.type
    sizes = [1] * maps[0].num_dims
    for m, a in zip(maps, arrays, strict=True):
        for expr, n in zip(m.results, a.shape, strict=True):
            if hasattr(expr, "position") and not hasattr(expr, "lhs"):
                sizes[expr.position] = n  # pyright: ignore[reportAttributeAccessIssue]

    def value(expr: ast.expr, env: dict[str, Any]) -> Any:
        if isinstance(expr, ast.Name):
            return env[expr.id]
        if isinstance(expr, ast.Constant):
            return out_type(expr.value)
        if isinstance(expr, ast.BinOp):
            a, b = value(expr.left, env), value(expr.right, env)
            if isinstance(expr.op, ast.Add):
                return a + b
            if isinstance(expr.op, ast.Sub):
                return a - b
            if isinstance(expr.op, ast.Mult):
                return a * b
            return a / b
        assert isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
        args = [value(a, env) for a in expr.args]
        if expr.func.id == "cast":
            x = args[0]
            if cast == TypeFn.CAST_UNSIGNED and np.issubdtype(type(x), np.integer):
                x = _unsigned(x)
            return out_type(x)
        return SCALAR[expr.func.id](*args)

    with np.errstate(all="ignore"):
        for point in itertools.product(*(range(s) for s in sizes)):
            env = {
                name: (out if k == len(names) - 1 else arrays[k])[m.eval(point, [])]
                for k, (name, m) in enumerate(zip(names, maps, strict=True))
            }
            out[maps[-1].eval(point, [])] = value(spec.body_expr, env)
    return out


def inputs_for(spec: NamedOpSpec, shapes, types, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    positive = bool(_functions(spec) & POSITIVE)
    arrays = []
    for shape, type_ in zip(shapes, types, strict=True):
        dtype = _dtype(type_)
        if dtype == np.bool_:
            arrays.append(np.asarray(rng.random(shape) < 0.5))
        elif np.issubdtype(dtype, np.integer):
            low = 1 if positive else -100
            arrays.append(np.asarray(rng.integers(low, 100, size=shape), dtype=dtype))
        else:
            low = 0.5 if positive else -2.0
            arrays.append(np.asarray(rng.uniform(low, 2.0, size=shape), dtype=dtype))
    return arrays


def case(spec: NamedOpSpec, data: st.DataObject, integer: bool):
    if spec.is_elementwise:
        rank = data.draw(st.integers(0, 3), label="rank")
        sizes = data.draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank), label="shape")
    else:
        limit = 4 if len(spec.loop_names) <= 6 else 2
        sizes = data.draw(
            st.lists(st.integers(1, limit), min_size=len(spec.loop_names),
                     max_size=len(spec.loop_names)), label="loops")  # fmt: skip
    window = (
        [data.draw(st.integers(1, 2), label="stride") for _ in range(spec.window)],
        [data.draw(st.integers(1, 2), label="dilation") for _ in range(spec.window)],
    )
    cast = None
    if spec.cast_attr and integer:
        cast = data.draw(st.sampled_from([None, *TypeFn]), label="cast")
    return sizes, window, cast


def _module_for(spec: NamedOpSpec, sizes, window, cast, integer: bool, seed: int):
    types = element_types(spec, integer)
    shapes = shapes_for(spec, sizes, window)
    module = parse(program(spec, shapes, types, window, cast))
    return module, inputs_for(spec, shapes, types, seed)


@pytest.mark.parametrize("spec", TABLE, ids=lambda s: s.name)
@settings(max_examples=8, deadline=None)
@given(data=st.data(), integer=st.booleans(), seed=st.integers(0, 2**16))
def test_ref_computes_the_formula(spec: NamedOpSpec, data: st.DataObject, integer: bool, seed: int):
    sizes, window, cast = case(spec, data, integer)
    if math.prod(sizes) > MAX_POINTS:
        sizes = [1] * len(sizes)
    module, args = _module_for(spec, sizes, window, cast, integer, seed)
    op = next(o for o in module.walk() if isinstance(o, StructuredOp))
    maps = [m.data for m in op.get_indexing_maps()]
    want = evaluate(spec, args, maps, cast or spec.cast)
    (got,) = run(module, args)
    if np.issubdtype(want.dtype, np.floating):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-5)
    else:
        np.testing.assert_array_equal(got, want)


def _small_case(spec: NamedOpSpec) -> tuple[list[int], tuple[list[int], list[int]]]:
    sizes = [3, 2, 2][:3] if spec.is_elementwise else [2] * len(spec.loop_names)
    return sizes, ([2] * spec.window, [1] * spec.window)


@pytest.mark.parametrize("spec", TABLE, ids=lambda s: s.name)
def test_c_matches_ref(spec: NamedOpSpec) -> None:
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler installed")
    sizes, window = _small_case(spec)
    integer = not (_functions(spec) & FLOAT_ONLY)
    module, _ = _module_for(spec, sizes, window, None, integer, 0)
    lowered = lower_for_c(module)
    assert not any(isinstance(o, StructuredOp) for o in lowered.walk())
    assert_c_matches_ref(module, lowered)


def _mlir_opt(text: str, *flags: str) -> str:
    assert MLIR_OPT is not None
    done = subprocess.run([MLIR_OPT, *flags, "-"], input=text, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(
    MLIR_OPT is None, reason="mlir-opt not installed (apt-get install mlir-22-tools)"
)
@pytest.mark.parametrize("spec", TABLE, ids=lambda s: s.name)
def test_mlir_reads_it_and_generalizes_it_the_same_way(spec: NamedOpSpec) -> None:
    sizes, window = _small_case(spec)
    integer = not (_functions(spec) & FLOAT_ONLY)
    module, _ = _module_for(spec, sizes, window, None, integer, 0)
    ours = next(o for o in module.walk() if isinstance(o, StructuredOp))
    generalized = _mlir_opt(str(module), "--linalg-generalize-named-ops")
    theirs = next(o for o in parse(generalized).walk() if isinstance(o, GenericOp))
    assert [m.data for m in ours.get_indexing_maps()] == [m.data for m in theirs.indexing_maps]
    assert list(ours.get_iterator_types()) == list(theirs.iterator_types)
    # MLIR hoists the constant of `1 / x` out of the body; the rest is the same.
    ours_body = [o.name for o in ours.body.block.ops if o.name != "arith.constant"]
    assert ours_body == [o.name for o in theirs.body.block.ops]


def test_every_row_has_a_class_of_its_name() -> None:
    assert sorted(NAMED_OPS) == sorted(spec.name for spec in TABLE)
    for name, cls in NAMED_OPS.items():
        assert cls.name == f"linalg.{name}"
