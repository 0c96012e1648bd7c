"""`mxu.gemm`, evaluated with numpy: the oracle for the mxu lowering.

The semantics are the op's (ziggurat.dialects.mxu.GemmOp), computed the way
the linalg program it came from computes them: integer sums wrap to i32, the
requantisation multiplies in i64 and rounds half up before the arithmetic
shift, floats sum in f32. The instruction ops are the simulator's business:
the `ref` executor does not run instruction streams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ziggurat.dialects.mxu import GemmOp
from ziggurat.targets.ref.handlers import Env, OpHandlers, Results, Values
from ziggurat.targets.ref.types import BF16
from ziggurat.targets.ref.values import Buffer

if TYPE_CHECKING:
    from ziggurat.targets.ref.interpreter import Interpreter

HANDLERS: OpHandlers[Interpreter] = OpHandlers()


def _wrap_i32(values: np.ndarray) -> np.ndarray:
    """i32 arithmetic on wider integers: numpy's narrowing cast wraps around."""
    return values.astype(np.int32)


@HANDLERS.on(GemmOp)
def _gemm(interp: Interpreter, env: Env, op: GemmOp, vals: Values) -> Results:
    buffers: list[Buffer] = list(vals)
    for buffer in buffers:
        buffer.check_live(op)
    a, b, d = (buf.array for buf in buffers[:3])
    bias = buffers[3].array if len(buffers) > 3 else None
    accumulate, func = op.accumulate, int(op.func)
    if np.issubdtype(a.dtype, np.integer):
        acc = _wrap_i32(np.matmul(a.astype(np.int64), b.astype(np.int64)))
        if accumulate:
            acc = _wrap_i32(acc.astype(np.int64) + d)
        if bias is not None:
            acc = _wrap_i32(acc.astype(np.int64) + bias)
        if func:
            acc = np.maximum(acc, 0)
        if d.dtype == np.int8:
            scale, shift = op.scale, op.shift
            wide = acc.astype(np.int64) * scale + ((1 << (shift - 1)) if shift else 0)
            acc = np.clip(wide >> shift, -128, 127)
        d[...] = acc.astype(d.dtype)
        return ()
    acc = np.matmul(a.astype(np.float32), b.astype(np.float32))
    if accumulate:
        acc = acc + d.astype(np.float32)
    if bias is not None:
        acc = acc + bias.astype(np.float32)
    if func:
        acc = np.maximum(acc, np.float32(0))
    d[...] = acc.astype(BF16) if d.dtype == BF16 else acc
    return ()
