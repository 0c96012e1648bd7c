"""Tests that need a GPU: skipped, saying why, where there is none — unless
`ZIGGURAT_REQUIRE_GPU=1` (the GPU machine's check script), where a missing GPU fails."""

from __future__ import annotations

import os

import pytest

from ziggurat.targets.cuda import toolchain


def require_gpu() -> str:
    """The GPU's architecture (`sm_90`); skips (or fails) the test when there is none."""
    reason = toolchain.no_gpu_reason()
    arch = toolchain.gpu_arch()
    if reason is None and arch is not None:
        return arch
    message = f"no GPU: {reason}"
    if os.environ.get("ZIGGURAT_REQUIRE_GPU", "") not in ("", "0"):
        pytest.fail(message + " (ZIGGURAT_REQUIRE_GPU is set)")
    pytest.skip(message)
