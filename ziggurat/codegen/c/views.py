"""Strided views of memory: what a memref value is inside an emitted function.

A view is a data pointer plus offset, sizes and strides in elements, each either
a static int (folded at emission time) or a C expression. Subviews, casts and
reshapes make new views by descriptor arithmetic; loads and stores index them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Expr = int | str
"""An index-typed quantity: a known integer, or a C expression of type int64_t."""


def add(a: Expr, b: Expr) -> Expr:
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if a == 0:
        return b
    if b == 0:
        return a
    return f"{a} + {b}"


def mul(a: Expr, b: Expr) -> Expr:
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if a == 1:
        return b
    if b == 1:
        return a
    if a == 0 or b == 0:
        return 0
    return f"{paren(a)} * {paren(b)}"


def paren(a: Expr) -> str:
    """`a` safe to use as an operand of `*`."""
    if isinstance(a, int):
        return str(a) if a >= 0 else f"({a})"
    if a.isidentifier() or a.replace("_", "").isalnum():
        return a
    if a.endswith("]") and " " not in a:
        return a
    return f"({a})"


def text(a: Expr) -> str:
    return str(a)


@dataclass(frozen=True)
class View:
    """A strided memref: `data[offset + sum(i_k * strides[k])]`, `k < rank`."""

    data: str
    """C expression of the data pointer (the descriptor's `aligned`)."""
    allocated: str
    """C expression of the allocated pointer (what `free` takes)."""
    offset: Expr
    sizes: tuple[Expr, ...]
    strides: tuple[Expr, ...]
    element: str
    """C element type."""
    owner: object = None
    """The op that allocated the memory, if this function did (None: an argument or global)."""

    @property
    def rank(self) -> int:
        return len(self.sizes)

    def element_index(self, indices: Sequence[Expr]) -> Expr:
        linear: Expr = self.offset
        for index, stride in zip(indices, self.strides, strict=True):
            linear = add(linear, mul(index, stride))
        return linear

    def at(self, indices: Sequence[Expr]) -> str:
        """The C lvalue of one element."""
        return f"{self.data}[{text(self.element_index(indices))}]"

    def is_contiguous(self) -> bool:
        """Statically known to be row-major dense (identity layout), for memcpy."""
        expected = 1
        for size, stride in zip(reversed(self.sizes), reversed(self.strides), strict=True):
            if not isinstance(size, int) or stride != expected:
                return False
            expected *= size
        return True

    def num_elements(self) -> Expr:
        n: Expr = 1
        for size in self.sizes:
            n = mul(n, size)
        return n
