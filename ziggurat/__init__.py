"""Ziggurat: a multi-level compiler framework on xDSL.

Kept free of imports so that `ziggurat-opt --version` starts instantly.
"""

__version__ = "0.1.0"
