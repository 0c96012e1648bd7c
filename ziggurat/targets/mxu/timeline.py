"""Draw a Chrome trace (the simulator's `--trace` events) as a PNG timeline.

A trace JSON needs a browser (chrome://tracing, Perfetto) to look at; a PNG
can go straight into a report or a README. One horizontal lane per track
(`pid`, `tid`), one rectangle per complete ("X") event, coloured by the
first word of the event's name (the mnemonic, for the simulator's traces:
a lane is a unit, so its category would repeat the lane), with a legend of
coloured squares, lane names and a cycle axis in a built-in 5 x 7 bitmap font.

Only numpy, zlib and struct are used, so rendering works wherever the
simulator does. The PNG is 8-bit RGB, one IDAT chunk of zlib-compressed
scanlines, each with filter type 0 (none).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

BACKGROUND = (255, 255, 255)
LANE_BACKGROUND = (242, 242, 242)
INK = (40, 40, 40)
PALETTE: tuple[tuple[int, int, int], ...] = (
    (52, 101, 164),
    (230, 126, 34),
    (46, 139, 87),
    (192, 57, 43),
    (142, 68, 173),
    (121, 85, 72),
    (214, 96, 158),
    (127, 140, 141),
    (170, 170, 40),
    (23, 162, 184),
)
"""Event colours, assigned in order of first appearance of each colour key."""

_GLYPH_ROWS = 7
_GLYPH_COLS = 5
_GLYPHS_TEXT: dict[str, str] = {
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "####. #...# #...# #...# #...# #...# ####.",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# ##..# #.#.# #..## #...# #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    " ": "..... ..... ..... ..... ..... ..... .....",
    "-": "..... ..... ..... ##### ..... ..... .....",
    "_": "..... ..... ..... ..... ..... ..... #####",
    ".": "..... ..... ..... ..... ..... .##.. .##..",
    ":": "..... .##.. .##.. ..... .##.. .##.. .....",
    "/": "..... ....# ...#. ..#.. .#... #.... .....",
    "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
    ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
    "#": ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
    ",": "..... ..... ..... ..... .##.. ..#.. .#...",
    "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
    "=": "..... ..... ##### ..... ##### ..... .....",
    "%": "##..# ##..# ...#. ..#.. .#... #..## #..##",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
}
_GLYPHS: dict[str, np.ndarray] = {
    ch: np.array([[c == "#" for c in row] for row in text.split()], dtype=bool)
    for ch, text in _GLYPHS_TEXT.items()
}

_SCALE = 2
"""Font pixels per glyph pixel: 5 x 7 glyphs are drawn 10 x 14."""
_ADVANCE = (_GLYPH_COLS + 1) * _SCALE
_TEXT_HEIGHT = _GLYPH_ROWS * _SCALE
_MARGIN = 8
_LANE_HEIGHT = 28
_LANE_GAP = 6
_TICK_SPACING = 110
"""Least distance in pixels between labelled ticks of the cycle axis."""


@dataclass(frozen=True)
class Lane:
    """One track: its (pid, tid), the label drawn for it, and its pixel rows [y0, y1)."""

    track: tuple[Any, Any]
    label: str
    y0: int
    y1: int


@dataclass(frozen=True)
class TimelineLayout:
    """Where things were drawn, so a caller can annotate or check the picture."""

    width: int
    height: int
    plot_x0: int
    plot_x1: int
    t0: float
    t1: float
    lanes: list[Lane]
    colours: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def x(self, t: float) -> int:
        """The pixel column of time `t` (in the trace's units, cycles for the simulator)."""
        scale = (self.plot_x1 - self.plot_x0) / (self.t1 - self.t0)
        return self.plot_x0 + round((t - self.t0) * scale)


def text_width(text: str) -> int:
    """Pixels that `draw_text` uses for `text`."""
    return max(len(text) * _ADVANCE - _SCALE, 0)


def draw_text(image: np.ndarray, x: int, y: int, text: str, colour: tuple[int, int, int]) -> None:
    """Write `text` with its top-left corner at (x, y), clipped to the image."""
    height, width = image.shape[:2]
    for ch in text:
        glyph = _GLYPHS.get(ch.upper(), _GLYPHS["?"])
        mask = np.repeat(np.repeat(glyph, _SCALE, axis=0), _SCALE, axis=1)
        y1, x1 = min(y + mask.shape[0], height), min(x + mask.shape[1], width)
        if x >= 0 and y >= 0 and x1 > x and y1 > y:
            region = image[y:y1, x:x1]
            region[mask[: y1 - y, : x1 - x]] = colour
        x += _ADVANCE


def encode_png(image: np.ndarray) -> bytes:
    """An (H, W, 3) uint8 image as PNG bytes (8-bit RGB, unfiltered scanlines)."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 image, not {image.shape} {image.dtype}")
    height, width = image.shape[:2]
    scanlines = np.zeros((height, 1 + 3 * width), dtype=np.uint8)
    scanlines[:, 1:] = image.reshape(height, 3 * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def _colour_key(event: Mapping[str, Any]) -> str:
    """The first word of the name: "matmul #3" and "matmul #4" share a colour."""
    words = str(event.get("name", "")).split()
    return words[0] if words else "event"


def _track_order(track: tuple[Any, Any]) -> tuple[tuple[int, str, float], ...]:
    """Numeric ids in numeric order, then named ones alphabetically."""
    return tuple(
        (0, "", float(v)) if isinstance(v, int | float) else (1, str(v), 0.0) for v in track
    )


def _nice_step(span: float, ticks: int) -> float:
    """A 1, 2 or 5 x 10^k step giving at most about `ticks` ticks over `span`."""
    raw = span / max(ticks, 1)
    power = 10.0 ** np.floor(np.log10(raw)) if raw > 0 else 1.0
    for factor in (1.0, 2.0, 5.0, 10.0):
        if factor * power >= raw:
            return max(factor * power, 1.0)
    return 10.0 * power


def _fmt(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else f"{t:g}"


def render_timeline(
    trace_events: Iterable[Mapping[str, Any]], width: int = 1200
) -> tuple[np.ndarray, TimelineLayout]:
    """Draw the events into an (H, W, 3) uint8 image; return it and its layout."""
    events = list(trace_events)
    names: dict[tuple[Any, Any], str] = {}
    sort_index: dict[tuple[Any, Any], float] = {}
    for e in events:
        if e.get("ph") != "M":
            continue
        track = (e.get("pid", 0), e.get("tid", 0))
        if e.get("name") == "thread_name":
            names[track] = str(e.get("args", {}).get("name", ""))
        elif e.get("name") == "thread_sort_index":
            sort_index[track] = float(e.get("args", {}).get("sort_index", 0))
    spans = [e for e in events if e.get("ph") == "X"]
    if not spans:
        raise ValueError("the trace has no complete ('X') events to draw")
    for e in spans:
        if "ts" not in e or float(e.get("dur", 0)) < 0:
            raise ValueError(f"event {e.get('name', '?')!r} needs a 'ts' and a 'dur' >= 0")

    # Named tracks get a lane even when idle, so traces of one machine line up.
    tracks = sorted(
        {(e.get("pid", 0), e.get("tid", 0)) for e in spans} | set(names),
        key=lambda track: (sort_index.get(track, float("inf")), _track_order(track)),
    )
    labels = [names.get(k) or f"tid {k[1]}" for k in tracks]
    keys: list[str] = []
    for e in spans:
        key = _colour_key(e)
        if key not in keys:
            keys.append(key)
    colours = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}

    t0 = min(float(e["ts"]) for e in spans)
    t1 = max(float(e["ts"]) + float(e.get("dur", 0)) for e in spans)
    if t1 <= t0:
        t1 = t0 + 1.0

    plot_x0 = 2 * _MARGIN + max(text_width(label) for label in labels)
    plot_x1 = width - _MARGIN
    if plot_x1 - plot_x0 < 50:
        raise ValueError(f"a width of {width} pixels leaves no room for the timeline")

    lanes = []
    y = _MARGIN
    for track, label in zip(tracks, labels, strict=True):
        lanes.append(Lane(track, label, y, y + _LANE_HEIGHT))
        y += _LANE_HEIGHT + _LANE_GAP
    axis_y = y
    legend_y = axis_y + 6 + _TEXT_HEIGHT + 2 * _MARGIN
    # Legend entries: a square and the key, wrapped to the image width.
    placed: list[tuple[int, int, str]] = []
    x, row_y = _MARGIN, legend_y
    for key in keys:
        entry = _TEXT_HEIGHT + 6 + text_width(key) + 3 * _MARGIN
        if x > _MARGIN and x + entry > width - _MARGIN:
            x, row_y = _MARGIN, row_y + _TEXT_HEIGHT + _MARGIN
        placed.append((x, row_y, key))
        x += entry
    height = row_y + _TEXT_HEIGHT + _MARGIN

    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = BACKGROUND
    layout = TimelineLayout(width, height, plot_x0, plot_x1, t0, t1, lanes, colours)

    lane_of = {lane.track: lane for lane in lanes}
    for lane in lanes:
        image[lane.y0 : lane.y1, plot_x0:plot_x1] = LANE_BACKGROUND
        draw_text(image, _MARGIN, lane.y0 + (_LANE_HEIGHT - _TEXT_HEIGHT) // 2, lane.label, INK)
    for e in spans:
        lane = lane_of[(e.get("pid", 0), e.get("tid", 0))]
        start = float(e["ts"])
        x0 = layout.x(start)
        x1 = max(layout.x(start + float(e.get("dur", 0))), x0 + 1)
        colour = colours[_colour_key(e)]
        image[lane.y0 + 2 : lane.y1 - 2, x0:x1] = colour
        if x1 - x0 >= 4:
            # A darker left edge keeps back-to-back events of one colour apart.
            image[lane.y0 + 2 : lane.y1 - 2, x0] = tuple(int(c * 0.6) for c in colour)

    # The cycle axis: a line, and labelled ticks at a 1-2-5 step.
    image[axis_y, plot_x0:plot_x1] = INK
    step = _nice_step(t1 - t0, max((plot_x1 - plot_x0) // _TICK_SPACING, 1))
    tick = np.ceil(t0 / step) * step
    while tick <= t1:
        tx = layout.x(tick)
        image[axis_y : axis_y + 5, max(tx - 1, 0) : tx + 1] = INK
        label = _fmt(tick)
        lx = min(max(tx - text_width(label) // 2, plot_x0), width - text_width(label) - 1)
        draw_text(image, lx, axis_y + 6, label, INK)
        tick += step

    for x, y, key in placed:
        image[y : y + _TEXT_HEIGHT, x : x + _TEXT_HEIGHT] = colours[key]
        draw_text(image, x + _TEXT_HEIGHT + 6, y, key, INK)
    return image, layout


def render_timeline_png(
    trace_events: Iterable[Mapping[str, Any]], path: str | Path, width: int = 1200
) -> TimelineLayout:
    """Draw the trace's complete events as a timeline PNG at `path`; return the layout.

    Lanes are the (pid, tid) tracks, named and ordered by "thread_name" and
    "thread_sort_index" metadata events where the trace has them; times are
    the events' `ts`/`dur` units.
    """
    image, layout = render_timeline(trace_events, width)
    Path(path).write_bytes(encode_png(image))
    return layout


__all__ = [
    "PALETTE",
    "Lane",
    "TimelineLayout",
    "draw_text",
    "encode_png",
    "render_timeline",
    "render_timeline_png",
    "text_width",
]
