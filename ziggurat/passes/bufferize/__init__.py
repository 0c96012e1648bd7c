"""Bufferization: tensor programs become memref programs (`ziggurat-bufferize`)."""
