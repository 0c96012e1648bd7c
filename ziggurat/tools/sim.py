"""`ziggurat-sim`: run an mxu instruction stream on the simulator and print its statistics.

The program is a binary (a `.bin` file, 16 bytes per instruction) or assembly
(anything else). DRAM starts as the `--dram` image, zero-extended to every
address the program touches, or as zeros; `--dump-dram` writes it back after
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


def _run(args: argparse.Namespace, sources: Sources) -> int:
    from ziggurat.targets.mxu.errors import MxuFormatError
    from ziggurat.targets.mxu.simulator import SimulationError, simulate
    from ziggurat.targets.mxu.trace import trace_json
    from ziggurat.tools.driver import ToolError, atomic_output

    config = _machine(args)
    try:
        program = _program(args.program)
    except MxuFormatError as error:
        sys.stdout.flush()
        sys.stderr.write(error.render() + "\n")
        return 1
    dram = _dram(args, program, config)
    try:
        result = simulate(program, config, dram, trace=args.trace is not None)
    except SimulationError as error:
        if error.index is None:
            # About the whole program (it is empty, say): name the file, as a format error does.
            sys.stdout.flush()
            sys.stderr.write(f"{args.program}: error: {error}\n")
            return 1
        raise ToolError(str(error)) from None
    if args.trace is not None:
        assert result.trace_events is not None
        with atomic_output(args.trace) as write:
            write(trace_json(result.trace_events, config))
    if args.dump_dram is not None:
        _write_binary(args.dump_dram, result.dram.tobytes(), "DRAM image")
    report = result.report
    if args.json:
        data: dict[str, Any] = {"program": args.program, **report.to_dict()}
        data["config"] = config.to_dict()
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report, config, args.program))
    return 0


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


__all__ = ["format_report", "main"]
