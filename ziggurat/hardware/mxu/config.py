"""The parameters of one systolic matrix unit, in one place.

Every part of the mxu target (the dialect's verifiers, the tiling in the
lowering, the assembler's range checks, the simulator's cycle model) reads its
sizes and latencies from an `MxuConfig`, so that changing the scratchpad size
changes the tiling and the cycle counts together. A config is loaded from a
preset, a TOML or a JSON file (keys are the field names; `preset = "tpu-v1"`
starts from a preset and overrides the rest).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ziggurat.hardware.mxu.limits import DRAM_ADDR_BITS, MAX_ROWS

ACC_ELEMENT_BYTES = 4
"""Accumulator elements are 32 bits (i32 or f32) whatever the input type."""


class ConfigError(ValueError):
    """A config file or value that does not describe a machine."""


@dataclass(frozen=True)
class MxuConfig:
    """An R x C weight-stationary systolic array with its memories and DMA engines.

    The scratchpad is `scratchpad_rows` rows of `width` bytes (one int8
    element per byte); the accumulator is `accumulator_rows` rows of `width`
    32-bit elements. Wider element types take several scratchpad rows (see
    docs/mxu.md, "Memories").
    """

    rows: int = 16
    """R: array rows, the reduction (K) extent of one weight tile."""
    cols: int = 16
    """C: array columns, the output (N) extent of one weight tile."""
    scratchpad_kib: int = 256
    accumulator_kib: int = 64
    dram_mib: int = 256
    """Size of the DRAM the DMA engines address."""
    dma_bytes_per_cycle: int = 16
    """Bandwidth of each DMA engine (the load and the store engine have one each)."""
    dma_latency: int = 64
    """Cycles from issuing a DMA transfer to its first byte arriving."""
    weight_load_cycles: int = 0
    """Cycles to shift one weight tile into the array; 0 means `rows` (one row per cycle)."""
    double_buffer_weights: bool = True
    """Two weight buffers, so a tile shifts in while the previous one computes."""
    activation_latency: int = 4
    """Pipeline depth of the activation unit; it then takes one row per cycle."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "bool":
                if not isinstance(value, bool):
                    raise ConfigError(f"'{f.name}' must be true or false, not {value!r}")
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"'{f.name}' must be an integer, not {value!r}")
            minimum = 0 if f.name in ("weight_load_cycles", "dma_latency") else 1
            if value < minimum:
                raise ConfigError(f"'{f.name}' must be at least {minimum}, not {value}")
        if self.rows > 1024 or self.cols > 1024:
            raise ConfigError("the array is at most 1024 x 1024")
        if self.dram_mib > MAX_DRAM_MIB:
            raise ConfigError(f"DRAM addresses are 32 bits: 'dram_mib' is at most {MAX_DRAM_MIB}")
        if self.scratchpad_rows > MAX_ROWS or self.accumulator_rows > MAX_ROWS:
            raise ConfigError(f"a memory holds at most {MAX_ROWS} rows")
        if self.scratchpad_rows < 4 * self.width or self.accumulator_rows < self.width:
            raise ConfigError("the scratchpad and accumulator must hold at least one tile")

    @property
    def width(self) -> int:
        """Elements in one scratchpad or accumulator row: max(R, C)."""
        return max(self.rows, self.cols)

    @property
    def scratchpad_rows(self) -> int:
        return self.scratchpad_kib * 1024 // self.width

    @property
    def accumulator_rows(self) -> int:
        return self.accumulator_kib * 1024 // (self.width * ACC_ELEMENT_BYTES)

    @property
    def dram_bytes(self) -> int:
        return self.dram_mib * 1024 * 1024

    @property
    def weight_cycles(self) -> int:
        """Cycles one weight-tile load takes."""
        return self.weight_load_cycles or self.rows

    def with_options(self, **options: Any) -> MxuConfig:
        unknown = set(options) - {f.name for f in fields(self)}
        if unknown:
            raise ConfigError("unknown config key(s): " + ", ".join(sorted(unknown)))
        return replace(self, **options)

    @classmethod
    def preset(cls, name: str) -> MxuConfig:
        if name not in PRESETS:
            raise ConfigError(f"unknown preset '{name}' (known: {', '.join(PRESETS)})")
        return PRESETS[name]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MxuConfig:
        data = dict(data)
        base = cls.preset(data.pop("preset", "edge"))
        return base.with_options(**data)

    @classmethod
    def load(cls, path: str | Path) -> MxuConfig:
        """Read a `.toml` or `.json` config file."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"cannot read config '{path}': {e.strerror}") from None
        try:
            data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"{path}: {e}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a table of config keys")
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


MAX_DRAM_MIB = (1 << DRAM_ADDR_BITS) // (1024 * 1024)

PRESETS: dict[str, MxuConfig] = {
    # A small edge accelerator, sized like Gemmini's default.
    "edge": MxuConfig(),
    # TPU v1: 256 x 256 int8 MACs, a 24 MiB unified buffer, 4 MiB of accumulators,
    # about 34 GB/s of DRAM bandwidth at 700 MHz.
    "tpu-v1": MxuConfig(
        rows=256,
        cols=256,
        scratchpad_kib=24 * 1024,
        accumulator_kib=4 * 1024,
        dram_mib=4096,
        dma_bytes_per_cycle=48,
        dma_latency=128,
    ),
}
