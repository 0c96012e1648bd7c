"""`ziggurat-sim`: run an mxu instruction stream on the simulator and print its statistics.

The program is a binary (a `.bin` file, 16 bytes per instruction) or assembly
(anything else). It holds one kernel or several, each ending with its `halt`
(as `ziggurat-translate -t mxu-asm` lists a model's kernels): they run in
order on one machine and one DRAM, as launches on a device do, and the
statistics are given per kernel and in total; `--kernel N` runs one. DRAM
starts as the `--dram` image, zero-extended to every address the program
touches, or as zeros; `--dump-dram` writes it back after
the run. `--trace` writes a Chrome trace (open it in Perfetto: 1 us = 1
cycle). The statistics are those of docs/mxu.md, "Statistics".
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from ziggurat import __version__

if TYPE_CHECKING:
    import numpy as np

    from ziggurat.hardware.mxu.config import MxuConfig
    from ziggurat.hardware.mxu.isa import Instruction
    from ziggurat.targets.mxu.simulator import SimReport
    from ziggurat.tools.driver import Sources


def _argument_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ziggurat-sim",
        description="Run an mxu program (assembly, or a .bin binary) on the simulator.",
    )
    p.add_argument("program", help="the program: PROGRAM.bin is a binary, anything else assembly")
    machine = p.add_mutually_exclusive_group()
    machine.add_argument("--config", metavar="CFG", help="machine config file (.toml or .json)")
    machine.add_argument("--preset", help="a machine preset: edge (default) or tpu-v1")
    p.add_argument(
        "--kernel",
        metavar="N",
        type=int,
        help="run only kernel N of the program (counting from 0; default: every kernel in order)",
    )
    p.add_argument("--dram", metavar="IN.bin", help="initial DRAM image (raw bytes from address 0)")
    p.add_argument("--dump-dram", metavar="OUT.bin", help="write the final DRAM image here")
    p.add_argument("--trace", metavar="TRACE.json", help="write a Chrome trace of the schedule")
    p.add_argument("--json", action="store_true", help="print the statistics as one JSON object")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on internal errors")
    p.add_argument("--version", action="version", version=f"ziggurat-sim {__version__}")
    return p


def main(argv: list[str] | None = None) -> None:
    args = _argument_parser().parse_args(argv)
    from ziggurat.tools.driver import run_tool

    run_tool(lambda sources: _run(args, sources), args.debug)


def _machine(args: argparse.Namespace) -> MxuConfig:
    from ziggurat.hardware.mxu.config import ConfigError, MxuConfig
    from ziggurat.tools.driver import ToolError

    try:
        if args.config:
            return MxuConfig.load(args.config)
        return MxuConfig.preset(args.preset or "edge")
    except ConfigError as error:
        raise ToolError(str(error)) from None


def _read_bytes(path: str, what: str) -> bytes:
    from ziggurat.tools.driver import ToolError

    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise ToolError(f"could not open {what} '{path}': no such file") from None
    except IsADirectoryError:
        raise ToolError(f"could not open {what} '{path}': is a directory") from None
    except OSError as error:
        raise ToolError(f"could not open {what} '{path}': {error.strerror}") from None


def _program(path: str) -> list[Instruction]:
    from ziggurat.targets.mxu.assembly import parse_assembly
    from ziggurat.targets.mxu.encoding import decode

    data = _read_bytes(path, "program")
    if path.endswith(".bin"):
        return decode(data, path)
    return parse_assembly(data, path)


def _dram(args: argparse.Namespace, program: list[Instruction], config: MxuConfig) -> np.ndarray:
    import numpy as np

    from ziggurat.targets.mxu.simulator import dram_bytes_needed
    from ziggurat.tools.driver import ToolError

    # A transfer beyond the DRAM is the simulator's error; cap the image at the DRAM size.
    size = min(dram_bytes_needed(program), config.dram_bytes)
    if args.dram is None:
        return np.zeros(size, dtype=np.uint8)
    data = _read_bytes(args.dram, "DRAM image")
    if len(data) > config.dram_bytes:
        raise ToolError(
            f"the DRAM image '{args.dram}' is {len(data)} bytes, larger than the machine's "
            f"{config.dram_bytes}-byte DRAM"
        )
    image = np.zeros(max(size, len(data)), dtype=np.uint8)
    image[: len(data)] = np.frombuffer(data, dtype=np.uint8)
    return image


def _write_binary(path: str, data: bytes, what: str) -> None:
    from ziggurat.tools.driver import ToolError

    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as error:
        raise ToolError(f"cannot write {what} '{path}': {error.strerror}") from None


def split_kernels(program: list[Instruction]) -> list[list[Instruction]]:
    """The kernels of a program: each runs up to and including its `halt`.

    Instructions after the last `halt` form a last kernel, which the simulator
    then refuses for want of its own `halt`.
    """
    from ziggurat.hardware.mxu.isa import Halt

    kernels: list[list[Instruction]] = [[]]
    for ins in program:
        kernels[-1].append(ins)
        if isinstance(ins, Halt):
            kernels.append([])
    if not kernels[-1] and len(kernels) > 1:
        kernels.pop()
    return kernels


def _select(args: argparse.Namespace, kernels: list[list[Instruction]]) -> list[int]:
    from ziggurat.tools.driver import ToolError

    if args.kernel is None:
        return list(range(len(kernels)))
    if not 0 <= args.kernel < len(kernels):
        noun = "kernel" if len(kernels) == 1 else "kernels"
        raise ToolError(
            f"'{args.program}' has {len(kernels)} {noun} (0..{len(kernels) - 1}); "
            f"--kernel {args.kernel} is not one"
        )
    return [args.kernel]


def _run(args: argparse.Namespace, sources: Sources) -> int:
    from ziggurat.targets.mxu.errors import MxuFormatError
    from ziggurat.targets.mxu.simulator import SimulationError, simulate
    from ziggurat.targets.mxu.trace import trace_events, trace_json
    from ziggurat.tools.driver import ToolError, atomic_output

    config = _machine(args)
    try:
        program = _program(args.program)
    except MxuFormatError as error:
        sys.stdout.flush()
        sys.stderr.write(error.render() + "\n")
        return 1
    kernels = split_kernels(program)
    chosen = _select(args, kernels)
    dram = _dram(args, [ins for k in chosen for ins in kernels[k]], config)
    reports: list[tuple[int, SimReport]] = []
    events: list[dict[str, Any]] = []
    for k in chosen:
        try:
            result = simulate(kernels[k], config, dram)
        except SimulationError as error:
            where = f"kernel {k}: " if len(kernels) > 1 else ""
            if error.index is None:
                # About the whole program (it is empty, say): name the file, as a format error does.
                sys.stdout.flush()
                sys.stderr.write(f"{args.program}: error: {where}{error}\n")
                return 1
            raise ToolError(f"{where}{error}") from None
        report = result.report
        if args.trace is not None:
            offset = sum(r.cycles for _, r in reports)
            kernel_events = trace_events(kernels[k], report.schedule, config)
            events += _shifted(kernel_events, offset, k, first=not reports)
        reports.append((k, report))
    if args.trace is not None:
        with atomic_output(args.trace) as write:
            write(trace_json(events, config))
    if args.dump_dram is not None:
        _write_binary(args.dump_dram, dram.tobytes(), "DRAM image")
    total = reports[0][1] if len(reports) == 1 else combine_reports([r for _, r in reports], config)
    if args.json:
        data: dict[str, Any] = {"program": args.program, **total.to_dict()}
        data["kernels"] = [{"kernel": k, **report.to_dict()} for k, report in reports]
        data["config"] = config.to_dict()
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    elif len(kernels) == 1:
        sys.stdout.write(format_report(total, config, args.program))
    else:
        parts = [format_report(r, config, f"{args.program}, kernel {k}") for k, r in reports]
        if len(reports) > 1:
            title = f"{args.program}, total of {len(reports)} kernels"
            parts.append(format_report(total, config, title))
        sys.stdout.write("\n".join(parts))
    return 0


def _shifted(
    kernel_events: list[dict[str, Any]], offset: int, kernel: int, *, first: bool
) -> list[dict[str, Any]]:
    """A kernel's trace events `offset` cycles on (after the kernels before it), same tracks."""
    shifted: list[dict[str, Any]] = []
    for event in kernel_events:
        if "ts" not in event:
            if first:
                shifted.append(event)  # the track names, once
            continue
        args = {"kernel": kernel, **event["args"]}
        shifted.append({**event, "ts": event["ts"] + offset, "args": args})
    return shifted


