"""Compile speed of `ziggurat-opt` against its peer `xdsl-opt`, measured in one run.

Both tools are started as subprocesses on the same generated module (about 20,000
ops of arith, math, scf, memref, affine, tensor and linalg in `func.func`s, written
in syntax that both tools read), alternating between them so that machine noise
falls on both alike. Three measurements:

1. parse + print:                 `TOOL bench.mlir -o OUT`
2. parse + canonicalize + cse:    `TOOL bench.mlir -p canonicalize,cse -o OUT`
3. start-up:                      `TOOL --version`

For each, the median and minimum wall time of each tool and the ratio
ziggurat/xdsl. Before timing, each tool's output is parsed again with xDSL and
printed in generic form: both must agree op for op, or the timings mean nothing.

Run with the project's interpreter, from the repository root:

    .venv/bin/python bench/opt_throughput.py [--ops 20000] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xdsl.context import Context

TOOLS = ("ziggurat", "xdsl")
"""Order of the tools in each round (reversed every other round)."""

TARGET_RATIO = 1.1
"""How much slower than xdsl-opt ziggurat-opt may be on a whole compile."""

STARTUP_TARGET_S = 1.0
"""`ziggurat-opt --version` must answer well within this."""

SIGNATURE = (
    "%arg0: f32, %arg1: i32, %arg2: index, %arg3: memref<64xf32>, "
    "%arg4: memref<16x16xf32>, %arg5: tensor<8x8xf32>"
)
RESULTS = "f32, i32, tensor<8x8xf32>"
ARG_TYPES = "f32, i32, index, memref<64xf32>, memref<16x16xf32>, tensor<8x8xf32>"
TENSOR = "tensor<8x8xf32>"
IDENTITY_2D = "affine_map<(d0, d1) -> (d0, d1)>"


# --------------------------------------------------------------------------
# The generated module
# --------------------------------------------------------------------------


@dataclass
class _FunctionWriter:
    """Writes one `func.func` body, keeping the values in scope for each type.

    Operands are drawn from what is in scope, so the IR has realistic def-use
    chains; a share of ops repeat an earlier one or fold with a constant, so that
    canonicalize and cse have work to do, as they would on front-end output.
    """

    rng: random.Random
    lines: list[str] = field(default_factory=list[str])
    ops: int = 0
    next_id: int = 0
    indent: str = "    "
    scope: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    emitted: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])

    def fresh(self, hint: str = "") -> str:
        self.next_id += 1
        return f"%{hint}{self.next_id}" if hint else f"%{self.next_id - 1}"

    def emit(self, text: str, ops: int = 1) -> None:
        self.lines.append(self.indent + text)
        self.ops += ops

    def define(self, type_: str, rhs: str, hint: str = "") -> str:
        """Emit `%x = rhs` and put `%x` in scope as a value of `type_`."""
        name = self.fresh(hint)
        self.emit(f"{name} = {rhs}")
        self.scope.setdefault(type_, []).append(name)
        return name

    def pick(self, type_: str) -> str:
        """A value of `type_` in scope, preferring recent ones as real code does."""
        values = self.scope[type_]
        window = values[-8:]
        return self.rng.choice(window) if self.rng.random() < 0.8 else self.rng.choice(values)

    @contextmanager
    def region(self) -> Iterator[None]:
        """Values defined inside a region are not visible after it."""
        saved = {type_: list(values) for type_, values in self.scope.items()}
        outer = self.indent
        self.indent += "  "
        try:
            yield
        finally:
            self.indent = outer
            self.scope = saved

    def close(self, tail: str = "") -> None:
        """End the region being written (called inside `region()`)."""
        self.lines.append(self.indent[2:] + "}" + tail)


def _binary(w: _FunctionWriter, type_: str, ops: Sequence[str]) -> str:
    op = w.rng.choice(ops)
    lhs, rhs = w.pick(type_), w.pick(type_)
    text = f"{op} {lhs}, {rhs} : {type_}"
    # Now and then the same computation twice: common subexpressions for cse.
    if w.rng.random() < 0.1:
        w.define(type_, text)
    return w.define(type_, text)


def _scalar_f32(w: _FunctionWriter) -> None:
    kind = w.rng.randrange(7)
    if kind <= 2:
        _binary(w, "f32", ("arith.addf", "arith.subf", "arith.mulf", "arith.divf"))
    elif kind == 3:
        op = w.rng.choice(("math.sqrt", "math.exp", "math.tanh", "math.absf", "arith.negf"))
        w.define("f32", f"{op} {w.pick('f32')} : f32")
    elif kind == 4:
        a, b = w.pick("f32"), w.pick("f32")
        pred = w.rng.choice(("olt", "ogt", "oeq", "une"))
        cond = w.define("i1", f"arith.cmpf {pred}, {a}, {b} : f32")
        w.define("f32", f"arith.select {cond}, {a}, {b} : f32")
    elif kind == 5:
        a, b, c = w.pick("f32"), w.pick("f32"), w.pick("f32")
        w.define("f32", f"math.fma {a}, {b}, {c} : f32")
    else:
        _binary(w, "f32", ("arith.maximumf", "arith.minimumf"))


def _scalar_i32(w: _FunctionWriter) -> None:
    kind = w.rng.randrange(6)
    if kind <= 2:
        ops = ("arith.addi", "arith.subi", "arith.muli", "arith.andi", "arith.ori", "arith.xori")
        _binary(w, "i32", ops)
    elif kind == 3:
        # x + 0 and x * 1: folded away by canonicalize.
        value = w.pick("i32")
        if w.rng.random() < 0.5:
            zero = w.define("i32", "arith.constant 0 : i32", "c0_i32_")
            w.define("i32", f"arith.addi {value}, {zero} : i32")
        else:
            one = w.define("i32", "arith.constant 1 : i32", "c1_i32_")
            w.define("i32", f"arith.muli {value}, {one} : i32")
    elif kind == 4:
        a, b = w.pick("i32"), w.pick("i32")
        pred = w.rng.choice(("slt", "sgt", "eq", "ne", "ule"))
        cond = w.define("i1", f"arith.cmpi {pred}, {a}, {b} : i32")
        w.define("i32", f"arith.select {cond}, {a}, {b} : i32")
    elif w.rng.random() < 0.5:
        w.define("f32", f"arith.sitofp {w.pick('i32')} : i32 to f32")
    else:
        w.define("index", f"arith.index_cast {w.pick('i32')} : i32 to index")


def _scalar_index(w: _FunctionWriter) -> None:
    if w.rng.random() < 0.5:
        _binary(w, "index", ("arith.addi", "arith.muli"))
    else:
        scale, offset = w.rng.randrange(2, 5), w.rng.randrange(0, 4)
        w.define(
            "index",
            f"affine.apply affine_map<(d0) -> (d0 * {scale} + {offset})>({w.pick('index')})",
        )


def _constants(w: _FunctionWriter) -> None:
    """Constants as front ends emit them: many, some repeated, some foldable."""
    value = w.rng.choice((0.5, 1.0, 1.5, 2.0, 3.25))
    w.define("f32", f"arith.constant {value:.6e} : f32", "cst_")
    a = w.define("i32", f"arith.constant {w.rng.randrange(1, 9)} : i32", "c_i32_")
    b = w.define("i32", f"arith.constant {w.rng.randrange(1, 9)} : i32", "c_i32_")
    w.define("i32", f"arith.addi {a}, {b} : i32")


def _scf_for(w: _FunctionWriter) -> None:
    """A reduction over `%arg3` that also writes back: memref.load/store in scf.for."""
    acc = w.fresh()
    lo, hi, step = w.scope["c0"][0], w.scope["c64"][0], w.scope["c1"][0]
    init = w.pick("f32")
    w.emit(
        f"{acc} = scf.for %iv{w.next_id} = {lo} to {hi} step {step} "
        f"iter_args(%acc{w.next_id} = {init}) -> (f32) {{"
    )
    iv, carried = f"%iv{w.next_id}", f"%acc{w.next_id}"
    with w.region():
        w.scope["f32"].append(carried)
        loaded = w.define("f32", f"memref.load %arg3[{iv}] : memref<64xf32>")
        for _ in range(w.rng.randrange(1, 4)):
            _scalar_f32(w)
        total = w.define("f32", f"arith.addf {carried}, {loaded} : f32")
        w.emit(f"memref.store {total}, %arg3[{iv}] : memref<64xf32>")
        w.emit(f"scf.yield {total} : f32")
        w.close()
    w.scope["f32"].append(acc)


def _scf_if(w: _FunctionWriter) -> None:
    a, b = w.pick("i32"), w.pick("i32")
    cond = w.define("i1", f"arith.cmpi slt, {a}, {b} : i32")
    result = w.fresh()
    w.emit(f"{result} = scf.if {cond} -> (f32) {{")
    for branch in range(2):
        with w.region():
            _scalar_f32(w)
            w.emit(f"scf.yield {w.scope['f32'][-1]} : f32", 1)
            w.close(" else {" if branch == 0 else "")
    w.scope["f32"].append(result)


def _affine_nest(w: _FunctionWriter) -> None:
    """A 2-D affine loop nest over `%arg4` (a transpose-and-scale)."""
    i, j = f"%i{w.next_id}", f"%j{w.next_id}"
    w.emit(f"affine.for {i} = 0 to 15 {{")
    with w.region():
        w.emit(f"affine.for {j} = 0 to 16 {{")
        with w.region():
            v = w.define("f32", f"affine.load %arg4[{i} + 1, {j}] : memref<16x16xf32>")
            scaled = w.define("f32", f"arith.mulf {v}, {w.pick('f32')} : f32")
            w.emit(f"affine.store {scaled}, %arg4[{j}, {i}] : memref<16x16xf32>")
            w.ops += 1  # the implicit affine.yield
            w.close()
        w.ops += 1  # the implicit affine.yield of the outer loop
        w.close()


def _affine_reduction(w: _FunctionWriter) -> None:
    i, acc = f"%k{w.next_id}", f"%r{w.next_id}"
    result = w.fresh()
    init = w.pick("f32")
    w.emit(f"{result} = affine.for {i} = 0 to 16 iter_args({acc} = {init}) -> (f32) {{")
    with w.region():
        v = w.define("f32", f"affine.load %arg4[{i}, {i}] : memref<16x16xf32>")
        total = w.define("f32", f"arith.addf {acc}, {v} : f32")
        w.emit(f"affine.yield {total} : f32")
        w.close()
    w.scope["f32"].append(result)


def _linalg(w: _FunctionWriter) -> None:
    """Tensor code: fill, an elementwise op, a generic and a matmul."""
    empty = w.define(TENSOR, f"tensor.empty() : {TENSOR}")
    fill = w.define(
        TENSOR, f"linalg.fill ins({w.pick('f32')} : f32) outs({empty} : {TENSOR}) -> {TENSOR}"
    )
    op = w.rng.choice(("linalg.add", "linalg.mul", "linalg.sub", "linalg.max"))
    a = w.pick(TENSOR)
    elementwise = w.define(
        TENSOR, f"{op} ins({a}, {fill} : {TENSOR}, {TENSOR}) outs({empty} : {TENSOR}) -> {TENSOR}"
    )
    n = w.next_id
    generic = w.fresh()
    w.emit(
        f"{generic} = linalg.generic {{indexing_maps = [{IDENTITY_2D}, {IDENTITY_2D}], "
        f'iterator_types = ["parallel", "parallel"]}} ins({elementwise} : {TENSOR}) '
        f"outs({empty} : {TENSOR}) {{"
    )
    w.lines.append(f"{w.indent}^bb0(%in{n}: f32, %out{n}: f32):")
    with w.region():
        w.scope["f32"] = [f"%in{n}", f"%out{n}"]
        _scalar_f32(w)
        w.emit(f"linalg.yield {w.scope['f32'][-1]} : f32")
        w.close(f" -> {TENSOR}")
    w.scope[TENSOR].append(generic)
    w.define(
        TENSOR,
        f"linalg.matmul ins({generic}, {a} : {TENSOR}, {TENSOR}) outs({fill} : {TENSOR}) "
        f"-> {TENSOR}",
    )
    # The bodies that named ops carry implicitly: fill 1, elementwise 2, matmul 3.
    w.ops += 6
    c = w.scope["c1"][0]
    w.define("f32", f"tensor.extract {w.scope[TENSOR][-1]}[{c}, {c}] : {TENSOR}")


def _call(w: _FunctionWriter, callee: str) -> None:
    results = w.fresh()
    args = f"{w.pick('f32')}, {w.pick('i32')}, {w.pick('index')}, %arg3, %arg4, {w.pick(TENSOR)}"
    w.emit(f"{results}:3 = func.call {callee}({args}) : ({ARG_TYPES}) -> ({RESULTS})")
    w.scope["f32"].append(f"{results}#0")
    w.scope["i32"].append(f"{results}#1")
    w.scope[TENSOR].append(f"{results}#2")


_FRAGMENTS: list[tuple[Callable[[_FunctionWriter], None], int]] = [
    (_scalar_f32, 30),
    (_scalar_i32, 18),
    (_scalar_index, 6),
    (_constants, 6),
    (_scf_for, 4),
    (_scf_if, 3),
    (_affine_nest, 2),
    (_affine_reduction, 2),
    (_linalg, 2),
]


def _function(rng: random.Random, index: int, size: int) -> tuple[list[str], int]:
    """One function of about `size` ops; it may call the function before it."""
    w = _FunctionWriter(rng)
    w.scope = {
        "f32": ["%arg0"],
        "i32": ["%arg1"],
        "index": ["%arg2"],
        TENSOR: ["%arg5"],
    }
    for name, value in (("c0", 0), ("c1", 1), ("c64", 64)):
        w.scope[name] = [w.define("index", f"arith.constant {value} : index", name + "_")]
    w.define("f32", "arith.constant 1.000000e+00 : f32", "cst_")
    functions, weights = zip(*_FRAGMENTS, strict=True)
    while w.ops < size:
        rng.choices(functions, weights)[0](w)
        if index and rng.random() < 0.01:
            _call(w, f"@kernel_{index - 1}")
    # Combine the live scalars so that most of the body feeds the results.
    f32 = w.scope["f32"][-1]
    for other in w.scope["f32"][-4:-1]:
        f32 = w.define("f32", f"arith.addf {f32}, {other} : f32")
    i32, tensor = w.scope["i32"][-1], w.scope[TENSOR][-1]
    w.emit(f"func.return {f32}, {i32}, {tensor} : {RESULTS}")
    header = f"  func.func @kernel_{index}({SIGNATURE}) -> ({RESULTS}) {{"
    return [header, *w.lines, "  }"], w.ops + 1


def generate_module(target_ops: int, seed: int = 0) -> tuple[str, int]:
    """MLIR text of at least `target_ops` ops, and its exact op count."""
    rng = random.Random(seed)
    lines = ["module {"]
    ops = 1
    index = 0
    while ops < target_ops:
        size = min(rng.randrange(40, 120), max(target_ops - ops - 1, 1))
        body, count = _function(rng, index, size)
        lines += body
        ops += count
        index += 1
    lines.append("}")
    return "\n".join(lines) + "\n", ops


# --------------------------------------------------------------------------
# Equivalence of the two tools' outputs
# --------------------------------------------------------------------------


def _xdsl_context() -> Context:
    """xDSL's own dialects (and any plugin's), as `xdsl-opt` registers them."""
    from xdsl.context import Context
    from xdsl.universe import Universe

    ctx = Context()
    for name, factory in Universe.get_multiverse().all_dialects.items():
        ctx.register_dialect(name, factory)
    return ctx


def canonical_form(text: str, ctx: Context) -> tuple[str, int]:
    """Generic form and op count of MLIR text, as xDSL parses it."""
    from io import StringIO

    from xdsl.parser import Parser
    from xdsl.printer import Printer

    module = Parser(ctx, text).parse_module()
    out = StringIO()
    Printer(stream=out, print_generic_format=True).print_op(module)
    return out.getvalue(), sum(1 for _ in module.walk())


def first_difference(a: str, b: str) -> str:
    for number, (left, right) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False)):
        if left != right:
            return f"line {number + 1}:\n  ziggurat: {left.strip()}\n  xdsl:     {right.strip()}"
    return "one output is a prefix of the other"


@dataclass
class Check:
    """Whether both tools produced the same IR for one measurement."""

    name: str
    ops_ziggurat: int
    ops_xdsl: int
    identical: bool
    detail: str = ""


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    max_rss_mb: float


def run_once(cmd: Sequence[str]) -> Sample:
    """Run a command to completion; its wall time, CPU time and peak memory.

    `os.wait4` gives the child's own resource usage: CPU time is less disturbed
    than wall time by other jobs on a shared machine, so it is reported too.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        message = err.decode(errors="replace").strip()
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{message}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass
class Row:
    """Figures of one measurement for both tools."""

    name: str
    commands: dict[str, list[str]]
    samples: dict[str, list[Sample]] = field(default_factory=dict[str, list[Sample]])

    def wall(self, tool: str) -> list[float]:
        return [s.wall_s for s in self.samples[tool]]

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "commands": self.commands}
        for tool in TOOLS:
            walls = self.wall(tool)
            cpus = [s.cpu_s for s in self.samples[tool]]
            out[tool] = {
                "median_s": statistics.median(walls),
                "min_s": min(walls),
                "cpu_median_s": statistics.median(cpus),
                "max_rss_mb": max(s.max_rss_mb for s in self.samples[tool]),
                "wall_s": walls,
            }
        z, x = self.wall("ziggurat"), self.wall("xdsl")
        out["ratio_median"] = statistics.median(z) / statistics.median(x)
        out["ratio_min"] = min(z) / min(x)
        zc = statistics.median(s.cpu_s for s in self.samples["ziggurat"])
        xc = statistics.median(s.cpu_s for s in self.samples["xdsl"])
        out["ratio_cpu_median"] = zc / xc
        return out


