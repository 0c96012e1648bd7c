"""What this package registers with xDSL: one dialect, one pass, one target.

Each entry is a function that imports on demand, so listing the plugin (as
`ziggurat-opt --list-passes` does) costs nothing until it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xdsl.universe import Universe

if TYPE_CHECKING:
    from xdsl.ir import Dialect
    from xdsl.passes import ModulePass
    from xdsl.utils.target import Target


def _poly_dialect() -> Dialect:
    from ziggurat_example.dialect import Poly

    return Poly


def _convert_poly_to_arith() -> type[ModulePass]:
    from ziggurat_example.lowering import ConvertPolyToArithPass

    return ConvertPolyToArithPass


def _poly_c() -> type[Target]:
    from ziggurat_example.emit_c import PolyCTarget

    return PolyCTarget


POLY_UNIVERSE = Universe(
    all_dialects={"poly": _poly_dialect},
    all_passes={"convert-poly-to-arith": _convert_poly_to_arith},
    all_targets={"poly-c": _poly_c},
)
"""Published through the `xdsl.universe` entry point in pyproject.toml."""
