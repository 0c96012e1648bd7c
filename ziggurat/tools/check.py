"""`ziggurat-run --check`: is a target's result the program's result, up to rounding?

The reference is the `ref` interpreter running the program in float64 (every
float type widened), so that its own rounding does not count against the
target. A result passes if each element's error is within a bound that follows
from the computation, in the style of the BLAS and LAPACK test suites:

    |got_i - want_i| <= LAMBDA * u * depth * M_i

- `u` is the unit roundoff of the coarsest float type in the program
  (2^-24 for f32, 2^-8 for bf16);
- `M_i` is the element's magnitude: the float64 program run on |inputs| with
  |constants|, which for sums of products is sum_k |a_ik| |b_kj|, the quantity
  componentwise rounding-error bounds are stated in (Higham, "Accuracy and
  Stability of Numerical Algorithms", 3.5);
- `depth` is sum over the program's reductions of sqrt(K) (a reduction of
  length K in floating point has error below lambda sqrt(K) u sum|terms| with
  high probability: Higham and Mary, SIAM J. Sci. Comput. 41, 2019), plus one
  rounding per op.

Typical errors of a correct result sit orders of magnitude below the bound,
while a dropped term of a sum, or an element off by a few ulps times K, lands
above it. Integers must match exactly. `--rtol`/`--atol` replace the bound by
`atol + rtol * |want_i|`. Programs the widening cannot handle (bit casts of
floats) are compared against `ref` in their own precision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    ArrayAttr,
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    FunctionType,
    MemRefType,
    ModuleOp,
    TensorType,
    VectorType,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Operation
from xdsl.ir.affine import AffineDimExpr
from xdsl.rewriter import Rewriter
from xdsl.utils.exceptions import DiagnosticException

from ziggurat.elements import SplatElementsAttr, splat

LAMBDA = 1.0
"""How far past the probabilistic bound's constant an error may go (see the module doc)."""

UNIT_ROUNDOFF = {"f16": 2.0**-11, "bf16": 2.0**-8, "f32": 2.0**-24, "f64": 2.0**-53}

_NARROW_FLOATS = (Float16Type, BFloat16Type, Float32Type)
f64 = Float64Type()


# --- The program in float64 -----------------------------------------------------------


def _widen(attr: Attribute, magnitudes: bool) -> Attribute:
    """`attr` with every narrower float type made f64 (constants made |c| for `magnitudes`)."""
    if isinstance(attr, _NARROW_FLOATS):
        return f64
    if isinstance(attr, FloatAttr):
        value = attr.value.data
        return FloatAttr(_magnitude(value) if magnitudes else value, f64)
    if isinstance(attr, DenseIntOrFPElementsAttr) and isinstance(
        attr.get_element_type(), (*_NARROW_FLOATS, Float64Type)
    ):
        shaped = _widen(attr.type, magnitudes)
        if shaped == attr.type and not magnitudes:
            return attr
        if isinstance(attr, SplatElementsAttr):
            value = float(attr.value)
            assert isinstance(shaped, TensorType | VectorType | MemRefType)
            return splat(shaped, _magnitude(value) if magnitudes else value)
        values = [float(v) for v in attr.get_values()]
        if magnitudes:
            values = [_magnitude(v) for v in values]
        assert isinstance(shaped, TensorType | VectorType | MemRefType)
        return DenseIntOrFPElementsAttr.from_list(shaped, values)
    if isinstance(attr, MemRefType):
        return MemRefType(
            _widen(attr.element_type, magnitudes), attr.shape, attr.layout, attr.memory_space
        )
    if isinstance(attr, TensorType):
        return TensorType(_widen(attr.element_type, magnitudes), attr.shape, attr.encoding)
    if isinstance(attr, VectorType):
        return VectorType(_widen(attr.element_type, magnitudes), attr.shape)
    if isinstance(attr, FunctionType):
        return FunctionType.from_lists(
            [_widen(t, magnitudes) for t in attr.inputs],
            [_widen(t, magnitudes) for t in attr.outputs],
        )
    if isinstance(attr, ArrayAttr):
        return ArrayAttr([_widen(a, magnitudes) for a in attr])
    if isinstance(attr, DictionaryAttr):
        return DictionaryAttr({k: _widen(v, magnitudes) for k, v in attr.data.items()})
    return attr


def _magnitude(value: float) -> float:
    """|value|, but infinities (the neutral values of max and min) keep their sign."""
    return value if math.isinf(value) else abs(value)