def combine_reports(reports: list[SimReport], config: MxuConfig) -> SimReport:
    """The statistics of kernels run one after another: counts add up, cycles run on."""
    from ziggurat.targets.mxu.simulator import SimReport

    cycles = sum(r.cycles for r in reports)
    macs = sum(r.macs for r in reports)
    schedule: list[tuple[int, int]] = []
    offset = 0
    for r in reports:
        schedule += [(start + offset, end + offset) for start, end in r.schedule]
        offset += r.cycles
    busy = {unit: sum(r.busy.get(unit, 0) for r in reports) for unit in reports[0].busy}
    stalls = {cause: sum(r.stalls.get(cause, 0) for r in reports) for cause in reports[0].stalls}
    return SimReport(
        cycles=cycles,
        array_cycles=sum(r.array_cycles for r in reports),
        macs=macs,
        utilisation=macs / (cycles * config.rows * config.cols) if cycles else 0.0,
        busy=busy,
        stalls=stalls,
        dram_read_bytes=sum(r.dram_read_bytes for r in reports),
        dram_written_bytes=sum(r.dram_written_bytes for r in reports),
        schedule=schedule,
    )


def format_report(report: SimReport, config: MxuConfig, name: str) -> str:
    """The statistics as an aligned plain-text table."""
    cycles = report.cycles
    array = f"{config.rows} x {config.cols}"
    lines = [
        f"{name}: {len(report.schedule)} instructions on a {array} array",
        "",
        *_table(
            [
                ("cycles", f"{cycles:,}", ""),
                ("array cycles", f"{report.array_cycles:,}", "loadw + matmul(_os) alone"),
                ("MACs", f"{report.macs:,}", ""),
                ("utilisation", f"{100 * report.utilisation:.1f} %", f"of {array} x cycles"),
                ("DRAM read", f"{report.dram_read_bytes:,} B", ""),
                ("DRAM written", f"{report.dram_written_bytes:,} B", ""),
            ]
        ),
        "",
        *_table(
            [("unit", "busy cycles", "busy")]
            + [
                (unit, f"{busy:,}", f"{100 * busy / cycles:.1f} %" if cycles else "-")
                for unit, busy in report.busy.items()
            ]
        ),
        "",
        *_table(
            [("stall cause", "cycles", "")]
            + [(cause, f"{stalled:,}", "") for cause, stalled in report.stalls.items()]
        ),
    ]
    return "".join(line.rstrip() + "\n" for line in lines)


def _table(rows: list[tuple[str, str, str]]) -> list[str]:
    """Name column left-aligned, value column right-aligned, then a note."""
    name_width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    return [f"{n.ljust(name_width)}  {v.rjust(value_width)}  {note}" for n, v, note in rows]


__all__ = ["combine_reports", "format_report", "main", "split_kernels"]
