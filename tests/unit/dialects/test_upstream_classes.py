"""Ops ziggurat parses in place of xDSL's are still xDSL's ops to xDSL's passes.

Ziggurat replaces some upstream ops (for MLIR's syntax, verifiers or element
types); each replacement subclasses xDSL's class, so an xDSL pass or pattern
written against xDSL's class fires on what ziggurat parses.
"""

from __future__ import annotations

import pytest
from xdsl.dialects import affine as xaffine
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg import ops as xlinalg
from xdsl.ir import Operation
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.transforms.linalg_generalize_named_ops import LinalgGeneralizeNamedOpsPass

from ziggurat.dialects import affine, linalg
from ziggurat.parser import parse_module
from ziggurat.universe import load_registry

CTX = load_registry().make_context()

MATMUL = """
func.func @mm(%a: memref<4x8xi8>, %b: memref<8x2xi8>, %c: memref<4x2xi32>) {
  linalg.matmul ins(%a, %b : memref<4x8xi8>, memref<8x2xi8>) outs(%c : memref<4x2xi32>)
  return
}
"""

CONV = """
func.func @conv(%x: memref<1x6x6x3xf32>, %f: memref<3x3x3x4xf32>, %y: memref<1x4x4x4xf32>) {
  linalg.conv_2d_nhwc_hwcf ins(%x, %f : memref<1x6x6x3xf32>, memref<3x3x3x4xf32>)
    outs(%y : memref<1x4x4x4xf32>)
  return
}
"""

PARALLEL = """
func.func @par(%m: memref<8xf32>) {
  affine.parallel (%i) = (0) to (8) {
    %v = affine.load %m[%i] : memref<8xf32>
    affine.if affine_set<(d0) : (d0 - 4 >= 0)>(%i) {
      affine.store %v, %m[%i] : memref<8xf32>
    }
  }
  return
}
"""


def parse(text: str) -> ModuleOp:
    module = parse_module(CTX, text, "test.mlir")
    module.verify()
    return module


def ops_named(module: ModuleOp, name: str) -> list[Operation]:
    return [op for op in module.walk() if op.name == name]


@pytest.mark.parametrize(
    ("text", "name", "ours", "upstream"),
    [
        (MATMUL, "linalg.matmul", linalg.MatmulOp, xlinalg.MatmulOp),
        (CONV, "linalg.conv_2d_nhwc_hwcf", linalg.Conv2DNhwcHwcfOp, xlinalg.Conv2DNhwc_HwcfOp),
        (PARALLEL, "affine.parallel", affine.ParallelOp, xaffine.ParallelOp),
        (PARALLEL, "affine.if", affine.IfOp, xaffine.IfOp),
    ],
)
def test_parsed_op_is_an_instance_of_xdsl_class(
    text: str, name: str, ours: type[Operation], upstream: type[Operation]
) -> None:
    (op,) = ops_named(parse(text), name)
    assert type(op) is ours
    assert isinstance(op, upstream)


@pytest.mark.parametrize("text", [MATMUL, CONV])
def test_xdsl_generalization_turns_named_ops_into_generic(text: str) -> None:
    module = parse(text)
    LinalgGeneralizeNamedOpsPass().apply(CTX, module)
    module.verify()
    assert [op.name for op in module.walk() if op.name.startswith("linalg.")] == [
        "linalg.generic",
        "linalg.yield",
    ]
    (generic,) = ops_named(module, "linalg.generic")
    assert isinstance(generic, xlinalg.GenericOp)
    # The body is ziggurat's: i8 operands are extended to i32 before the multiply.
    body = [op.name for op in generic.body.block.ops]
    if "i8" in text:
        assert body[:2] == ["arith.extsi", "arith.extsi"]


class _CountParallel(RewritePattern):
    """Matches xDSL's `affine.parallel` class, as an xDSL pass would."""

    def __init__(self) -> None:
        self.seen: list[xaffine.ParallelOp] = []

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.ParallelOp, rewriter: PatternRewriter, /) -> None:
        self.seen.append(op)


class _CountIf(RewritePattern):
    def __init__(self) -> None:
        self.seen: list[xaffine.IfOp] = []

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: xaffine.IfOp, rewriter: PatternRewriter, /) -> None:
        self.seen.append(op)


def test_xdsl_patterns_on_affine_classes_fire() -> None:
    module = parse(PARALLEL)
    parallel, if_ = _CountParallel(), _CountIf()
    PatternRewriteWalker(parallel, apply_recursively=False).rewrite_module(module)
    PatternRewriteWalker(if_, apply_recursively=False).rewrite_module(module)
    assert [op.name for op in parallel.seen] == ["affine.parallel"]
    assert [op.name for op in if_.seen] == ["affine.if"]