def measure(rows: list[Row], repeat: int, progress: bool) -> None:
    """Run every command `repeat` times, alternating the tools' order each round."""
    for row in rows:
        row.samples = {tool: [] for tool in TOOLS}
    for round_ in range(repeat):
        order = TOOLS if round_ % 2 == 0 else TOOLS[::-1]
        for row in rows:
            for tool in order:
                row.samples[tool].append(run_once(row.commands[tool]))
        if progress:
            print(f"  round {round_ + 1}/{repeat} done", file=sys.stderr)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def machine() -> dict[str, object]:
    import xdsl

    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "xdsl": getattr(xdsl, "__version__", "unknown"),
        "platform": platform.platform(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }


def table(summaries: list[dict[str, object]]) -> str:
    header = (
        f"| {'measurement':<28} | {'ziggurat median':>15} | {'ziggurat min':>12} "
        f"| {'xdsl median':>11} | {'xdsl min':>8} | {'ratio median':>12} | {'ratio min':>9} "
        f"| {'ratio CPU':>9} |"
    )
    rule = "|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|"
    lines = [header, rule]
    for s in summaries:
        z, x = s["ziggurat"], s["xdsl"]
        assert isinstance(z, dict) and isinstance(x, dict)
        lines.append(
            f"| {s['name']:<28} | {z['median_s']:>14.3f}s | {z['min_s']:>11.3f}s "
            f"| {x['median_s']:>10.3f}s | {x['min_s']:>7.3f}s | {s['ratio_median']:>11.2f}x "
            f"| {s['ratio_min']:>8.2f}x | {s['ratio_cpu_median']:>8.2f}x |"
        )
    return "\n".join(lines)


