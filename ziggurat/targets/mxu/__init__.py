"""The mxu target: assembler, binary encoding, simulator and runtime (see docs/mxu.md)."""
