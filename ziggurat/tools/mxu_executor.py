"""The `mxu` target of `ziggurat-run`: host code on `ref`, kernels on the simulator.

The two targets stay independent of each other; this module, at the tools
layer, joins them: the `ref` executor runs the program and hands each
`device.launch` on the mxu to the simulator's runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from ziggurat.diagnostics import CompileError
from ziggurat.dialects.mxu import config_of
from ziggurat.targets.mxu.runtime import MxuRuntime, assemble_kernel, lower_for_mxu, mxu_launches
from ziggurat.targets.ref import RefExecutor


class MxuExecutor:
    """Compile once for a machine (`preset`, or a config file), then run on arrays."""

    name = "mxu"

    def __init__(
        self,
        preset: str = "edge",
        config: str = "",
        dataflow: str = "ws",
        *,
        options_given: bool = False,
    ):
        self.preset = preset
        self.config = config
        self.dataflow = dataflow
        self.runtime = MxuRuntime()
        self.options_given = options_given
        self.machines: list[dict[str, Any]] = []
        """The config of each distinct machine the compiled kernels run on."""
        """Whether the user chose how to compile (then the program must not be compiled yet)."""

    def prepare(
        self, module: ModuleOp, entry: str | None = None
    ) -> Callable[[Sequence[np.ndarray]], list[np.ndarray]]:
        if self.options_given and mxu_launches(module):
            raise CompileError(
                "mxu: the program is already compiled for the machine in its launches; "
                "--mxu-config and --mxu-dataflow apply to programs ziggurat-run compiles"
            )
        lowered = lower_for_mxu(module, self.preset, self.config, self.dataflow)
        self.machines = []
        for launch in mxu_launches(lowered):
            assemble_kernel(launch)  # report bad kernels before running anything
            machine = config_of(launch.target).to_dict()
            if machine not in self.machines:
                self.machines.append(machine)
        host = RefExecutor({"mxu": self.runtime.run_launch}).prepare(lowered, entry)

        def run(args: Sequence[np.ndarray]) -> list[np.ndarray]:
            self.runtime.runs.clear()
            return host(args)

        return run

    def report(self) -> dict[str, Any]:
        """The simulator's totals for the last run, and the machine it simulated.

        `machine` is the config of the kernels' launches (every `MxuConfig` field), so
        a result read later, alone, says what it was measured on.
        """
        return {
            **self.runtime.summary(),
            "preset": self.preset,
            "config_file": self.config or None,
            "dataflow": self.dataflow,
            "machine": self.machines[0] if len(self.machines) == 1 else self.machines,
        }

    def summary_line(self) -> str:
        r = self.report()
        if not r["kernels"]:
            return "0 kernels: every op ran on the host"
        return (
            f"{r['kernels']} kernel(s), {r['cycles']} cycles, "
            f"utilisation {100 * r['utilisation']:.1f}%, {r['macs']} MACs, "
            f"DRAM {r['dram_read_bytes']} B read / {r['dram_written_bytes']} B written"
        )
