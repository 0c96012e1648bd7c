"""The table's poolings: sum, max and min over a 1-D, 2-D or 3-D window.

Each row is an op (see `linalg_opdsl` for the language). The second input
is the window, of which only the shape counts (its loops `kh`, `kw`, ...
are the reductions); the `_unsigned` variants read integers as unsigned.
"""

from __future__ import annotations

from ziggurat.dialects.linalg_convolutions import D3, H2, H3, W1, W2, W3
from ziggurat.dialects.linalg_opdsl import NamedOpSpec, TypeFn

BODIES = {
    "sum": "O + cast(I)",
    "max": "max(O, cast(I))",
    "min": "min(O, cast(I))",
    "max_unsigned": "max_unsigned(O, cast(I))",
    "min_unsigned": "min_unsigned(O, cast(I))",
}

LAYOUTS = {
    # layout: (loops, input, window, output)
    "nwc": ("n ow c kw", f"I(n, {W1}, c)", "K(kw)", "O(n, ow, c)"),
    "ncw": ("n c ow kw", f"I(n, c, {W1})", "K(kw)", "O(n, c, ow)"),
    "nhwc": ("n oh ow c kh kw", f"I(n, {H2}, {W2}, c)", "K(kh, kw)", "O(n, oh, ow, c)"),
    "nchw": ("n c oh ow kh kw", f"I(n, c, {H2}, {W2})", "K(kh, kw)", "O(n, c, oh, ow)"),
    "ndhwc": (
        "n od oh ow c kd kh kw",
        f"I(n, {D3}, {H3}, {W3}, c)",
        "K(kd, kh, kw)",
        "O(n, od, oh, ow, c)",
    ),
}

ROWS = (
    ("nwc", ("sum", "max", "min", "max_unsigned", "min_unsigned")),
    ("ncw", ("sum", "max")),
    ("nhwc", ("sum", "max", "min", "max_unsigned", "min_unsigned")),
    ("nchw", ("sum", "max")),
    ("ndhwc", ("sum", "max", "min")),
)
"""Which kinds MLIR has for each layout."""


def _pooling(layout: str, kind: str) -> NamedOpSpec:
    loops, image, window, out = LAYOUTS[layout]
    return NamedOpSpec(
        f"pooling_{layout}_{kind}",
        loops,
        (image, window),
        out,
        BODIES[kind],
        f"{kind.replace('_', ' ')} pooling, input {layout.upper()}",
        window=len(window.split(",")),
        cast=TypeFn.CAST_UNSIGNED if kind.endswith("unsigned") else TypeFn.CAST_SIGNED,
    )


POOLINGS = tuple(_pooling(layout, kind) for layout, kinds in ROWS for kind in kinds)
