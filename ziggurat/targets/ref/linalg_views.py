"""Operands of a linalg op as numpy views over its loops, and the boxes it runs in.

An operand becomes a zero-copy strided view whose axes are the op's loops
(`as_strided`), or a gather where a map is not a strided pattern; big
iteration spaces run box by box (`boxes`) so that memory stays bounded.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np
from xdsl.ir import Operation
from xdsl.ir.affine import AffineMap

from ziggurat.diagnostics import CompileError
from ziggurat.targets.ref.affine_eval import compile_expr, linear_form
from ziggurat.targets.ref.handlers import Value

BOX_LIMIT = 1 << 22
"""Points of the iteration space evaluated at once."""

Ranges = list[tuple[int, int]]


def unsupported(op: Operation, why: str) -> CompileError:
    """The error for an op `ref` has no way to run."""
    return CompileError(f"ref: cannot execute '{op.name}': {why}", op)


def operand_view(
    op: Operation, k: int, value, amap: AffineMap, ranges: Ranges, writeable: bool = False
):
    """Operand `k` over the box `ranges`: one axis per loop, length 1 where unused."""
    if not isinstance(value, np.ndarray):
        return value
    n = len(ranges)
    if not amap.results:
        return np.lib.stride_tricks.as_strided(value, (1,) * n, (0,) * n, writeable=writeable)
    forms = [linear_form(e, n) for e in amap.results]
    empty = any(length == 0 for _, length in ranges)
    if any(f is None for f in forms):
        if writeable:
            raise unsupported(op, f"output map {amap} is not a permutation")
        return _gather(op, k, value, amap, ranges, empty)
    origin: list[int] = []
    strides = [0] * n
    shape = [1] * n
    for r, form in enumerate(forms):
        const, coeffs = form  # pyright: ignore
        low = const + sum(c * ranges[d][0] for d, c in coeffs.items() if d < n)
        if any(d >= n for d in coeffs):
            raise unsupported(op, "indexing maps with symbols")
        lo = low + sum(min(0, c * (ranges[d][1] - 1)) for d, c in coeffs.items())
        hi = low + sum(max(0, c * (ranges[d][1] - 1)) for d, c in coeffs.items())
        if not empty and (lo < 0 or hi >= value.shape[r]):
            raise CompileError(
                f"ref: out-of-bounds access in '{op.name}': operand #{k} is indexed from "
                f"{lo} to {hi} in dimension {r} of size {value.shape[r]}",
                op,
            )
        origin.append(min(max(low, 0), max(value.shape[r] - 1, 0)))
        for d, c in coeffs.items():
            strides[d] += c * value.strides[r]
            shape[d] = ranges[d][1]
    if empty:
        return np.zeros(shape, value.dtype)
    base = value[tuple(slice(o, None) for o in origin)]
    return np.lib.stride_tricks.as_strided(base, shape, strides, writeable=writeable)


def iota(ranges: Ranges, d: int) -> np.ndarray:
    start, length = ranges[d]
    shape = [1] * len(ranges)
    shape[d] = length
    return np.arange(start, start + length, dtype=np.int64).reshape(shape)


def _gather(
    op: Operation, k: int, value: Value, amap: AffineMap, ranges: Ranges, empty: bool
) -> np.ndarray:
    """An operand whose map is not linear (mod, floordiv): fancy indexing."""
    n = len(ranges)
    dims = [iota(ranges, d) for d in range(n)]
    index = []
    for r, expr in enumerate(amap.results):
        i = np.asarray(compile_expr(expr, n)(dims), dtype=np.int64)
        i = i.reshape(i.shape + (1,) * (n - i.ndim)) if i.ndim < n else i
        if not empty and i.size and (i.min() < 0 or i.max() >= value.shape[r]):
            raise CompileError(
                f"ref: out-of-bounds access in '{op.name}': operand #{k} is indexed from "
                f"{i.min()} to {i.max()} in dimension {r} of size {value.shape[r]}",
                op,
            )
        index.append(i)
    if empty:
        return np.zeros(np.broadcast_shapes(*[i.shape for i in index]), value.dtype)
    return value[tuple(index)]


def boxes(sizes: Sequence[int], limit: int | None = None) -> Iterator[Ranges]:
    """Cut an iteration space into boxes of at most `limit` (`BOX_LIMIT`) points, in order."""
    limit = BOX_LIMIT if limit is None else limit
    n = len(sizes)
    inner = 1
    k = n
    while k > 0 and inner * sizes[k - 1] <= limit:
        k -= 1
        inner *= sizes[k]
    if k == 0:
        yield [(0, s) for s in sizes]
        return
    split = k - 1
    chunk = max(1, limit // inner)
    tail = [(0, s) for s in sizes[k:]]
    for outer in itertools.product(*[range(s) for s in sizes[:split]]):
        for start in range(0, sizes[split], chunk):
            length = min(chunk, sizes[split] - start)
            yield [(o, 1) for o in outer] + [(start, length)] + tail


# Body analysis ------------------------------------------------------------------
