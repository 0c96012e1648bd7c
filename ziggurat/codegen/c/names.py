"""C identifiers derived from SSA names: `%acc` -> `acc`, made valid and unique."""

from __future__ import annotations

import re

C_KEYWORDS = frozenset(
    [
        "auto",
        "break",
        "case",
        "char",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "register",
        "restrict",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "while",
        "bool",
        "true",
        "false",
        "NULL",
        "main",
        "free",
        "malloc",
        "abort",
        "memcpy",
        "memset",
        "aligned_alloc",
    ]
)


def sanitize(hint: str | None, fallback: str) -> str:
    """A valid C identifier close to `hint`."""
    if not hint:
        return fallback
    name = re.sub(r"[^A-Za-z0-9_]", "_", hint)
    if name[0].isdigit():
        name = f"{fallback}{name}"
    if name in C_KEYWORDS or name.startswith(("zg_", "__")):
        name = f"{name}_"
    return name


class NameTable:
    """Unique names within one C scope (a function, or the file's globals)."""

    def __init__(self, taken: set[str] | None = None):
        self.used: set[str] = set(taken or ())

    def fresh(self, hint: str | None, fallback: str = "v") -> str:
        base = sanitize(hint, fallback)
        name, n = base, 0
        while name in self.used:
            n += 1
            name = f"{base}_{n}"
        self.used.add(name)
        return name
