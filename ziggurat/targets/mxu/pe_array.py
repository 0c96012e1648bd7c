"""A cycle-by-cycle model of the systolic array, cell by cell, in both dataflows.

The simulator (`simulator.py`) models a `matmul` or a `matmul_os` as one numpy
product and a closed-form duration. This module is the second, independent view: it moves
every value through an R x C grid of multiply-accumulate cells one clock at a
time, so the duration is *observed* (the cycle the last result leaves the
array) instead of computed, and the results come out of the same skewed
dataflow a hardware array uses. The tests run both views on the same tiles
and require the same numbers and the same cycle counts.

State is a handful of (R, C) numpy arrays; each Python iteration is one clock
cycle, never one cell.

Cycle conventions (cycle t is the interval [t, t + 1); durations count cycles):

* Weight load. A K x N tile (K <= R, N <= C) is zero-padded to R x C and
  shifted into the cells' shadow registers through the top edge, one row per
  cycle, each row moving down one cell per cycle: row R - 1 enters first, at
  cycle 0, so that after cycle R - 1 shadow row r holds weight row r. The
  tile becomes active (the shadow registers are copied into the weight
  registers) at the end of cycle R - 1: `load_weights` takes R cycles.
* Inputs. Element k of input row i is in cell (k, 0) during cycle i + k (the
  skew) and moves right one cell per cycle, so it is in cell (k, c) during
  cycle i + k + c. Rows k >= K see zero inputs and zero weights.
* Partial sums. During cycle t cell (k, c) adds its product to the partial
  sum cell (k - 1, c) produced during cycle t - 1 (row 0 starts from zero) and
  passes it down. The sum for input row i, column c therefore leaves the
  bottom cell (R - 1, c) during cycle i + (R - 1) + c and is written to the
  accumulator at the end of that cycle, at time i + R + c.
* Completion. Counting the first input entering at cycle 0, the last result
  (row M - 1, column C - 1) is written at time M + R + C - 2, the `matmul`
  duration of docs/mxu.md: M cycles for the stream to enter, R + C - 2 more
  for the last row to cross the array. Every column of the array is crossed
  even when N < C, so the count depends on R and C, not on K and N.

Output-stationary (`matmul_os`), same cycle convention:

* Operands. A is M x K (M <= R) and B is K x N (N <= C), zero-padded to R
  rows and C columns. A[i][k] enters row i at the left edge during cycle
  i + k and moves right one cell per cycle; B[k][j] enters column j at the
  top during cycle j + k and moves down one cell per cycle. Both are in cell
  (i, j) during cycle i + j + k: the skews make the k-th pair meet there.
* Sums. Cell (i, j) holds its own sum: its first meeting (k = 0) starts it
  with the product, each later one adds its product. No weights are loaded
  and no partial sum moves between cells.
* Drain. The k = K - 1 meeting completes the sum during cycle K - 1 + i + j,
  and at the end of that cycle the cell puts it on its column's result line,
  which writes it to accumulator row i, column j at time K + i + j. Cells of
  one column finish one cycle apart, so one line per column carries them
  all, and the array drains while it computes.
* Completion. The last cell (R - 1, C - 1) delivers at time K + R + C - 2,
  the `matmul_os` duration of docs/mxu.md. Rows from M and columns from N
  take part on zeros (their results are dropped or are the zero products of
  columns from N), so the count depends on R and C, not on M and N.

Arithmetic matches the functional model: int8 x int8 products summed in
int32 with wrap-around (bit-exact whatever the order), f32 products and sums
in f32, bf16 inputs widened to f32 (their products are exact in f32) and
summed in f32. A float column sums its products in the fixed order
k = 0 .. R - 1 (an output-stationary cell in the order k = 0 .. K - 1), so
float results agree with a library matmul within rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import ml_dtypes
import numpy as np

from ziggurat.hardware.mxu.isa import DType

_BY_NAME: dict[str, DType] = {d.mnemonic: d for d in DType}


def pe_matmul_cycles(m: int, rows: int, cols: int) -> int:
    """Cycles from the first input of an M-row stream entering to its last result written."""
    return m + rows + cols - 2


def pe_matmul_os_cycles(depth: int, rows: int, cols: int) -> int:
    """Cycles from the first operands entering to the last cell's sum delivered (K = depth)."""
    return depth + rows + cols - 2


