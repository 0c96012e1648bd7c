"""`--split-input-file`: cut an input into chunks that are compiled one by one.

The rules are mlir-opt's, so that its test files split the same way: the input is
cut at every occurrence of the marker (`// -----` unless another is given), wherever
it is on its line; text after a marker on the same line begins the next chunk. A
marker short by its last two characters (`// ----`) is a near miss: it does not
split, and the tools warn about it, since it is almost always a typo.

Each chunk keeps the line and column numbers of the whole file: it comes with the
number of lines before it, and its first line is padded with spaces up to the
column where it starts. Diagnostics and `expected-*` comments therefore agree on
where things are.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MARKER = "// -----"

_NEAR_MISS_TAIL = 2
"""How many characters a near miss lacks at the end of the marker (as mlir-opt)."""


@dataclass(frozen=True)
class Chunk:
    """One piece of the input: its text, padded so that columns are the file's."""

    text: str
    line_offset: int
    """The number of lines of the file before the chunk's first line."""


@dataclass(frozen=True)
class Split:
    chunks: list[Chunk]
    near_misses: list[tuple[int, int]]
    """`(line, col)` of each near miss, just after the part of the marker found."""


def split_input(text: str, marker: str = DEFAULT_MARKER) -> Split:
    """Cut `text` at every `marker`; note each near miss."""
    starts_and_ends: list[tuple[int, int]] = []
    near_misses: list[int] = []
    prefix = marker[:-_NEAR_MISS_TAIL] if len(marker) > _NEAR_MISS_TAIL else marker
    start = 0
    search = 0
    while (found := text.find(prefix, search)) >= 0:
        if text.startswith(marker, found):
            starts_and_ends.append((start, found))
            start = search = found + len(marker)
        else:
            near_misses.append(found + len(prefix))
            search = found + len(prefix)
    starts_and_ends.append((start, len(text)))
    chunks = [_chunk(text, begin, end) for begin, end in starts_and_ends]
    return Split(chunks, [_line_col(text, offset) for offset in near_misses])


def _chunk(text: str, begin: int, end: int) -> Chunk:
    line_start = text.rfind("\n", 0, begin) + 1
    padding = " " * (begin - line_start)
    return Chunk(padding + text[begin:end], text.count("\n", 0, begin))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
