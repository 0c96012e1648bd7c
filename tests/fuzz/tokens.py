"""A rough tokeniser of MLIR (and mxu assembly) text, for mutations that respect tokens.

It only needs to cut text where a person would: SSA names, symbols, numbers,
identifiers, strings and punctuation. It is lossless (the tokens joined give the
text back), so a mutation that edits tokens changes nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|;[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"?)
  | (?P<ssa>%[\w$.\-#]*)
  | (?P<block>\^[\w$.\-]*)
  | (?P<symbol>@[\w$.\-]*)
  | (?P<alias>[#!][\w$.\-]*)
  | (?P<number>-?0x[0-9a-fA-F]+|-?\d+(?:\.\d*)?(?:[eE][+\-]?\d+)?)
  | (?P<ident>[A-Za-z_][\w$.]*)
  | (?P<arrow>->)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One token: its kind (a group name of `_TOKEN`) and its text."""

    kind: str
    text: str


def tokenize(text: str) -> list[Token]:
    """Cut `text` into tokens; `"".join(t.text for t in tokenize(text)) == text`."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        tokens.append(Token(kind, match.group()))
    return tokens


def significant(tokens: list[Token]) -> list[int]:
    """Indices of the tokens that are not whitespace or comments."""
    return [i for i, t in enumerate(tokens) if t.kind not in ("space", "comment")]


def join(tokens: list[Token]) -> str:
    """The text of `tokens`."""
    return "".join(t.text for t in tokens)