def pe_weight_load_cycles(rows: int) -> int:
    """Cycles to shift a weight tile into an array with `rows` rows."""
    return rows


@dataclass(frozen=True)
class PETrace:
    """Per-cycle activity of one product, index = cycle from the first input entering.

    `active`: cells doing a multiply-accumulate this cycle (the wavefront,
    including cells outside the tile that only see zeros): for `matmul`,
    cells holding an input row; for `matmul_os`, cells where a pair of
    operands meets. `useful`: those inside the tile (K x N for `matmul`,
    M x N for `matmul_os`), whose MACs count. Per-cycle utilisation is
    `useful / (rows * cols)`.
    """

    rows: int
    cols: int
    active: np.ndarray
    useful: np.ndarray

    @property
    def utilisation(self) -> np.ndarray:
        return self.useful / float(self.rows * self.cols)


def _dtype(dtype: DType | str) -> DType:
    if isinstance(dtype, str):
        if dtype not in _BY_NAME:
            raise ValueError(f"unknown dtype '{dtype}' (expected i8, bf16 or f32)")
        dtype = _BY_NAME[dtype]
    if dtype is DType.I32:
        raise ValueError("the array multiplies i8, bf16 or f32, not i32")
    return dtype


def _as_operand(values: np.ndarray, dtype: DType, what: str) -> np.ndarray:
    """`values` as the array's arithmetic type: int32 for i8, float32 otherwise.

    int8 operands must already be in [-128, 127] (no silent wrap on the way
    in); bf16 operands are rounded to bf16 first, as the scratchpad holds them.
    """
    if dtype is DType.I8:
        if values.dtype.kind not in "iub":
            raise ValueError(f"{what} for an i8 matmul must be integers, not {values.dtype}")
        if values.size and (values.min() < -128 or values.max() > 127):
            raise ValueError(f"{what} for an i8 matmul must lie in [-128, 127]")
        return values.astype(np.int32)
    if dtype is DType.BF16:
        return values.astype(ml_dtypes.bfloat16).astype(np.float32)
    return values.astype(np.float32)


