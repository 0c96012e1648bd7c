"""The widths of the instruction fields, and the largest values they hold.

The encoding (isa.py's `FIELDS`), the machine config's bounds, the dialect's
verifiers and the planner all check against these names, so a wider field is
one edit here.
"""

from __future__ import annotations

ROW_BITS = 20
"""On-chip row addresses (`row`, `acc_row`, `a_row`, `b_row`, `bias_row`)."""
DRAM_ADDR_BITS = 32
STRIDE_BITS = 24
"""Bytes between consecutive DRAM rows of a `load` or `store`."""
COUNT_BITS = 16
"""Row counts streamed in one instruction: `rows` of load, matmul, activate and store,
`depth` of matmul_os."""
TILE_BITS = 11
"""Tile extents bounded by the array (`cols`, and the `rows` of loadw and matmul_os)."""
PAD_ROWS_BITS = 12
SCALE_BITS = 32
"""The signed requantisation multiplier of `config`."""
SHIFT_BITS = 6

MAX_ROWS = 1 << ROW_BITS
"""Rows an on-chip memory may have: every row must be addressable."""
MAX_ROWS_FIELD = (1 << COUNT_BITS) - 1
"""Largest `rows` of a load, matmul, activate or store, and `depth` of a matmul_os."""
MAX_STRIDE = (1 << STRIDE_BITS) - 1
"""Largest DRAM stride in bytes."""
MIN_SCALE, MAX_SCALE = -(1 << SCALE_BITS - 1), (1 << SCALE_BITS - 1) - 1
MAX_SHIFT = (1 << SHIFT_BITS) - 1
