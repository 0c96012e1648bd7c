"""Whole programs a user would write, checked against numpy at every level.

Each example in examples/models/ is run by the `ref` executor as written (on
tensors), after `lower-to-affine` (affine loops over buffers) and after
`lower-to-loops` (scf and arith), and compared with the same computation
written directly in numpy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from paths import MODELS
from semantics import apply, assert_close, parse, run

from ziggurat.targets.ref import random_inputs


def mlp(x, w1, b1, w2, b2):
    return (np.maximum(x @ w1 + b1, 0) @ w2 + b2,)


def conv_relu(x, w, b):
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    conv = np.einsum("nhwcij,ijcf->nhwf", windows, w)
    return (np.maximum(conv + b, 0),)


def attention(q, k, v):
    scores = q @ k.transpose(0, 2, 1)
    shifted = (scores - scores.max(axis=-1, keepdims=True)) * np.float32(1 / np.sqrt(32))
    e = np.exp(shifted)
    return ((e / e.sum(axis=-1, keepdims=True)) @ v,)


def int8_matmul(a, b):
    return (a.astype(np.int32) @ b.astype(np.int32),)


PROGRAMS: dict[str, Callable[..., tuple[np.ndarray, ...]]] = {
    "mlp": mlp,
    "conv_relu": conv_relu,
    "attention": attention,
    "int8_matmul": int8_matmul,
}

LEVELS = ["", "lower-to-affine", "lower-to-loops"]


@pytest.mark.parametrize("level", LEVELS, ids=["tensor", "affine", "loops"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_numpy(name: str, level: str) -> None:
    module = parse((MODELS / f"{name}.mlir").read_text(), f"{name}.mlir")
    if level:
        apply(module, level)
    args = random_inputs(module, seed=7)
    want = [np.asarray(r) for r in PROGRAMS[name](*args)]
    want = [w.astype(np.int32) if w.dtype.kind == "i" else w.astype(np.float32) for w in want]
    assert_close(run(module, args), want, rtol=1e-4, atol=1e-5)


def test_int8_matmul_uses_the_full_int8_range() -> None:
    """Extremes of int8 (-128 * -128 summed 53 times) stay exact in i32."""
    module = parse((MODELS / "int8_matmul.mlir").read_text())
    apply(module, "lower-to-affine")
    a = np.full((37, 53), -128, np.int8)
    b = np.full((53, 29), -128, np.int8)
    (got,) = run(module, [a, b])
    assert (got == 53 * 128 * 128).all()