def widened(module: ModuleOp, magnitudes: bool = False) -> ModuleOp | None:
    """A copy of `module` computing in float64; None if it reinterprets float bits."""
    copy = module.clone()
    ops = list(copy.walk())
    if any(isinstance(op, arith.BitcastOp) for op in ops):
        return None
    for op in ops:
        for region in op.regions:
            for block in region.blocks:
                for arg in list(block.args):
                    new = _widen(arg.type, magnitudes)
                    if new != arg.type:
                        Rewriter.replace_value_with_new_type(arg, new)
        for result in list(op.results):
            new = _widen(result.type, magnitudes)
            if new != result.type:
                Rewriter.replace_value_with_new_type(result, new)
        for name, value in list(op.properties.items()):
            op.properties[name] = _widen(value, magnitudes)
        for name, value in list(op.attributes.items()):
            op.attributes[name] = _widen(value, magnitudes)
    for op in list(copy.walk()):
        # Conversions between float types are now f64 to f64: they go.
        if isinstance(op, arith.ExtFOp | arith.TruncFOp):
            op.results[0].replace_all_uses_with(op.operands[0])
            Rewriter.erase_op(op)
    try:
        copy.verify()
    except DiagnosticException:
        return None
    return copy


# --- How deep the computation is --------------------------------------------------------


def _reduction_length(op: LinalgStructuredOperation) -> int:
    """The product of the extents of `op`'s reduction loops (1 without any)."""
    maps = [m.data for m in op.get_indexing_maps()]
    shapes = [
        operand.type.get_shape() if isinstance(operand.type, MemRefType | TensorType) else ()
        for operand in op.operands
    ]
    extents: dict[int, int] = {}
    for affine_map, shape in zip(maps, shapes, strict=False):
        for expr, size in zip(affine_map.results, shape, strict=False):
            if isinstance(expr, AffineDimExpr) and size > 0:
                extents.setdefault(expr.position, size)
    length = 1
    for d, kind in enumerate(op.get_iterator_types()):
        if kind.data.value == "reduction":
            length *= extents.get(d, 1)
    return length


def depth(module: ModuleOp) -> float:
    """sum of sqrt(K) over the reductions, plus one rounding per op that computes."""
    total = 1.0
    for op in module.walk():
        if isinstance(op, LinalgStructuredOperation):
            total += math.sqrt(_reduction_length(op)) + 1
        elif _is_loop(op) and not any(_is_loop(a) for a in _ancestors(op)):
            total += math.sqrt(_trip_product(op))
    return total


def _is_loop(op: Operation) -> bool:
    return op.name in ("affine.for", "scf.for", "affine.parallel", "scf.parallel")


def _ancestors(op: Operation):
    parent = op.parent_op()
    while parent is not None:
        yield parent
        parent = parent.parent_op()


def _trip_product(root: Operation) -> int:
    """The largest product of constant trip counts along a nest below `root`."""
    best = 1
    for op in root.walk():
        if not _is_loop(op):
            continue
        product = 1
        for loop in (op, *_ancestors(op)):
            count = _trip_count(loop)
            product *= count
            if loop is root:
                break
        best = max(best, product)
    return best


def _trip_count(loop: Operation) -> int:
    for name in ("upperBoundMap", "upper_bound"):
        bound = loop.properties.get(name)
        results = getattr(getattr(bound, "data", None), "results", ())
        if len(results) == 1 and hasattr(results[0], "value"):
            return max(1, int(results[0].value))
    return 16


def unit_roundoff(module: ModuleOp) -> float:
    """The unit roundoff of the coarsest float type the program uses."""
    u = UNIT_ROUNDOFF["f64"]
    for op in module.walk():
        for value in (*op.results, *op.operands):
            element = getattr(value.type, "element_type", value.type)
            for cls, name in ((Float16Type, "f16"), (BFloat16Type, "bf16"), (Float32Type, "f32")):
                if isinstance(element, cls):
                    u = max(u, UNIT_ROUNDOFF[name])
    return u


# --- The comparison ---------------------------------------------------------------------


