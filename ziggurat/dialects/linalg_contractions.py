"""The table's contractions: matmul and its batched, vector and tiled forms.

Each row is an op (see `linalg_opdsl` for the language). `cast(x)` converts
an input to the accumulator's element type before the multiply, so
`i8 x i8 -> i32` and `bf16 x bf16 -> f32` are what they are in MLIR.
"""

from __future__ import annotations

from ziggurat.dialects.linalg_opdsl import NamedOpSpec as Op

MAC = "C + cast(A) * cast(B)"
"""Multiply-accumulate: the body of every contraction."""

# fmt: off
CONTRACTIONS = (
    Op("matmul", "m n k", ("A(m, k)", "B(k, n)"), "C(m, n)", MAC,
       "C(m, n) += A(m, k) * B(k, n)", cast_attr=True, custom_maps=True),
    Op("batch_matmul", "b m n k", ("A(b, m, k)", "B(b, k, n)"), "C(b, m, n)", MAC,
       "C(b, m, n) += A(b, m, k) * B(b, k, n)", cast_attr=True, custom_maps=True),
    Op("batch_reduce_matmul", "b m n k", ("A(b, m, k)", "B(b, k, n)"), "C(m, n)", MAC,
       "C(m, n) += sum over b of A(b, m, k) * B(b, k, n)", cast_attr=True, custom_maps=True),
    Op("matvec", "m k", ("A(m, k)", "B(k)"), "C(m)", MAC, "y(m) += A(m, k) * x(k)"),
    Op("vecmat", "n k", ("A(k)", "B(k, n)"), "C(n)", MAC, "y(n) += x(k) * A(k, n)"),
    Op("batch_matvec", "b m k", ("A(b, m, k)", "B(b, k)"), "C(b, m)", MAC,
       "y(b, m) += A(b, m, k) * x(b, k)"),
    Op("batch_vecmat", "b n k", ("A(b, k)", "B(b, k, n)"), "C(b, n)", MAC,
       "y(b, n) += x(b, k) * A(b, k, n)"),
    Op("dot", "k", ("A(k)", "B(k)"), "C()", MAC, "c() += a(k) * b(k)"),
    Op("mmt4d", "m n k m0 n0 k0", ("A(m, k, m0, k0)", "B(n, k, n0, k0)"), "C(m, n, m0, n0)", MAC,
       "tiled matmul with a transposed right-hand side: "
       "C(m, n, m0, n0) += A(m, k, m0, k0) * B(n, k, n0, k0)"),
    Op("batch_mmt4d", "b m n k m0 n0 k0", ("A(b, m, k, m0, k0)", "B(b, n, k, n0, k0)"),
       "C(b, m, n, m0, n0)", MAC, "mmt4d with a batch dimension"),
)
# fmt: on
