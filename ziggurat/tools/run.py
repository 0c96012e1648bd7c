"""`ziggurat-run`: run a function of an MLIR file on a target and report its results.

Inputs come from an `.npz` file (`arg0, arg1, ...`) or are drawn at random
from `--seed`; results go to an `.npz` file (`result0, ...`, plus `argN` for
each memref argument, whose final contents are outputs too). `--check` runs
the `ref` executor on the same inputs and compares.

Executors are looked up by target name in `EXECUTORS`; each one turns a
module and an entry function into a callable on numpy arrays, so new targets
(c, cuda, mxu) plug in by adding one entry.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ziggurat import __version__

if TYPE_CHECKING:
    import numpy as np
    from xdsl.dialects.builtin import ModuleOp

    from ziggurat.tools.driver import Sources


class Executor(Protocol):
    """A target that runs IR: `prepare` compiles once, the callable runs on arrays."""

    name: str

    def prepare(
        self, module: ModuleOp, entry: str | None
    ) -> Callable[[Sequence[np.ndarray]], list[np.ndarray]]: ...


def _ref() -> Executor:
    from ziggurat.targets.ref import RefExecutor

    return RefExecutor()


def _c() -> Executor:
    from ziggurat.targets.c.call import CExecutor

    return CExecutor()


def _mxu() -> Executor:
    from ziggurat.tools.mxu_executor import MxuExecutor

    return MxuExecutor()


def _cuda() -> Executor:
    from ziggurat.targets.cuda.runtime import CudaExecutor

    return CudaExecutor()


def _cuda_emu() -> Executor:
    from ziggurat.targets.cuda.runtime import CudaExecutor

    return CudaExecutor(emulate=True)


EXECUTORS: dict[str, Callable[[], Executor]] = {
    "ref": _ref,
    "c": _c,
    "cuda": _cuda,
    "cuda-emu": _cuda_emu,
    "mxu": _mxu,
}
"""Target name -> executor factory (imported on use)."""

TARGET_HELP = {
    "ref": "the numpy interpreter, at any level of IR (the oracle)",
    "c": "C + OpenMP, compiled with the system C compiler (tensor programs go through "
    "cpu-pipeline)",
    "cuda": "CUDA on this machine's GPU, compiled with nvcc (through cuda-pipeline)",
    "cuda-emu": "the same CUDA code run on the CPU, no GPU needed",
    "mxu": "the systolic matrix unit's simulator (through mxu-pipeline); options "
    "--mxu-config, --mxu-dataflow",
}
"""What `--help` says about each target."""


def _argument_parser() -> argparse.ArgumentParser:
    targets = "\n".join(f"  {name:<10} {TARGET_HELP.get(name, '')}" for name in EXECUTORS)
    p = argparse.ArgumentParser(
        prog="ziggurat-run",
        description="Run a function of an MLIR file on a target and report its results.",
        epilog=f"targets (--target):\n{targets}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", nargs="?", default="-", help="input file ('-' for stdin)")
    p.add_argument(
        "--target",
        default="ref",
        help=f"where to run it: {', '.join(EXECUTORS)} (default: ref; see below)",
    )
    p.add_argument(
        "--entry",
        type=lambda name: name.removeprefix("@"),
        help="function to run, `name` or `@name` (default: the only, or first, public one)",
    )
    p.add_argument("--inputs", metavar="IN.npz", help="arguments as arrays arg0, arg1, ...")
    p.add_argument("--output", metavar="OUT.npz", help="write the results (result0, ...) here")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs (default 0)")
    p.add_argument("--repeat", type=int, default=1, metavar="N", help="run N times and time it")
    p.add_argument("--check", action="store_true", help="compare with the ref target")
    p.add_argument("--rtol", type=float, help="relative tolerance of --check")
    p.add_argument("--atol", type=float, help="absolute tolerance of --check")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no progress on stderr (shown only when stderr is a terminal)",
    )
    p.add_argument(
        "--mxu-config",
        metavar="PRESET|FILE",
        help="the mxu machine: a preset (edge, tpu-v1) or a TOML/JSON config (default: edge)",
    )
    p.add_argument(
        "--mxu-dataflow",
        choices=("ws", "os"),
        help="the mxu array's dataflow: weight- or output-stationary (default: ws)",
    )
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on internal errors")
    p.add_argument("--version", action="version", version=f"ziggurat-run {__version__}")
    return p


def main(argv: list[str] | None = None) -> None:
    args = _argument_parser().parse_args(argv)
    from ziggurat.tools.driver import run_tool

    run_tool(lambda sources: _run(args, sources), args.debug)


def _run(args: argparse.Namespace, sources: Sources) -> int:
    from ziggurat.tools.compile import parse_source, verify_module
    from ziggurat.tools.driver import ToolError
    from ziggurat.universe import RegistryError, load_registry

    if args.repeat < 1:
        raise ToolError(f"--repeat must be at least 1, got {args.repeat}")
    for option in ("rtol", "atol"):
        value = getattr(args, option)
        if value is not None and not value >= 0:
            raise ToolError(f"--{option} must be a non-negative number, got {value}")
    factory = EXECUTORS.get(args.target)
    if factory is None:
        raise ToolError(
            f"unknown target '{args.target}' for ziggurat-run; known targets: "
            + ", ".join(sorted(EXECUTORS))
        )
    try:
        registry = load_registry()
    except RegistryError as error:
        raise ToolError(str(error)) from None
    text = sources.read(args.input)
    name = "<stdin>" if args.input == "-" else args.input
    module = parse_source(registry.make_context(), text, name)
    verify_module(module)
    executor = factory()
    if args.mxu_config or args.mxu_dataflow:
        executor = _mxu_with_options(args)
    return _Session(module, executor, args).run()


def _mxu_with_options(args: argparse.Namespace) -> Executor:
    """The mxu executor compiling for the machine and dataflow the options name."""
    from ziggurat.hardware.mxu.config import PRESETS, ConfigError, MxuConfig
    from ziggurat.tools.driver import ToolError
    from ziggurat.tools.mxu_executor import MxuExecutor

    if args.target != "mxu":
        raise ToolError("--mxu-config and --mxu-dataflow apply to --target mxu only")
    preset, config = "edge", ""
    if args.mxu_config in PRESETS:
        preset = args.mxu_config
    elif args.mxu_config is not None:
        try:
            MxuConfig.load(args.mxu_config)
        except ConfigError as error:
            raise ToolError(f"--mxu-config: {error}") from None
        config = args.mxu_config
    return MxuExecutor(preset, config, args.mxu_dataflow or "ws", options_given=True)


class _Session:
    """One `ziggurat-run` invocation: inputs, timed runs, check, report."""

    def __init__(self, module: ModuleOp, executor: Executor, args: argparse.Namespace):
        self.module = module
        self.executor = executor
        self.args = args

    def run(self) -> int:
        import time

        from ziggurat.targets.ref import entry_function, random_inputs

        func = self._guard(lambda: entry_function(self.module, self.args.entry))
        self.entry = func.sym_name.data
        types = list(func.function_type.inputs.data)
        if self.args.inputs is not None:
            inputs = self._load_inputs(types)
        else:
            self._guard(lambda: self._refuse_dynamic_shapes(func, types))
            inputs = self._guard(lambda: random_inputs(self.module, self.entry, self.args.seed))
        from ziggurat.tools.progress import status, steps

        quiet = self.args.quiet
        with status(f"compiling @{self.entry} for {self.args.target}", quiet):
            prepared = self._guard(lambda: self.executor.prepare(self.module, self.entry))
        timings: list[float] = []

        def timed_run():
            run_args = [a.copy() for a in inputs]
            start = time.perf_counter()
            results = self._guard(lambda: prepared(run_args))
            timings.append(time.perf_counter() - start)
            return results, run_args

        # --repeat is at least 1 (checked with the arguments): the last run's are kept.
        repeat = self.args.repeat
        with steps(f"running @{self.entry} on {self.args.target}", repeat, quiet) as advance:
            results, run_args = timed_run()
            advance(f"run 1 of {repeat}")
            for k in range(repeat - 1):
                results, run_args = timed_run()
                advance(f"run {k + 2} of {repeat}")
        outputs = self._outputs(types, results, run_args)
        check = self._check(types, inputs, outputs) if self.args.check else None
        if self.args.output is not None:
            _write_npz(self.args.output, outputs)
        self._report(inputs, outputs, timings, check)
        if check is not None and not check["ok"]:
            from ziggurat.tools.driver import ToolError

            raise ToolError(
                check.get("message")
                or f"results differ from the ref target beyond rounding: {_worst(check)}"
            )
        return 0

    def _refuse_dynamic_shapes(self, func, types) -> None:
        """Random inputs need static shapes; say how to give the others."""
        from xdsl.dialects.builtin import DYNAMIC_INDEX

        from ziggurat.diagnostics import CompileError

        for i, t in enumerate(types):
            if DYNAMIC_INDEX in getattr(t, "get_shape", tuple)():
                names = ", ".join(f"arg{k}" for k in range(len(types)))
                raise CompileError(
                    f"argument #{i} of @{self.entry} has the dynamic type {t}, so no random "
                    f"input can be made for it: give the inputs with --inputs FILE.npz "
                    f"(arrays {names})",
                    func,
                )

    def _guard(self, action: Callable[[], Any]) -> Any:
        """Run `action`, turning a `CompileError` into a located `ToolError`."""
        from ziggurat.diagnostics import CompileError
        from ziggurat.tools.driver import ToolError

        try:
            return action()
        except CompileError as error:
            loc = error.location
            where = None if loc is None else (loc.file, loc.line, loc.col)
            raise ToolError(error.message, where) from None

    def _outputs(self, types, results, run_args) -> dict[str, np.ndarray]:
        """Results, then the memref arguments the function may write (its out-params)."""
        outputs = {f"result{i}": r for i, r in enumerate(results)}
        for i in _written_arguments(self.module, self.entry):
            outputs[f"arg{i}"] = run_args[i]
        return outputs

    def _load_inputs(self, types) -> list[np.ndarray]:
        import zipfile

        import numpy as np

        from ziggurat.tools.driver import ToolError

        path = self.args.inputs
        try:
            with np.load(path, allow_pickle=False) as data:
                if not isinstance(data, np.lib.npyio.NpzFile):
                    raise ValueError
                arrays = {k: data[k] for k in data.files}
        except FileNotFoundError:
            raise ToolError(f"cannot read inputs '{path}': no such file") from None
        except IsADirectoryError:
            raise ToolError(f"cannot read inputs '{path}': is a directory") from None
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, AttributeError):
            raise ToolError(f"cannot read inputs '{path}': not an .npz file") from None
        names = [f"arg{i}" for i in range(len(types))]
        extra = sorted(set(arrays) - set(names))
        if extra:
            raise ToolError(
                f"inputs '{path}' has unexpected arrays {', '.join(extra)}: "
                f"@{self.entry} takes {len(types)} arguments"
                + (f" ({', '.join(names)})" if names else "")
            )
        inputs: list[np.ndarray] = []
        for i, (name, t) in enumerate(zip(names, types, strict=True)):
            if name not in arrays:
                raise ToolError(
                    f"inputs '{path}' has no array '{name}' for argument #{i} of type {t}"
                )
            inputs.append(_conform(name, arrays[name], t))
        return inputs

    def _check(self, types, inputs, outputs) -> dict[str, Any]:
        """The outputs against `ref` in float64, within the bound of `tools/check.py`."""
        from ziggurat.targets.ref import RefExecutor
        from ziggurat.tools import check

        def run(module: ModuleOp, args: list[np.ndarray]) -> dict[str, np.ndarray]:
            prepared = self._guard(lambda: RefExecutor().prepare(module, self.entry))
            return self._outputs(types, self._guard(lambda: prepared(args)), args)

        want, magnitude = check.reference(self.module, inputs, run)
        scale = check.scale_of(self.module)
        verdict = check.compare(outputs, want, magnitude, scale, self.args.rtol, self.args.atol)
        return verdict.as_dict()

    def _report(self, inputs, outputs, timings, check) -> None:
        import json
        import statistics

        def describe(a) -> dict[str, Any]:
            return {"shape": list(a.shape), "dtype": a.dtype.name}

        timing = {
            "runs": len(timings),
            "median_s": statistics.median(timings),
            "min_s": min(timings),
            "max_s": max(timings),
        }
        if self.args.json:
            report = {
                "target": self.executor.name,
                "entry": self.entry,
                "inputs": [describe(a) for a in inputs],
                "results": [
                    {"name": k, **describe(v)} for k, v in outputs.items() if k.startswith("r")
                ],
                "out_params": [
                    {"name": k, **describe(v)} for k, v in outputs.items() if k.startswith("a")
                ],
                "timings": timing,
                "check": None
                if check is None
                else {
                    k: check[k]
                    for k in ("max_abs_error", "max_rel_error", "ok", "worst", "ratio")
                    if k in check
                },
            }
            if hasattr(self.executor, "report"):
                report[self.executor.name] = self.executor.report()  # pyright: ignore
            sys.stdout.write(json.dumps(report) + "\n")
            return
        n = sum(1 for k in outputs if k.startswith("result"))
        lines = [f"@{self.entry} on {self.executor.name}: {n} result{'s' if n != 1 else ''}"]
        for name, value in outputs.items():
            shape = "x".join(str(d) for d in value.shape) or "scalar"
            lines.append(f"  {name}: {shape} {value.dtype.name}")
        if len(timings) == 1:
            lines.append(f"time: {_ms(timings[0])}")
        else:
            lines.append(
                f"time: median {_ms(timing['median_s'])}, min {_ms(timing['min_s'])}, "
                f"max {_ms(timing['max_s'])} over {len(timings)} runs"
            )
        if hasattr(self.executor, "summary_line"):
            line = self.executor.summary_line()  # pyright: ignore[reportAttributeAccessIssue]
            if line:
                lines.append(f"{self.executor.name}: {line}")
        if check is not None:
            verdict = "ok" if check["ok"] else f"MISMATCH: {_worst(check)}"
            lines.append(
                f"check against ref: max abs error {check['max_abs_error']:.3g}, "
                f"max rel error {check['max_rel_error']:.3g}: {verdict}"
            )
        sys.stdout.write("\n".join(lines) + "\n")


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def _worst(check: dict[str, Any]) -> str:
    """The worst element of a check, with both values and the bound it broke."""
    return (
        f"{check['worst']} is {check['got']:.9g}, ref gives {check['want']:.9g} "
        f"(error {abs(check['got'] - check['want']):.3g}, bound {check['bound']:.3g})"
    )


def _conform(name: str, array: np.ndarray, type_) -> np.ndarray:
    """`array` as the argument of `type_`, or an error naming both."""
    import numpy as np
    from xdsl.dialects.builtin import DYNAMIC_INDEX

    from ziggurat.diagnostics import CompileError
    from ziggurat.targets.ref.types import BF16, is_shaped, value_dtype
    from ziggurat.tools.driver import ToolError

    try:
        dtype = value_dtype(type_)
    except CompileError as error:
        raise ToolError(f"input '{name}': {error.message}") from None
    if dtype == BF16 and array.dtype == np.dtype("V2"):
        array = array.view(BF16)
    if array.dtype.newbyteorder("=") == dtype and array.dtype != dtype:
        array = array.astype(dtype)  # the same type in the other byte order
    expected = list(type_.get_shape()) if is_shaped(type_) else []
    shape_ok = len(expected) == array.ndim and all(
        e in (DYNAMIC_INDEX, s) for e, s in zip(expected, array.shape, strict=True)
    )
    if array.dtype != dtype or not shape_ok:
        want = "x".join("?" if e == DYNAMIC_INDEX else str(e) for e in expected) or "scalar"
        got = "x".join(str(d) for d in array.shape) or "scalar"
        raise ToolError(
            f"input '{name}' must be {type_} ({want} {dtype.name}), got {got} {array.dtype.name}"
        )
    return array


def _write_npz(path: str, arrays: dict[str, np.ndarray]) -> None:
    """Write all arrays, or nothing (the tools' atomic output, in binary)."""
    import io

    import numpy as np

    from ziggurat.tools.driver import atomic_output

    buffer = io.BytesIO()
    # The names are result<i> and arg<i>, so none is taken for savez's own keyword.
    np.savez(buffer, allow_pickle=True, **arrays)
    with atomic_output(path, binary=True) as write:
        write(buffer.getvalue().decode("latin-1"))


def _written_arguments(module: Any, entry: str) -> list[int]:
    """Indices of the memref arguments of `entry` that some op may write.

    Conservative: any use other than a read (a store, a copy, a linalg output, a
    call) counts as a write, seen through views.
    """
    from xdsl.dialects import func
    from xdsl.dialects.builtin import MemRefType

    function = next(
        op for op in module.walk() if isinstance(op, func.FuncOp) and op.sym_name.data == entry
    )
    if not function.body.blocks:
        return []

    from ziggurat.dialects.memory_effects import may_write_operand, views_of

    def written(value: Any) -> bool:
        return any(
            may_write_operand(use.operation, use.index)
            for view in views_of(value)
            for use in view.uses
        )

    return [
        i
        for i, arg in enumerate(function.body.block.args)
        if isinstance(arg.type, MemRefType) and written(arg)
    ]


if __name__ == "__main__":
    main(sys.argv[1:])
