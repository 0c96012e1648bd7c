"""Runtime values: how the executor holds memrefs.

Scalars are numpy scalars of their type's dtype (`index` is `int64`), tensors
and vectors are numpy arrays that are never written after they are made, and
a memref is a `Buffer`: a numpy view plus the allocation it belongs to, so
that every view of a freed allocation knows it is freed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.ir import Operation

from ziggurat.diagnostics import CompileError


@dataclass(eq=False)
class Allocation:
    """One block of memory: an argument, a global, or an `alloc`/`alloca`."""

    what: str
    freed: bool = False


@dataclass(eq=False, slots=True)
class Buffer:
    """A memref value: a (possibly strided) numpy view into an allocation."""

    array: np.ndarray
    allocation: Allocation

    def view(self, array: np.ndarray) -> Buffer:
        """Another memref into the same allocation (subview, cast, reshape)."""
        return Buffer(array, self.allocation)

    def check_live(self, op: Operation) -> None:
        if self.allocation.freed:
            raise CompileError(
                f"ref: '{op.name}' uses {self.allocation.what} after it was deallocated", op
            )


def check_index(op: Operation, indices: tuple[int, ...], shape: tuple[int, ...]) -> None:
    """Raise a located error unless `indices` lies inside `shape`."""
    for dim, (i, size) in enumerate(zip(indices, shape, strict=True)):
        if not 0 <= i < size:
            raise CompileError(
                f"ref: out-of-bounds access in '{op.name}': index {int(i)} is outside "
                f"[0, {size}) in dimension {dim}",
                op,
            )


def check_indices(op: Operation, indices: tuple[np.ndarray, ...], shape: tuple[int, ...]) -> None:
    """`check_index` for arrays of indices (one array per dimension)."""
    for dim, (i, size) in enumerate(zip(indices, shape, strict=True)):
        i = np.asarray(i)
        if i.size and (i.min() < 0 or i.max() >= size):
            bad = int(i[(i < 0) | (i >= size)].flat[0])
            raise CompileError(
                f"ref: out-of-bounds access in '{op.name}': index {bad} is outside "
                f"[0, {size}) in dimension {dim}",
                op,
            )
