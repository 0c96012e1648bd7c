"""Delta debugging: the smallest input that still fails the same way.

`ddmin` (Zeller and Hildebrandt's algorithm) removes chunks of a list of units
for as long as the test still holds; `minimise` runs it over lines, then over
tokens (for text) or 16-byte instructions and bytes (for binaries). The test is
any predicate on bytes; `same_failure` makes the usual one: the same command
gives the same class from the same tool with the same first error, so the
search cannot wander off to a different bug.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from tests.fuzz.classify import Outcome, signature
from tests.fuzz.commands import Command
from tests.fuzz.execute import Limits, run_command
from tests.fuzz.tokens import tokenize

Test = Callable[[bytes], bool]
T = TypeVar("T")


def ddmin(units: Sequence[T], holds: Callable[[list[T]], bool]) -> list[T]:
    """A 1-minimal sublist of `units` for which `holds` is true (`holds(units)` must be)."""
    current = list(units)
    n = 2
    while len(current) >= 2:
        size = -(-len(current) // n)
        chunks = [current[i : i + size] for i in range(0, len(current), size)]
        for i, chunk in enumerate(chunks):
            if holds(chunk):
                current, n = chunk, 2
                break
            complement = [u for j, c in enumerate(chunks) if j != i for u in c]
            if len(chunks) > 2 and holds(complement):
                current, n = complement, max(n - 1, 2)
                break
        else:
            if n >= len(current):
                break
            n = min(len(current), 2 * n)
    return current


def _text_units(data: bytes) -> list[str]:
    return [t.text for t in tokenize(data.decode("utf-8", "surrogateescape"))]


def minimise(data: bytes, test: Test, binary: bool = False) -> bytes:
    """The input shrunk while `test` holds: by lines, then tokens (or instructions, bytes)."""
    cache: dict[bytes, bool] = {}

    def check(candidate: bytes) -> bool:
        if candidate not in cache:
            cache[candidate] = test(candidate)
        return cache[candidate]

    if binary:
        words = [data[i : i + 16] for i in range(0, len(data), 16)]
        data = b"".join(ddmin(words, lambda us: check(b"".join(us))))
        return bytes(ddmin(list(data), lambda us: check(bytes(us))))
    lines = data.splitlines(keepends=True)
    data = b"".join(ddmin(lines, lambda us: check(b"".join(us))))

    def encode(units: list[str]) -> bytes:
        return "".join(units).encode("utf-8", "surrogateescape")

    return encode(ddmin(_text_units(data), lambda us: check(encode(us))))


def same_failure(
    command: Command, outcome: Outcome, tool: str, stderr: str, suffix: str, limits: Limits
) -> Test:
    """A test that holds when `command` on the input fails as in `stderr` again.

    The same class from the same tool, with the same first error (paths and
    numbers aside); for a hang or a signal, whose output varies, the class and tool.
    """
    expected = None if outcome in (Outcome.HANG, Outcome.SIGNAL) else signature(stderr)

    def test(candidate: bytes) -> bool:
        with tempfile.TemporaryDirectory(prefix="ziggurat-fuzz-min-") as folder:
            path = Path(folder) / f"reduced{suffix}"
            path.write_bytes(candidate)
            result = run_command(command, str(path), limits, folder)
        return (
            result.outcome is outcome
            and result.tool == tool
            and (expected is None or signature(result.run.stderr) == expected)
        )

    return test


LIT_DIRECTIVE = re.compile(rb"\b(RUN|CHECK[\w-]*|REQUIRES|UNSUPPORTED|XFAIL|EXPECT)(?=:)")
"""Words lit or FileCheck would read as directives in a regression test's input."""


def neutralise(data: bytes) -> bytes:
    """The input with lit and FileCheck directives lower-cased, so a test can embed it."""
    return LIT_DIRECTIVE.sub(lambda m: m.group().lower(), data)
