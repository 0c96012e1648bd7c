"""`--check` in both directions: no false alarms on correct results, real bugs still reported.

Correct results come from the C target (compiled once, run on many seeds);
the bugs are made by hand from them: a sum with its last term dropped (an
off-by-one loop bound), one element off by some ulps times K.
"""

from __future__ import annotations

import numpy as np
import pytest
from paths import MODELS
from programs import matmul
from semantics import parse

from ziggurat.targets.c.call import CExecutor
from ziggurat.targets.ref import RefExecutor, random_inputs
from ziggurat.tools import check

SEEDS = range(100)

MLP = """
func.func @mlp(%x: tensor<64x256xf32>, %w1: tensor<256x512xf32>, %b1: tensor<512xf32>,
               %w2: tensor<512x128xf32>, %b2: tensor<128xf32>) -> tensor<64x128xf32> {
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<64x512xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<64x512xf32>) -> tensor<64x512xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<64x256xf32>, tensor<256x512xf32>)
                      outs(%f1 : tensor<64x512xf32>) -> tensor<64x512xf32>
  %h1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                                         affine_map<(i, j) -> (i, j)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<64x512xf32>, tensor<512xf32>) outs(%e1 : tensor<64x512xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %z : f32
    linalg.yield %r : f32
  } -> tensor<64x512xf32>
  %e2 = tensor.empty() : tensor<64x128xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<64x128xf32>) -> tensor<64x128xf32>
  %m2 = linalg.matmul ins(%h1, %w2 : tensor<64x512xf32>, tensor<512x128xf32>)
                      outs(%f2 : tensor<64x128xf32>) -> tensor<64x128xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m2, %b2 : tensor<64x128xf32>, tensor<128xf32>) outs(%e2 : tensor<64x128xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64x128xf32>
  func.return %y : tensor<64x128xf32>
}
"""


def _ref_run(module, args):
    results = RefExecutor().prepare(module, None)(args)
    return {f"result{i}": r for i, r in enumerate(results)}


def _verdict(module, inputs, got: dict[str, np.ndarray]) -> check.Verdict:
    want, magnitude = check.reference(module, inputs, _ref_run)
    return check.compare(got, want, magnitude, check.scale_of(module))


def _false_alarms(text: str, seeds=SEEDS) -> list[tuple[int, str]]:
    module = parse(text)
    compiled = CExecutor().prepare(module, None)
    alarms = []
    for seed in seeds:
        inputs = random_inputs(module, None, seed)
        got = {f"result{i}": r for i, r in enumerate(compiled([a.copy() for a in inputs]))}
        verdict = _verdict(module, inputs, got)
        if not verdict.ok:
            alarms.append((seed, f"{verdict.worst}: {verdict.got} vs {verdict.want}"))
    return alarms


@pytest.mark.parametrize("model", ["mlp", "conv_relu", "attention", "int8_mlp", "int8_matmul"])
def test_no_false_alarm_on_the_example_models(model: str) -> None:
    assert _false_alarms((MODELS / f"{model}.mlir").read_text()) == []


def test_no_false_alarm_on_a_deep_mlp() -> None:
    assert _false_alarms(MLP) == []


def test_no_false_alarm_on_a_long_reduction() -> None:
    assert _false_alarms(matmul(8, 4096, 8, "f32", "f32", "f32")) == []


def _matmul_case(k: int, seed: int):
    module = parse(matmul(16, k, 16, "f32", "f32", "f32"))
    a, b = random_inputs(module, None, seed)[:2]
    return module, [a, b], (a @ b).astype(np.float32)


@pytest.mark.parametrize("k", [256, 4096])
def test_a_dropped_term_is_reported(k: int) -> None:
    for seed in range(20):
        module, inputs, _ = _matmul_case(k, seed)
        a, b = inputs
        dropped = (a[:, :-1] @ b[:-1, :]).astype(np.float32)
        verdict = _verdict(module, inputs, {"result0": dropped})
        assert not verdict.ok, seed


@pytest.mark.parametrize("k", [256, 4096])
def test_an_element_off_by_ulps_times_k_is_reported(k: int) -> None:
    for seed in range(20):
        module, inputs, correct = _matmul_case(k, seed)
        assert _verdict(module, inputs, {"result0": correct}).ok
        wrong = correct.copy()
        # The element of median magnitude, off by 8 K ulps of its value.
        flat = int(np.argsort(np.abs(wrong), axis=None)[wrong.size // 2])
        index = np.unravel_index(flat, wrong.shape)
        wrong[index] += np.float32(8 * k) * np.spacing(np.abs(wrong[index]))
        verdict = _verdict(module, inputs, {"result0": wrong})
        assert not verdict.ok and verdict.index == tuple(int(i) for i in index), seed


def test_integers_must_match_exactly() -> None:
    module = parse((MODELS / "int8_matmul.mlir").read_text())
    inputs = random_inputs(module, None, 0)
    want = _ref_run(module, inputs)
    wrong = {k: v.copy() for k, v in want.items()}
    wrong["result0"].flat[7] += 1
    verdict = _verdict(module, inputs, wrong)
    assert not verdict.ok and verdict.bound == 0
