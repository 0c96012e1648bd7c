"""The schedule as a Chrome trace (trace-event JSON), for Perfetto or chrome://tracing.

One track per unit (load, weights, array, activation, store), one complete
("X") event per instruction on the unit it occupies, named by its mnemonic,
with the instruction's index and fields in `args`. Timestamps are cycles
written as microseconds: 1 us on the viewer's axis is one cycle.

A `matmul`'s event on the array track covers the cycles its rows stream in
(`rows` cycles), the time it holds the array's input: the next matmul starts
after it, so the events never overlap, as the format requires of one track.
Its results are complete at `args.end`, R + C - 2 cycles later. A
`matmul_os` holds the whole array until its sums have drained, so its event
covers its whole duration; the next matmul of either kind starts after it.
Fences and the halt are global instant events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import Deps, Instruction, Matmul
from ziggurat.targets.mxu.timing import UNITS, unit_of

PROCESS_ID = 1
TRACK_IDS = {unit: tid for tid, unit in enumerate(UNITS, start=1)}
"""Thread id of each unit's track, in pipeline order."""


def _fields(ins: Instruction) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for name, _ in ins.FIELDS:
        value = getattr(ins, name)
        if isinstance(value, IntEnum):
            args[name] = value.name.lower()
        elif isinstance(value, bool):
            args[name] = value
        else:
            args[name] = int(value)
    deps: Deps | None = getattr(ins, "deps", None)
    if deps:
        args["deps"] = ", ".join(flag for flag in Deps.FLAGS if getattr(deps, flag))
    return args


def _metadata(config: MxuConfig) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        {
            "name": "process_name",
            "ph": "M",
            "pid": PROCESS_ID,
            "tid": 0,
            "args": {"name": f"mxu {config.rows}x{config.cols}"},
        }
    ]
    for unit, tid in TRACK_IDS.items():
        events.append(
            {
                "name": "thread_name",
                "ph": "M",
                "pid": PROCESS_ID,
                "tid": tid,
                "args": {"name": unit},
            }
        )
        events.append(
            {
                "name": "thread_sort_index",
                "ph": "M",
                "pid": PROCESS_ID,
                "tid": tid,
                "args": {"sort_index": tid},
            }
        )
    return events


def trace_events(
    program: Sequence[Instruction], schedule: Sequence[tuple[int, int]], config: MxuConfig
) -> list[dict[str, Any]]:
    """The trace events of a scheduled program: track metadata, then one event per instruction."""
    events = _metadata(config)
    for index, (ins, (start, end)) in enumerate(zip(program, schedule, strict=True)):
        args = {"index": index, **_fields(ins), "start": start, "end": end}
        unit = unit_of(ins)
        if unit is None:
            events.append(
                {
                    "name": ins.MNEMONIC,
                    "ph": "i",
                    "s": "g",
                    "ts": start,
                    "pid": PROCESS_ID,
                    "tid": 0,
                    "args": args,
                }
            )
            continue
        # A matmul holds the array's input for its stream only; anything else
        # (matmul_os included) holds its unit from start to end.
        held = ins.rows if isinstance(ins, Matmul) else end - start
        events.append(
            {
                "name": ins.MNEMONIC,
                "cat": unit,
                "ph": "X",
                "ts": start,
                "dur": held,
                "pid": PROCESS_ID,
                "tid": TRACK_IDS[unit],
                "args": args,
            }
        )
    return events


def chrome_trace(events: list[dict[str, Any]], config: MxuConfig | None = None) -> dict[str, Any]:
    """The JSON object of a trace file; `otherData` records the time unit and the machine."""
    other: dict[str, Any] = {"time_unit": "1 us = 1 cycle"}
    if config is not None:
        other["config"] = config.to_dict()
    return {"traceEvents": events, "displayTimeUnit": "ms", "otherData": other}


def trace_json(events: list[dict[str, Any]], config: MxuConfig | None = None) -> str:
    """The trace file's text."""
    return json.dumps(chrome_trace(events, config), separators=(",", ":")) + "\n"


__all__ = ["PROCESS_ID", "TRACK_IDS", "chrome_trace", "trace_events", "trace_json"]
