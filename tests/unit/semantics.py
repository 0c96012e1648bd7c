"""Checks that a lowering keeps a program's meaning: run it before and after.

Every pass test uses these: parse a program, run it on random inputs with the
`ref` executor, apply a pipeline (verifying the IR after each pass, exactly as
`ziggurat-opt` does), run it again on the same inputs and compare. Integers
must match exactly; floats within a relative tolerance, since a lowering may
reorder a reduction.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from ziggurat.parser import parse_module
from ziggurat.targets.ref import random_inputs, run_function
from ziggurat.tools.compile import Pipeline, verify_module
from ziggurat.universe import load_registry

REGISTRY = load_registry()


def parse(text: str, name: str = "test.mlir") -> ModuleOp:
    """Parse and verify `text` with every registered dialect."""
    module = parse_module(REGISTRY.make_context(), text, name)
    verify_module(module)
    return module


def apply(module: ModuleOp, pipeline: str) -> ModuleOp:
    """Run `pipeline` (xDSL syntax) on `module` in place, verifying after each pass."""
    Pipeline.parse(REGISTRY, pipeline).run(REGISTRY.make_context(), module)
    return module


def run(module: ModuleOp, args: list[np.ndarray], entry: str | None = None) -> list[np.ndarray]:
    """Results of `entry` on copies of `args` (memref arguments may be written)."""
    return run_function(module, [a.copy() for a in args], entry)


def run_with_effects(
    module: ModuleOp, args: list[np.ndarray], entry: str | None = None
) -> list[np.ndarray]:
    """Results of `entry`, then every argument as the call left it.

    A memref program often returns nothing and writes its out-params: what it
    computed is in its arguments, so they are compared too.
    """
    copies = [a.copy() for a in args]
    return [*run_function(module, copies, entry), *copies]


def assert_close(got: list[np.ndarray], want: list[np.ndarray], rtol: float, atol: float) -> None:
    assert len(got) == len(want), f"{len(got)} results, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"result {i}: shape {g.shape}, expected {w.shape}"
        assert g.dtype == w.dtype, f"result {i}: dtype {g.dtype}, expected {w.dtype}"
        if np.issubdtype(w.dtype, np.integer) or w.dtype == np.bool_:
            np.testing.assert_array_equal(g, w, err_msg=f"result {i}")
        else:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"result {i}")


def assert_preserves_semantics(
    text: str,
    pipeline: str,
    args: list[np.ndarray] | None = None,
    *,
    entry: str | None = None,
    seed: int = 0,
    rtol: float = 1e-4,
    atol: float = 1e-5,
) -> ModuleOp:
    """Run `text` before and after `pipeline` on the same inputs; compare.

    The inputs are `args`, or random ones from `seed`. Results and the final
    contents of every argument are compared. Returns the lowered module so that
    a test can also check its shape.
    """
    module = parse(text)
    if args is None:
        args = random_inputs(module, entry, seed)
    want = run_with_effects(module, args, entry)
    apply(module, pipeline)
    got = run_with_effects(module, args, entry)
    assert_close(got, want, rtol, atol)
    return module


def assert_c_matches_ref(
    module: ModuleOp, lowered: ModuleOp, threads: int | None = None, seed: int = 0
) -> None:
    """The ref executor's results for `module` equal those of `lowered` compiled to C."""
    from ziggurat.targets.c.call import compile_module

    args = random_inputs(module, seed=seed)
    want = run(module, args)
    got = compile_module(lowered, threads=threads)([a.copy() for a in args])
    assert_close(got, want, rtol=1e-4, atol=1e-5)