def _tool_path(name: str) -> str:
    """The tool installed next to this interpreter, else the one on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"cannot find {name}: install the project or pass its path")
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ops", type=int, default=20000, help="size of the generated module")
    p.add_argument("--repeat", type=int, default=5, help="timed runs of each command")
    p.add_argument("--seed", type=int, default=0, help="seed of the module generator")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--ziggurat-opt", default=None, help="path of ziggurat-opt")
    p.add_argument("--xdsl-opt", default=None, help="path of xdsl-opt")
    p.add_argument("--keep", metavar="DIR", help="write the module and outputs here")
    p.add_argument("--save", metavar="FILE", help="also write the JSON results to FILE")
    args = p.parse_args(argv)

    tools = {
        "ziggurat": args.ziggurat_opt or _tool_path("ziggurat-opt"),
        "xdsl": args.xdsl_opt or _tool_path("xdsl-opt"),
    }
    text, ops = generate_module(args.ops, args.seed)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="opt_throughput_"))
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "bench.mlir"
    source.write_text(text)
    log = (lambda m: print(m, file=sys.stderr)) if not args.json else (lambda m: None)
    log(f"module: {source} ({ops} ops, {len(text) / 1e6:.2f} MB)")

    pipelines = {"parse + print": [], "parse + canonicalize + cse": ["-p", "canonicalize,cse"]}
    rows: list[Row] = []
    for (name, extra), slug in zip(pipelines.items(), ("print", "canon"), strict=True):
        commands = {
            tool: [path, str(source), *extra, "-o", str(workdir / f"{slug}.{tool}.mlir")]
            for tool, path in tools.items()
        }
        rows.append(Row(name, commands))
    rows.append(Row("start-up (--version)", {t: [path, "--version"] for t, path in tools.items()}))

    # One untimed run of each command: warms the OS file cache and bytecode caches,
    # and leaves the outputs that are compared below.
    log("warm-up and output check ...")
    measure(rows, 1, progress=False)
    ctx = _xdsl_context()
    _, input_ops = canonical_form(text, ctx)
    checks: list[Check] = []
    for row, slug in zip(rows[:2], ("print", "canon"), strict=True):
        forms = {
            tool: canonical_form((workdir / f"{slug}.{tool}.mlir").read_text(), ctx)
            for tool in TOOLS
        }
        (zt, zn), (xt, xn) = forms["ziggurat"], forms["xdsl"]
        same = zt == xt
        checks.append(Check(row.name, zn, xn, same, "" if same else first_difference(zt, xt)))

    log(f"timing: {args.repeat} rounds ...")
    measure(rows, args.repeat, progress=not args.json)
    summaries = [row.summary() for row in rows]

    result = {
        "machine": machine(),
        "command": " ".join([os.path.relpath(sys.executable), *sys.argv]),
        "module": {"ops_generated": ops, "ops_parsed": input_ops, "bytes": len(text)},
        "repeat": args.repeat,
        "checks": [asdict(c) for c in checks],
        "results": summaries,
    }
    ok = all(c.identical and c.ops_ziggurat == c.ops_xdsl for c in checks)
    if args.save:
        Path(args.save).write_text(json.dumps(result, indent=2, default=str) + "\n")
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        m = result["machine"]
        assert isinstance(m, dict)
        print(
            f"{m['date_utc']}  {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
            f"xdsl {m['xdsl']}"
        )
        print(f"module: {input_ops} ops ({len(text) / 1e6:.2f} MB), {args.repeat} runs each\n")
        print(table(summaries))
        print()
        for c in checks:
            verdict = "identical" if c.identical else "DIFFERENT"
            print(
                f"output of {c.name}: {c.ops_ziggurat} ops (ziggurat), "
                f"{c.ops_xdsl} ops (xdsl): {verdict}"
            )
            if c.detail:
                print("  first difference at " + c.detail)
        for s in summaries[:2]:
            ratio = s["ratio_median"]
            assert isinstance(ratio, float)
            status = "ok" if ratio <= TARGET_RATIO else "SLOWER than target"
            print(f"{s['name']}: ziggurat/xdsl = {ratio:.2f}x (target {TARGET_RATIO}x): {status}")
        z = summaries[2]["ziggurat"]
        assert isinstance(z, dict)
        status = "ok" if z["median_s"] < STARTUP_TARGET_S else "too slow"
        print(
            f"ziggurat-opt --version: {z['median_s']:.3f}s (target < {STARTUP_TARGET_S}s): {status}"
        )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
