"""The `ref` target: evaluates IR at any level with numpy.

It is the oracle every lowering and every other target is checked against,
so it follows MLIR's semantics exactly (integer wrap-around, unsigned ops,
NaN rules, `divsi` truncation, ...) and reports any op it cannot execute,
and any runtime fault, as a located `CompileError`.

Calling convention of `run_function`: one numpy value per argument of the
entry function. A memref argument is used in place (the function may write
it: an out-parameter); a tensor argument is copied and never written; a
scalar is a numpy scalar or 0-d array. Results come back as new arrays,
scalars as 0-d arrays.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from xdsl.dialects.builtin import DYNAMIC_INDEX, MemRefType, ModuleOp, TensorType
from xdsl.dialects.func import FuncOp
from xdsl.ir import Attribute

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.interpreter import MAX_CALL_DEPTH, Interpreter, LaunchHandler
from ziggurat.targets.ref.types import is_shaped, random_values, value_dtype
from ziggurat.targets.ref.values import Allocation, Buffer

__all__ = ["RefExecutor", "entry_function", "random_inputs", "run_function"]


def _public_functions(module: ModuleOp) -> list[FuncOp]:
    return [
        op
        for op in module.ops
        if isinstance(op, FuncOp)
        and op.body.blocks
        and (op.sym_visibility is None or op.sym_visibility.data == "public")
    ]


def entry_function(module: ModuleOp, entry: str | None = None) -> FuncOp:
    """The function to run: `entry`, else the only public one, else the first public one."""
    functions = [op for op in module.ops if isinstance(op, FuncOp)]
    if entry is not None:
        for func in functions:
            if func.sym_name.data == entry:
                if not func.body.blocks:
                    raise CompileError(f"ref: function '@{entry}' is only declared", func)
                return func
        known = ", ".join(f"@{f.sym_name.data}" for f in functions) or "none"
        raise CompileError(f"ref: no function named '@{entry}' (functions: {known})", module)
    public = _public_functions(module)
    if not public:
        raise CompileError("ref: no public function with a body to run", module)
    return public[0]


def random_inputs(module: ModuleOp, entry: str | None = None, seed: int = 0) -> list[np.ndarray]:
    """Deterministic random arguments for the entry function.

    Floats are uniform in [-1, 1); `i8` in [-8, 8) (so that products do not
    all wrap), `i16` in [-128, 128), wider integers in [-1024, 1024);
    unsigned types from 0; `i1` random booleans; `index` in [0, 8).
    """
    func = entry_function(module, entry)
    return random_values(func.function_type.inputs.data, seed, func)


def _argument(func: FuncOp, i: int, type_: Attribute, value) -> object:
    dtype = value_dtype(type_, func)
    name = f"@{func.sym_name.data}"
    if not is_shaped(type_):
        array = np.asarray(value)
        if array.shape != () or array.dtype != dtype:
            raise CompileError(
                f"ref: argument #{i} of {name} must be a {type_} scalar ({dtype}), got "
                f"{_describe(array)}",
                func,
            )
        return array[()]
    if not isinstance(value, np.ndarray):
        raise CompileError(
            f"ref: argument #{i} of {name} must be an array for {type_}, "
            f"got {type(value).__name__}",
            func,
        )
    expected = type_.get_shape()  # pyright: ignore
    if (
        value.dtype != dtype
        or value.ndim != len(expected)
        or any(e != DYNAMIC_INDEX and e != s for e, s in zip(expected, value.shape, strict=True))
    ):
        raise CompileError(
            f"ref: argument #{i} of {name} must be {type_}, got {_describe(value)}", func
        )
    if isinstance(type_, MemRefType):
        return Buffer(value, Allocation(f"argument #{i}"))
    if isinstance(type_, TensorType):
        copy = np.array(value)
        copy.setflags(write=False)
        return copy
    return np.array(value)


def _describe(array: np.ndarray) -> str:
    return f"an array of shape {list(array.shape)} and dtype {array.dtype}"


def _result(value) -> np.ndarray:
    if isinstance(value, Buffer):
        return np.array(value.array)
    return np.array(value)


def run_function(
    module: ModuleOp, args: Sequence[np.ndarray], entry: str | None = None
) -> list[np.ndarray]:
    """Run the entry function on `args`; its results as numpy arrays."""
    return RefExecutor().prepare(module, entry)(args)


class RefExecutor:
    """The `ref` target behind `ziggurat-run`: `prepare` once, call many times."""

    name = "ref"

    def __init__(self, launch_handlers: Mapping[str, LaunchHandler] | None = None):
        self.launch_handlers = launch_handlers
        """Runners for `device.launch`es on other targets (the mxu simulator)."""

    def prepare(
        self, module: ModuleOp, entry: str | None = None
    ) -> Callable[[Sequence[np.ndarray]], list[np.ndarray]]:
        func = entry_function(module, entry)
        types = func.function_type.inputs.data
        interpreter = Interpreter(module, self.launch_handlers)

        def run(args: Sequence[np.ndarray]) -> list[np.ndarray]:
            if len(args) != len(types):
                raise CompileError(
                    f"ref: @{func.sym_name.data} takes {len(types)} arguments, got {len(args)}",
                    func,
                )
            values = [
                _argument(func, i, t, a) for i, (t, a) in enumerate(zip(types, args, strict=False))
            ]
            interpreter.globals.clear()
            limit = sys.getrecursionlimit()
            # Each call level of the program takes about ten Python frames.
            sys.setrecursionlimit(max(limit, 20 * MAX_CALL_DEPTH))
            try:
                with np.errstate(all="ignore"):
                    results = interpreter.call(func, values)
            except RecursionError:
                raise CompileError("ref: the program nests too deeply to interpret", func) from None
            finally:
                sys.setrecursionlimit(limit)
            return [_result(r) for r in results]

        return run
