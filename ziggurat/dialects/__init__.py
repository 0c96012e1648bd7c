"""Dialects ziggurat defines, and its MLIR-compatible versions of upstream ones."""