@dataclass
class Verdict:
    """The worst element of the comparison: where it is and how far off."""

    ok: bool = True
    output: str = ""
    index: tuple[int, ...] = ()
    got: float = 0.0
    want: float = 0.0
    bound: float = 0.0
    max_abs_error: float = 0.0
    max_rel_error: float = 0.0
    ratio: float = 0.0
    """Largest error / bound (above 1 fails)."""
    message: str = ""

    @property
    def worst(self) -> str:
        where = f"{self.output}[{', '.join(map(str, self.index))}]" if self.index else self.output
        return where

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "worst": self.worst,
            "got": self.got,
            "want": self.want,
            "bound": self.bound,
            "ratio": self.ratio,
            "max_abs_error": self.max_abs_error,
            "max_rel_error": self.max_rel_error,
            **({"message": self.message} if self.message else {}),
        }


def compare(
    got: dict[str, np.ndarray],
    want: dict[str, np.ndarray],
    magnitude: dict[str, np.ndarray] | None,
    scale: float,
    rtol: float | None = None,
    atol: float | None = None,
) -> Verdict:
    """Each output of `got` against `want`, elementwise within `scale * magnitude`."""
    verdict = Verdict()
    for name, expected in want.items():
        actual = got.get(name)
        if actual is None or actual.shape != expected.shape:
            what = "missing" if actual is None else f"{list(actual.shape)}"
            return Verdict(
                ok=False,
                output=name,
                max_abs_error=math.inf,
                max_rel_error=math.inf,
                ratio=math.inf,
                message=f"{name} is {what}, ref gives {list(expected.shape)}",
            )
        g, w = actual.astype(np.float64), expected.astype(np.float64)
        both_nan = np.isnan(g) & np.isnan(w)
        same_inf = np.isinf(g) & np.isinf(w) & (np.sign(g) == np.sign(w))
        diff = np.where(both_nan | same_inf, 0.0, np.abs(g - w))
        diff = np.where(np.isnan(diff), np.inf, diff)
        if not _is_float(actual):
            bound = np.zeros_like(w)
        elif rtol is not None or atol is not None:
            bound = (atol or 0.0) + (rtol or 0.0) * np.abs(w)
        else:
            m = magnitude[name].astype(np.float64) if magnitude else np.abs(w)
            m = np.where(np.isfinite(m), np.abs(m), np.abs(w))
            bound = scale * np.maximum(m, np.abs(w))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(diff == 0, 0.0, diff / bound)
            rel = np.where(w != 0, diff / np.abs(w), np.where(diff > 0, np.inf, 0.0))
        if diff.size == 0:
            continue
        flat = int(np.argmax(ratios))
        index = tuple(int(i) for i in np.unravel_index(flat, ratios.shape))
        ratio = float(ratios.flat[flat])
        verdict.max_abs_error = max(verdict.max_abs_error, float(diff.max()))
        verdict.max_rel_error = max(verdict.max_rel_error, float(rel.max()))
        if ratio > verdict.ratio or not verdict.output:
            verdict.ratio, verdict.output, verdict.index = ratio, name, index
            verdict.got, verdict.want = float(g[index]), float(w[index])
            verdict.bound = float(bound[index])
    verdict.ok = verdict.ratio <= 1.0
    return verdict


Outputs = dict[str, np.ndarray]
Run = Callable[[ModuleOp, list[np.ndarray]], Outputs]
"""Runs a module on arguments and collects its outputs (results, then written arguments)."""


def reference(
    module: ModuleOp, inputs: Sequence[np.ndarray], run: Run
) -> tuple[Outputs, Outputs | None]:
    """The program's outputs in float64, and their magnitudes (None if it cannot be widened)."""
    wide = widened(module)
    magnitude_module = widened(module, magnitudes=True)
    if wide is None or magnitude_module is None:
        return run(module, [np.array(a, copy=True) for a in inputs]), None
    want = run(wide, widen_inputs(inputs, magnitudes=False))
    return want, run(magnitude_module, widen_inputs(inputs, magnitudes=True))


def scale_of(module: ModuleOp) -> float:
    """`LAMBDA * u * depth`: the bound on an element's error per unit of its magnitude."""
    return LAMBDA * unit_roundoff(module) * depth(module)


def widen_inputs(inputs: Sequence[np.ndarray], magnitudes: bool) -> list[np.ndarray]:
    """Float inputs as float64 (their absolute values for `magnitudes`)."""
    out = []
    for a in inputs:
        array = np.asarray(a)
        if _is_float(array):
            wide = array.astype(np.float64)
            out.append(np.abs(wide) if magnitudes else wide)
        else:
            out.append(array.copy())
    return out


def _is_float(array: np.ndarray) -> bool:
    return array.dtype.kind == "f" or array.dtype.name == "bfloat16"
