"""The inputs that mutants are made from.

Every `.mlir` file in the tree (examples, lit tests, the malformed corpus, ...),
and the mxu programs that the assembler makes from the example models: each
kernel's assembly (the `; kernel N` sections of `-t mxu-asm`, one file each, so
that `ziggurat-sim` runs it) and binary (`-t mxu-bin{kernel=N}`), plus the lit
tests' hand-written `.s` inputs.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.commands import tool_path

ROOT = Path(__file__).resolve().parents[2]
_SKIP = {"Output", ".venv", ".venv-scalesim", "build", "__pycache__"}


@dataclass(frozen=True)
class Seed:
    """One input: where it came from, its kind (`mlir`, `asm`, `bin`) and its bytes."""

    name: str
    kind: str
    data: bytes

    @property
    def suffix(self) -> str:
        return {"mlir": ".mlir", "asm": ".s", "bin": ".bin"}[self.kind]


def _tree_files(pattern: str) -> list[Path]:
    found = []
    for folder in ("examples", "tests", "docs"):
        for path in sorted((ROOT / folder).rglob(pattern)):
            if not _SKIP.intersection(path.relative_to(ROOT).parts):
                found.append(path)
    return found


def mlir_seeds() -> list[Seed]:
    """Every `.mlir` file in the tree."""
    return [Seed(str(p.relative_to(ROOT)), "mlir", p.read_bytes()) for p in _tree_files("*.mlir")]


_KERNEL = re.compile(r"^; kernel \d+", re.MULTILINE)


def split_kernels(assembly: str) -> list[str]:
    """The `; kernel N` sections of `-t mxu-asm` output, one program each."""
    starts = [m.start() for m in _KERNEL.finditer(assembly)]
    return [assembly[a:b] for a, b in zip(starts, [*starts[1:], len(assembly)], strict=True)]


def _run(argv: list[str], stdin: bytes | None = None) -> bytes:
    done = subprocess.run(argv, input=stdin, capture_output=True, check=True, timeout=300)
    return done.stdout


def mxu_seeds(cache: Path | None = None) -> list[Seed]:
    """Assembly and binaries of every example model's mxu kernels, and the lit `.s` inputs.

    Compiling the models takes a while, so the programs are kept in `cache`
    under a key of everything that makes them (the models and the mxu code).
    """
    seeds = [Seed(str(p.relative_to(ROOT)), "asm", p.read_bytes()) for p in _tree_files("*.s")]
    return seeds + _compiled_programs(cache)


def _cache_key() -> str:
    digest = hashlib.sha256()
    sources = [
        *sorted((ROOT / "examples" / "models").glob("*.mlir")),
        *sorted(p for p in (ROOT / "ziggurat").rglob("*.py") if "mxu" in p.as_posix()),
    ]
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _compiled_programs(cache: Path | None) -> list[Seed]:
    folder = cache / f"mxu-{_cache_key()}" if cache else None
    if folder and folder.is_dir():
        return [
            Seed(p.name, "bin" if p.suffix == ".bin" else "asm", p.read_bytes())
            for p in sorted(folder.iterdir())
        ]
    seeds = _compile_models()
    if folder:
        partial = folder.with_suffix(".partial")
        partial.mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            (partial / seed.name).write_bytes(seed.data)
        partial.rename(folder)
    return seeds


def _compile_models() -> list[Seed]:
    seeds: list[Seed] = []
    for model in sorted((ROOT / "examples" / "models").glob("*.mlir")):
        lowered = _run([tool_path("ziggurat-opt"), str(model), "-p", "mxu-pipeline"])
        translate = tool_path("ziggurat-translate")
        assembly = _run([translate, "-", "-t", "mxu-asm"], lowered).decode()
        for i, kernel in enumerate(split_kernels(assembly)):
            seeds.append(Seed(f"{model.stem}.kernel{i}.s", "asm", kernel.encode()))
            binary = _run([translate, "-", "-t", f"mxu-bin{{kernel={i}}}"], lowered)
            seeds.append(Seed(f"{model.stem}.kernel{i}.bin", "bin", binary))
    return seeds