class PEArray:
    """An R x C array of cells, stepped one clock cycle at a time.

    Weight-stationary: `load_weights` shifts a tile in; `matmul` streams input
    rows through the tile most recently loaded. Output-stationary: `matmul_os`
    streams A and B in and leaves the weights alone. With `trace=True`, both
    record per-cycle activity in `self.trace`.
    """

    def __init__(self, rows: int, cols: int, *, trace: bool = False) -> None:
        if rows < 1 or cols < 1:
            raise ValueError(f"the array needs at least one row and column, not {rows} x {cols}")
        self.rows = rows
        self.cols = cols
        self.record = trace
        self.trace: PETrace | None = None
        self._weights: np.ndarray | None = None
        self._tile: tuple[int, int] = (0, 0)

    def load_weights(self, weights: np.ndarray, dtype: DType | str | None = None) -> int:
        """Shift a K x N tile (K <= R, N <= C) into the cells; return the cycles taken.

        The tile's values are kept as given (the matmul's dtype fixes how they
        are read); `dtype`, when given, converts and range-checks them now.
        """
        w = np.asarray(weights)
        if w.ndim != 2:
            raise ValueError(f"a weight tile is 2-D (K x N), not of shape {w.shape}")
        k, n = w.shape
        if not (1 <= k <= self.rows and 1 <= n <= self.cols):
            raise ValueError(
                f"a {k} x {n} weight tile does not fit a {self.rows} x {self.cols} array"
            )
        if dtype is not None:
            w = _as_operand(w, _dtype(dtype), "weights")
        padded = np.zeros((self.rows, self.cols), dtype=w.dtype)
        padded[:k, :n] = w
        shadow = np.zeros_like(padded)
        cycles = 0
        for t in range(self.rows):
            # Every shadow row moves down one cell; the next weight row enters at the top.
            shadow[1:] = shadow[:-1]
            shadow[0] = padded[self.rows - 1 - t]
            cycles = t + 1
        self._weights = shadow.copy()
        self._tile = (k, n)
        return cycles

    def matmul(self, inputs: np.ndarray, dtype: DType | str) -> tuple[np.ndarray, int]:
        """Stream M input rows (M x K', K' <= R) through the loaded tile.

        Returns the M x C results (int32 for i8, float32 otherwise; columns
        beyond the tile's N are zero) and the cycles from the first input
        entering to the last result written to the accumulator.
        """
        if self._weights is None:
            raise ValueError("matmul before any weight tile was loaded")
        kind = _dtype(dtype)
        a = np.asarray(inputs)
        if a.ndim != 2 or a.shape[0] < 1 or not 1 <= a.shape[1] <= self.rows:
            raise ValueError(
                f"inputs must be M x K with M >= 1 and 1 <= K <= {self.rows}, not {a.shape}"
            )
        a = _as_operand(a, kind, "inputs")
        w = _as_operand(self._weights, kind, "weights")
        acc = np.int32 if kind is DType.I8 else np.float32
        m = a.shape[0]
        r, c = self.rows, self.cols
        feed = np.zeros((m, r), dtype=acc)
        feed[:, : a.shape[1]] = a

        k_tile, n_tile = self._tile
        in_tile = np.zeros((r, c), dtype=bool)
        in_tile[:k_tile, :n_tile] = True
        row_ids = np.arange(r)
        col_ids = np.arange(c)

        held = np.zeros((r, c), dtype=acc)  # input value in each cell this cycle
        live = np.zeros((r, c), dtype=bool)  # whether that value belongs to an input row
        psum = np.zeros((r, c), dtype=acc)  # partial sum each cell passed down last cycle
        out = np.zeros((m, c), dtype=acc)
        active: list[int] = []
        useful: list[int] = []
        last_write = 0
        t = 0
        with np.errstate(over="ignore"):
            while True:
                # Inputs move one cell right; the skewed left edge feeds row k with input i = t - k.
                held[:, 1:] = held[:, :-1]
                live[:, 1:] = live[:, :-1]
                i = t - row_ids
                entering = (i >= 0) & (i < m)
                live[:, 0] = entering
                held[:, 0] = 0
                held[entering, 0] = feed[i[entering], row_ids[entering]]
                # Each cell adds its product to the sum from the cell above; sums move down.
                products = held * w
                below = np.empty_like(psum)
                below[0] = products[0]
                below[1:] = psum[:-1] + products[1:]
                psum = below
                # The bottom row holds finished sums for input rows i = t - (R - 1) - c.
                i = t - (r - 1) - col_ids
                leaving = (i >= 0) & (i < m)
                if leaving.any():
                    out[i[leaving], col_ids[leaving]] = psum[r - 1, leaving]
                    last_write = t + 1
                if self.record:
                    active.append(int(live.sum()))
                    useful.append(int((live & in_tile).sum()))
                t += 1
                # Done when the last row has entered every array row and left the grid.
                if t >= m + r - 1 and not live.any():
                    break
        if self.record:
            self.trace = PETrace(
                rows=r,
                cols=c,
                active=np.asarray(active[:last_write], dtype=np.int64),
                useful=np.asarray(useful[:last_write], dtype=np.int64),
            )
        return out, last_write

    def matmul_os(self, a: np.ndarray, b: np.ndarray, dtype: DType | str) -> tuple[np.ndarray, int]:
        """The output-stationary product of A (M x K, M <= R) and B (K x N, N <= C).

        Returns the M x C results (int32 for i8, float32 otherwise; columns
        from N are zero) and the cycles from the first operands entering to
        the last cell's sum delivered. The weight tile is not touched.
        """
        kind = _dtype(dtype)
        lhs, rhs = np.asarray(a), np.asarray(b)
        if lhs.ndim != 2 or not (1 <= lhs.shape[0] <= self.rows and lhs.shape[1] >= 1):
            raise ValueError(
                f"A must be M x K with 1 <= M <= {self.rows} and K >= 1, not {lhs.shape}"
            )
        depth = lhs.shape[1]
        if rhs.ndim != 2 or rhs.shape[0] != depth or not 1 <= rhs.shape[1] <= self.cols:
            raise ValueError(
                f"B must be K x N with K = {depth} (A's columns) and 1 <= N <= {self.cols}, "
                f"not {rhs.shape}"
            )
        m, n = lhs.shape[0], rhs.shape[1]
        r, c = self.rows, self.cols
        acc = np.int32 if kind is DType.I8 else np.float32
        a_feed = np.zeros((r, depth), dtype=acc)
        a_feed[:m] = _as_operand(lhs, kind, "A")
        b_feed = np.zeros((depth, c), dtype=acc)
        b_feed[:, :n] = _as_operand(rhs, kind, "B")

        in_tile = np.zeros((r, c), dtype=bool)
        in_tile[:m, :n] = True
        row_ids = np.arange(r)
        col_ids = np.arange(c)
        a_held = np.zeros((r, c), dtype=acc)
        a_k = np.full((r, c), -1)  # which k the A value in each cell belongs to; -1: none
        b_held = np.zeros((r, c), dtype=acc)
        b_k = np.full((r, c), -1)
        sums = np.zeros((r, c), dtype=acc)
        out = np.zeros((m, c), dtype=acc)
        active: list[int] = []
        useful: list[int] = []
        last_delivery = 0
        last_entry = depth - 1 + max(r, c) - 1
        t = 0
        with np.errstate(over="ignore"):
            while True:
                # A moves right; row i's left edge takes A[i][t - i].
                a_held[:, 1:] = a_held[:, :-1]
                a_k[:, 1:] = a_k[:, :-1]
                k = t - row_ids
                entering = (k >= 0) & (k < depth)
                a_k[:, 0] = np.where(entering, k, -1)
                a_held[:, 0] = 0
                a_held[entering, 0] = a_feed[row_ids[entering], k[entering]]
                # B moves down; column j's top edge takes B[t - j][j].
                b_held[1:] = b_held[:-1]
                b_k[1:] = b_k[:-1]
                k = t - col_ids
                entering = (k >= 0) & (k < depth)
                b_k[0] = np.where(entering, k, -1)
                b_held[0] = 0
                b_held[0, entering] = b_feed[k[entering], col_ids[entering]]
                # Where the k-th A meets the k-th B the cell multiplies and accumulates.
                meet = (a_k >= 0) & (a_k == b_k)
                products = a_held * b_held
                sums = np.where(meet & (a_k == 0), products, np.where(meet, sums + products, sums))
                # Finished sums go down their column's result line, one per column.
                done = meet & (a_k == depth - 1)
                if done.any():
                    rows, cols = np.nonzero(done)
                    if len(np.unique(cols)) != len(cols):
                        raise AssertionError("two sums of one column finished in one cycle")
                    kept = rows < m
                    out[rows[kept], cols[kept]] = sums[rows[kept], cols[kept]]
                    last_delivery = t + 1
                if self.record:
                    active.append(int(meet.sum()))
                    useful.append(int((meet & in_tile).sum()))
                t += 1
                if t > last_entry and not ((a_k >= 0).any() or (b_k >= 0).any()):
                    break
        if self.record:
            self.trace = PETrace(
                rows=r,
                cols=c,
                active=np.asarray(active[:last_delivery], dtype=np.int64),
                useful=np.asarray(useful[:last_delivery], dtype=np.int64),
            )
        return out, last_delivery


__all__ = [
    "PEArray",
    "PETrace",
    "pe_matmul_cycles",
    "pe_matmul_os_cycles",
    "pe_weight_load_cycles",
]
