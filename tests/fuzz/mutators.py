"""Mutation operators: each turns one input (and a splice partner) into a mutant.

Inputs are bytes, because a byte flip may leave invalid UTF-8 and the tools must
report that too; token operators decode with `surrogateescape`, so the bytes they
do not touch come back unchanged. Binary programs (`.bin`) get the byte operators
only. Every operator returns its input unchanged when it has nothing to work on
(a token operator on a file without tokens, say).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.fuzz.tokens import Token, join, significant, tokenize

Mutator = Callable[[random.Random, bytes, bytes], bytes]
"""`(rng, data, partner) -> mutant`; `partner` is another seed, for splices."""

NUMBERS = (
    "0", "-1", "1", "2", "-2", "7", "4294967296", "99999999999999999999",
    str(2**63), str(2**63 - 1), str(-(2**63)), str(2**64), "1e309", "-1e309", "nan",
    "inf", "0.5", "-0.0", "0x7FC00000", "1.0e-45",
)  # fmt: skip
"""Numbers that sit on a boundary: zero, signs, word sizes, overflow, NaN."""

_INSERTS = (
    '"', "%", "(", ")", "{", "}", "<", ">", "[", "]", ",", ":", "=", "->", "?", "x",
    "^bb0", "@f", "#map", "!t", "index", "i1", "f16", "tensor", "memref", "0", "-",
)  # fmt: skip
"""Tokens worth inserting besides those of the input itself."""


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def flip_byte(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """One bit of one byte flipped."""
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]


def set_byte(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """One byte set to a boundary value (0, 0x7f, 0x80, 0xff) or to a random one."""
    if not data:
        return data
    i = rng.randrange(len(data))
    value = rng.choice((0x00, 0x7F, 0x80, 0xFF, rng.randrange(256)))
    return data[:i] + bytes([value]) + data[i + 1 :]


def truncate(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """The input cut short at a random offset (never longer than it was)."""
    if not data:
        return data
    return data[: rng.randrange(len(data))]


def splice(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """The start of the input up to a line, then the rest of the partner from a line."""
    mine = data.splitlines(keepends=True)
    theirs = partner.splitlines(keepends=True)
    if not mine or not theirs:
        return data
    return b"".join(mine[: rng.randrange(len(mine) + 1)] + theirs[rng.randrange(len(theirs)) :])


def splice_bytes(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """A prefix of the input and a suffix of the partner, cut anywhere (for binaries)."""
    if not data or not partner:
        return data
    return data[: rng.randrange(len(data) + 1)] + partner[rng.randrange(len(partner)) :]


def delete_chunk(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """A run of bytes removed (for binaries: often one whole 16-byte instruction)."""
    if not data:
        return data
    size = rng.choice((1, 4, 16, 32))
    i = rng.randrange(len(data))
    return data[:i] + data[i + size :]


def _tokens(data: bytes) -> tuple[list[Token], list[int]]:
    tokens = tokenize(_text(data))
    return tokens, significant(tokens)


def delete_token(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """One token removed."""
    tokens, picks = _tokens(data)
    if not picks:
        return data
    del tokens[rng.choice(picks)]
    return _bytes(join(tokens))


def swap_tokens(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """Two tokens exchanged, usually near each other."""
    tokens, picks = _tokens(data)
    if len(picks) < 2:
        return data
    a = rng.randrange(len(picks))
    b = min(len(picks) - 1, max(0, a + rng.choice((-3, -2, -1, 1, 2, 3, rng.randrange(-50, 50)))))
    i, j = picks[a], picks[b]
    tokens[i], tokens[j] = tokens[j], tokens[i]
    return _bytes(join(tokens))


def insert_token(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """A token inserted: one copied from elsewhere in the input, or a boundary token."""
    tokens, picks = _tokens(data)
    if not picks:
        return data
    text = tokens[rng.choice(picks)].text if rng.random() < 0.5 else rng.choice(_INSERTS)
    at = rng.choice(picks) + rng.randrange(2)
    tokens.insert(at, Token("inserted", text))
    return _bytes(join(tokens))


def rename_ssa(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """An SSA name replaced by another of the input's names or a fresh one, once or everywhere."""
    tokens, _ = _tokens(data)
    names = sorted({t.text for t in tokens if t.kind == "ssa"})
    if not names:
        return data
    old = rng.choice(names)
    new = rng.choice([*names, "%fresh", "%0", "%arg9", "%"])
    uses = [i for i, t in enumerate(tokens) if t.text == old]
    targets = uses if rng.random() < 0.3 else [rng.choice(uses)]
    for i in targets:
        tokens[i] = Token("ssa", new)
    return _bytes(join(tokens))


def change_number(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """A number replaced by a boundary value (0, -1, huge, 2**63, 1e309, nan, ...)."""
    tokens, _ = _tokens(data)
    numbers = [i for i, t in enumerate(tokens) if t.kind == "number"]
    if not numbers:
        return data
    i = rng.choice(numbers)
    tokens[i] = Token("number", rng.choice(NUMBERS))
    return _bytes(join(tokens))


def delete_lines(rng: random.Random, data: bytes, partner: bytes) -> bytes:
    """One to three consecutive lines removed."""
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    i = rng.randrange(len(lines))
    return b"".join(lines[:i] + lines[i + rng.randint(1, 3) :])


TEXT_MUTATORS: tuple[Mutator, ...] = (
    flip_byte,
    delete_token,
    swap_tokens,
    insert_token,
    rename_ssa,
    change_number,
    change_number,
    splice,
    truncate,
    delete_lines,
)
"""Operators for MLIR and assembly text (number changes drawn twice as often)."""

BINARY_MUTATORS: tuple[Mutator, ...] = (flip_byte, set_byte, truncate, splice_bytes, delete_chunk)
"""Operators for binary programs."""


def mutate(rng: random.Random, data: bytes, partner: bytes, binary: bool) -> tuple[bytes, str]:
    """One to three operators applied in turn; returns the mutant and the operators' names."""
    ops = BINARY_MUTATORS if binary else TEXT_MUTATORS
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        op = rng.choice(ops)
        data = op(rng, data, partner)
        names.append(op.__name__)
    return data, "+".join(names)
