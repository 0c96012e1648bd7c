"""C target: the runtime (cache, errors, argument checks), header, sanitizer switch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from paths import ROOT
from semantics import parse

from ziggurat.diagnostics import CompileError
from ziggurat.targets.c import runtime
from ziggurat.targets.c.call import compile_module
from ziggurat.targets.c.module_emit import emit_header, emit_module

ADD = """
func.func @add(%a: memref<4xf32>, %b: memref<4xf32>, %s: f32) -> memref<4xf32> {
  %o = memref.alloc() : memref<4xf32>
  affine.for %i = 0 to 4 {
    %x = affine.load %a[%i] : memref<4xf32>
    %y = affine.load %b[%i] : memref<4xf32>
    %z = arith.addf %x, %y : f32
    %w = arith.mulf %z, %s : f32
    affine.store %w, %o[%i] : memref<4xf32>
  }
  return %o : memref<4xf32>
}"""


def test_results_own_their_memory_and_arguments_are_checked() -> None:
    f = compile_module(parse(ADD))
    a, b = np.arange(4, dtype=np.float32), np.ones(4, np.float32)
    (r,) = f([a, b, np.float32(2)])
    np.testing.assert_array_equal(r, (a + b) * 2)
    with pytest.raises(CompileError, match=r"argument #1 of @add must be memref<4xf32>"):
        f([a, np.ones(5, np.float32), np.float32(2)])
    with pytest.raises(CompileError, match=r"argument #2 of @add must be a f32 scalar"):
        f([a, b, np.float64(2)])
    with pytest.raises(CompileError, match="overlap"):
        f([a, a, np.float32(2)])
    with pytest.raises(CompileError, match="C-contiguous"):
        f([np.ones(8, np.float32)[::2], b, np.float32(2)])


def test_cache_reuses_the_shared_object(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    source = emit_module(parse(ADD))
    first = runtime.compile_shared(source)
    assert first.parent == tmp_path / "ziggurat" / "c"
    mtime = first.stat().st_mtime_ns
    assert runtime.compile_shared(source) == first
    assert first.stat().st_mtime_ns == mtime
    assert first.with_suffix(".c").read_text() == source
    assert runtime.compile_shared(source, cflags="-O1") != first


def test_compiler_errors_name_the_kept_source(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(CompileError, match=r"C compiler failed on .*\.c.*\n.*error") as info:
        runtime.compile_shared("int f(void) { return undefined_name; }\n")
    path = info.value.message.split(" on ")[1].split(" ")[0]
    assert Path(path).exists()


def test_header_declares_structs_and_prototypes() -> None:
    header = emit_header(parse(ADD))
    assert "typedef struct" in header and "zg_memref_f32_1d;" in header
    assert "void add(zg_memref_f32_1d *restrict result0," in header
    assert "void zg_free(void *allocated);" in header


def test_refused_op_is_located_and_nothing_is_emitted() -> None:
    module = parse(
        "func.func @g(%a: memref<4xf32>) {\n  %c = arith.constant 1.0 : f32\n"
        "  %c0 = arith.constant 0 : index\n"
        "  %r = memref.atomic_rmw addf %c, %a[%c0] : (f32, memref<4xf32>) -> f32\n  return\n}"
    )
    with pytest.raises(CompileError, match=r"cannot emit 'memref\.atomic_rmw'") as info:
        emit_module(module)
    assert info.value.location is not None and info.value.location.line == 4


SANITIZED = """
import sys
import numpy as np
sys.path.insert(0, {unit!r})
from semantics import apply, parse
from ziggurat.targets.c.call import compile_module
from ziggurat.targets.ref import random_inputs, run_function
for model in ("mlp", "int8_matmul"):
    m = apply(parse(open({models!r} + "/" + model + ".mlir").read()), "lower-to-affine")
    args = random_inputs(m)
    got = compile_module(m, sanitize=True)([a.copy() for a in args])
    want = run_function(m, args)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4)
print("sanitized ok")
"""


def test_programs_run_clean_under_address_and_undefined_sanitizers(tmp_path: Path) -> None:
    cc = os.environ.get("CC", "cc")
    libasan = subprocess.run(
        [cc, "-print-file-name=libasan.so"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not libasan or not Path(libasan).exists():
        pytest.skip(f"the sanitizer runtime (libasan.so) is missing for {cc}")
    root = ROOT
    script = SANITIZED.format(
        unit=str(root / "tests" / "unit"), models=str(root / "examples/models")
    )
    env = dict(
        os.environ, LD_PRELOAD=libasan, ASAN_OPTIONS="detect_leaks=0", XDG_CACHE_HOME=str(tmp_path)
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0 and "sanitized ok" in done.stdout, done.stderr[-3000:]
