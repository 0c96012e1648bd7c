"""`linalg-fuse-elementwise`: fuse elementwise generics on tensors, fold bias adds.

Two rewrites, run to a fixed point:

- producer -> consumer fusion of elementwise `linalg.generic`s
  (`linalg_fuse_producer`), so a chain of elementwise ops becomes one;
- the bias add of an epilogue that follows a contraction folded into the
  contraction's init (`linalg_fuse_epilogue`), leaving the rest of the
  epilogue (a ReLU) to fuse with the other elementwise ops.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from ziggurat.passes.linalg.fold_bias import fold_bias_once
from ziggurat.passes.linalg.fuse_producer import fuse_elementwise_once


@dataclass(frozen=True)
class LinalgFuseElementwisePass(ModulePass):
    """Fuse elementwise linalg.generic chains on tensors; fold epilogue bias adds into inits.

    `fold-bias` (default true) also moves the bias add of an epilogue that
    follows a contraction into the contraction's init.
    """

    name = "linalg-fuse-elementwise"

    fold_bias: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        while fuse_elementwise_once(op) or (self.fold_bias and fold_bias_once(op)):
            pass
