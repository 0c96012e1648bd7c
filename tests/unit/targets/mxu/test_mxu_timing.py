"""The mxu timing model: schedules worked out by hand from docs/mxu.md, and its properties.

The hand-checked programs run on `HAND`, a 4 x 4 array whose DMA engines move
4 bytes a cycle after 10 cycles of latency, so the durations of the doc's
table are:

    load / store   10 + ceil(bytes / 4)      (16 bytes: 14 cycles, 64 bytes: 26)
    loadw          4                        (R)
    matmul         M + 4 + 4 - 2 = M + 6
    matmul_os      K + 4 + 4 - 2 = K + 6
    activate       2 + rows
    config         1

Each test writes the expected (start, end) of every instruction with the
reason in a comment.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mxu_strategies import programs
from test_mxu_simulator import TINY, gemm_program, os_gemm_program, small_array

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    NO_DEPS,
    Activate,
    Config,
    Deps,
    DType,
    Fence,
    Halt,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    MatmulOS,
    Memory,
    Queue,
    Store,
)
from ziggurat.targets.mxu.simulator import SimulationError, simulate
from ziggurat.targets.mxu.trace import chrome_trace, trace_json

HAND = MxuConfig(
    rows=4,
    cols=4,
    scratchpad_kib=4,
    accumulator_kib=4,
    dram_mib=1,
    dma_bytes_per_cycle=4,
    dma_latency=10,
    activation_latency=2,
)
PUSH = Deps(push_next=True)
POP = Deps(pop_prev=True)


def spad_load(row: int, rows: int = 4, deps: Deps = NO_DEPS, addr: int = 0) -> Load:
    """`rows` rows of 4 int8 elements: 10 + rows cycles on HAND."""
    return Load(Memory.SPAD, row, addr, 4, rows, 4, DType.I8, deps=deps)


def schedule_of(program: list[Instruction], config: MxuConfig = HAND):
    result = simulate(program, config)
    return result.report.schedule, result.report


# --- hand-checked schedules ---------------------------------------------------------------


def test_tokens_order_a_load_compute_store_chain() -> None:
    program = [
        spad_load(8, deps=PUSH),  # 0: B                       [0, 14)
        spad_load(0, deps=PUSH),  # 1: A, DMA busy until 14      [14, 28)  unit stall 14
        LoadWeights(8, 4, 4, DType.I8, deps=POP),  # 2: token 1 = end of 0 [14, 18)  token 14
        # 3: token 2 = end of 1 at 28 (its tile was ready at 18)  [28, 38)  token 14
        Matmul(0, 4, 0, DType.I8, deps=Deps(pop_prev=True, push_next=True)),
        # 4: waits for the matmul's token; 64 bytes: 10 + 16      [38, 64)  token 38
        Store(Memory.ACC, 0, 0, 16, 4, 4, DType.I32, deps=POP),
        Halt(),  # 5: when everything has ended                    [64, 64)
    ]
    schedule, report = schedule_of(program)
    assert schedule == [(0, 14), (14, 28), (14, 18), (28, 38), (38, 64), (64, 64)]
    assert report.cycles == 64
    assert report.stalls == {"token": 14 + 14 + 38, "unit": 14, "scoreboard": 0, "fence": 0}
    assert report.busy == {"load": 28, "weights": 4, "array": 10, "activation": 0, "store": 26}
    # loadw then matmul alone: [0, 4), [4, 14).
    assert report.array_cycles == 14


def test_a_producer_runs_ahead_by_the_tokens_it_pushed() -> None:
    """Two input buffers: the loader refills buffer 0 once the executor frees it."""
    program = [
        spad_load(100),  # 0: weights                                 [0, 14)
        Fence(),  # 1                                                  [14, 14)
        LoadWeights(100, 4, 4, DType.I8),  # 2: after the fence       [14, 18)  fence 14
        spad_load(0, deps=PUSH),  # 3: buffer 0; issue 0, fence 14    [14, 28)  fence 14
        spad_load(4, deps=PUSH),  # 4: buffer 1, DMA busy              [28, 42)  unit 14
        # 5: token 1 (end of 3); frees buffer 0 when it ends          [28, 38)  token 14
        Matmul(0, 4, 0, DType.I8, deps=Deps(pop_prev=True, push_prev=True)),
        # 6: token 2 (end of 4); the array would accept it at 32      [42, 52)  token 14
        Matmul(4, 4, 4, DType.I8, deps=POP),
        # 7: refills buffer 0: token (38) then the DMA (42)           [42, 56)  unit 14
        spad_load(0, deps=Deps(pop_next=True, push_next=True)),
        # 8: token 3 (end of 7)                                       [56, 66)  token 14
        Matmul(0, 4, 8, DType.I8, deps=POP),
        Halt(),  # 9                                                   [66, 66)
    ]
    schedule, report = schedule_of(program)
    assert schedule == [
        (0, 14),
        (14, 14),
        (14, 18),
        (14, 28),
        (28, 42),
        (28, 38),
        (42, 52),
        (42, 56),
        (56, 66),
        (66, 66),
    ]
    assert report.stalls == {"token": 42, "unit": 28, "scoreboard": 0, "fence": 28}


def test_the_scoreboard_orders_one_queue_and_lets_matmuls_pipeline() -> None:
    program = [
        spad_load(100),  # 0                                        [0, 14)
        spad_load(0),  # 1                                          [14, 28)  unit 14
        Fence(),  # 2                                               [28, 28)
        LoadWeights(100, 4, 4, DType.I8),  # 3                      [28, 32)  fence 28
        Matmul(0, 4, 0, DType.I8),  # 4: waits for its tile          [32, 42)  unit 4
        # 5: same accumulator rows, but matmuls are exempt: the array takes it
        # 4 cycles (M) after the previous one started                [36, 46)  unit 4
        Matmul(0, 4, 0, DType.I8, accumulate=True),
        # 6: reads accumulator rows 0..3 the matmuls write           [46, 52)  scoreboard 10
        Activate(0, 4, 8, 4, DType.I8),
        # 7: reads scratchpad rows 8..11 the activate writes         [52, 56)  scoreboard 6
        LoadWeights(8, 4, 4, DType.I8),
        Halt(),  # 8                                                 [56, 56)
    ]
    schedule, report = schedule_of(program)
    assert schedule == [
        (0, 14),
        (14, 28),
        (28, 28),
        (28, 32),
        (32, 42),
        (36, 46),
        (46, 52),
        (52, 56),
        (56, 56),
    ]
    assert report.stalls == {"token": 0, "unit": 14 + 4 + 4, "scoreboard": 16, "fence": 28}
    # The two matmuls overlap: the array is busy from 32 to 46.
    assert report.busy["array"] == 14


def test_the_scoreboard_waits_for_earlier_readers_before_a_write() -> None:
    program = [
        spad_load(100),  # 0                                        [0, 14)
        spad_load(0),  # 1                                          [14, 28)
        Load(Memory.ACC, 50, 0, 16, 4, 4, DType.I32),  # 2: 64 B      [28, 54)
        Fence(),  # 3                                               [54, 54)
        LoadWeights(100, 4, 4, DType.I8),  # 4                      [54, 58)
        Matmul(0, 4, 0, DType.I8),  # 5: reads scratchpad rows 0..3  [58, 68)
        # 6: overwrites rows 0..3, which the matmul reads until 68   [68, 74)
        Activate(50, 4, 0, 4, DType.I8),
        Halt(),  # 7                                                 [74, 74)
    ]
    schedule, report = schedule_of(program)
    assert schedule[4:] == [(54, 58), (58, 68), (68, 74), (74, 74)]
    assert report.stalls["scoreboard"] == 68 - 58


def test_a_fence_waits_for_every_earlier_instruction() -> None:
    program = [
        spad_load(0),  # 0                                           [0, 14)
        Fence(),  # 1                                                [14, 14)
        Store(Memory.SPAD, 0, 64, 4, 4, 4, DType.I8),  # 2: 16 bytes  [14, 28)  fence 14
        Fence(),  # 3                                                [28, 28)
        spad_load(0),  # 4: its DMA is free at 14, the fence at 28    [28, 42)  fence 28
        Halt(),  # 5                                                 [42, 42)
    ]
    schedule, report = schedule_of(program)
    assert schedule == [(0, 14), (14, 14), (14, 28), (28, 28), (28, 42), (42, 42)]
    assert report.stalls == {"token": 0, "unit": 0, "scoreboard": 0, "fence": 42}


def _weights_program() -> list[Instruction]:
    """Three loadw/matmul pairs of M = 2 rows: a matmul takes 2 + 6 = 8 cycles."""
    program: list[Instruction] = []
    for _ in range(3):
        program += [LoadWeights(0, 4, 4, DType.I8), Matmul(0, 2, 0, DType.I8)]
    return [*program, Halt()]


def test_double_buffered_weights_overlap_the_next_load() -> None:
    schedule, report = schedule_of(_weights_program())
    assert schedule == [
        (0, 4),  # loadw 0 -> buffer 0
        (4, 12),  # matmul 0 waits for its tile
        (4, 8),  # loadw 1 -> buffer 1 (free), as soon as matmul 0 issued
        (8, 16),  # matmul 1: the array would take it at 4 + 2 = 6, its tile is ready at 8
        (12, 16),  # loadw 2 -> buffer 0, free when matmul 0 ended (12)
        (16, 24),  # matmul 2 waits for its tile
        (24, 24),
    ]
    assert report.array_cycles == 24
    assert report.stalls["unit"] == 4 + 4 + 4 + 4


def test_a_single_weight_buffer_serialises_loads_and_matmuls() -> None:
    config = HAND.with_options(double_buffer_weights=False)
    schedule, report = schedule_of(_weights_program(), config)
    # Each loadw waits for the previous matmul to end; each matmul for its loadw.
    assert schedule == [(0, 4), (4, 12), (12, 16), (16, 24), (24, 28), (28, 36), (36, 36)]
    # The closed form: folds * (R + M + R + C - 2) = 3 * (4 + 2 + 4 + 4 - 2).
    assert report.array_cycles == 36 == report.cycles


def test_weight_load_cycles_overrides_r() -> None:
    config = HAND.with_options(weight_load_cycles=7)
    schedule, _ = schedule_of([LoadWeights(0, 4, 4, DType.I8), Halt()], config)
    assert schedule[0] == (0, 7)


def test_config_and_activate_share_the_activation_unit() -> None:
    program = [
        Load(Memory.ACC, 0, 0, 16, 2, 4, DType.I32, deps=PUSH),  # 0: 32 bytes  [0, 18)
        Config(scale=3, shift=1),  # 1                                       [0, 1)
        Activate(0, 2, 0, 4, DType.I8, deps=POP),  # 2: the load's token       [18, 22)  token 18
        Config(scale=1, shift=0),  # 3: activation unit busy until 22         [22, 23)  unit 4
        Activate(0, 2, 8, 4, DType.I8),  # 4                                   [23, 27)  unit 1
        Halt(),  # 5                                                           [27, 27)
    ]
    schedule, report = schedule_of(program)
    assert schedule == [(0, 18), (0, 1), (18, 22), (22, 23), (23, 27), (27, 27)]
    assert report.stalls == {"token": 18, "unit": 5, "scoreboard": 0, "fence": 0}
    assert report.busy["activation"] == 1 + 4 + 1 + 4


def test_store_to_execute_tokens_free_accumulator_rows() -> None:
    program = [
        LoadWeights(0, 1, 1, DType.I8),  # 0                                   [0, 4)
        Matmul(0, 4, 0, DType.I8, deps=Deps(push_next=True)),  # 1           [4, 14)
        # 2: waits for the matmul, then frees rows 0..3 for the executor     [14, 40)
        Store(Memory.ACC, 0, 0, 16, 4, 4, DType.I32, deps=Deps(pop_prev=True, push_prev=True)),
        Matmul(0, 4, 0, DType.I8, deps=Deps(pop_next=True)),  # 3: token 40  [40, 50)
        Halt(),
    ]
    schedule, report = schedule_of(program)
    assert schedule[:4] == [(0, 4), (4, 14), (14, 40), (40, 50)]
    assert report.stalls["token"] == 14 + (40 - 4)


def test_matmul_os_holds_the_whole_array() -> None:
    program = [
        spad_load(0),  # 0                                            [0, 14)
        spad_load(8),  # 1                                            [14, 28)  unit 14
        Fence(),  # 2                                                 [28, 28)
        LoadWeights(8, 4, 4, DType.I8),  # 3                          [28, 32)  fence 28
        Matmul(0, 4, 0, DType.I8),  # 4: waits for its tile            [32, 42)  unit 4
        # 5: the array is free only when the matmul has ended (42), not after
        # its 4 rows (36): K = 4 -> 4 + 6 cycles                       [42, 52)  unit 10
        MatmulOS(0, 8, 4, 4, 4, 4, DType.I8),
        # 6: the weight path is free and no matmul uses buffer 1: it overlaps
        # the matmul_os; in-order issue keeps it from starting before 42  [42, 46)
        LoadWeights(8, 4, 4, DType.I8),
        # 7: its tile is ready at 46, the array takes it when 5 ends     [52, 62)  unit 10
        Matmul(0, 4, 8, DType.I8),
        # 8: waits for the matmul's end (62), though the array would take
        # another matmul at 56; K = 2 -> 8 cycles                       [62, 70)  unit 10
        MatmulOS(0, 8, 2, 4, 4, 4, DType.I8, accumulate=True),
        # 9: reads accumulator rows 4..7 that 8 writes                   [70, 76)  scoreboard 8
        Activate(4, 4, 100, 4, DType.I8),
        Halt(),  # 10                                                  [76, 76)
    ]
    schedule, report = schedule_of(program)
    assert schedule == [
        (0, 14),
        (14, 28),
        (28, 28),
        (28, 32),
        (32, 42),
        (42, 52),
        (42, 46),
        (52, 62),
        (62, 70),
        (70, 76),
        (76, 76),
    ]
    assert report.stalls == {
        "token": 0,
        "unit": 14 + 4 + 10 + 10 + 10,
        "scoreboard": 8,
        "fence": 28,
    }
    assert report.busy["array"] == 70 - 32
    assert report.busy["weights"] == 8
    # The same chain without the loads and the fence: [0, 4) ... [34, 42).
    assert report.array_cycles == 42
    assert report.macs == 3 * (4 * 4 * 4) + 4 * 2 * 4


def test_the_scoreboard_orders_matmul_os_after_an_activate() -> None:
    program = [
        Load(Memory.ACC, 0, 0, 16, 4, 4, DType.I32),  # 0: 64 bytes    [0, 26)
        Fence(),  # 1                                                 [26, 26)
        Activate(0, 4, 0, 4, DType.I8),  # 2: writes scratchpad rows 0..3  [26, 32)  fence 26
        # 3: reads A from rows 0..1 and B from rows 2..3                [32, 40)  scoreboard 6
        MatmulOS(0, 2, 2, 4, 4, 8, DType.I8),
        # 4: a matmul_os is not exempt: accumulating into rows 8..11 waits for
        # 3 (its end is also when the array is free)                   [40, 47)
        MatmulOS(0, 2, 1, 4, 4, 8, DType.I8, accumulate=True),
        Halt(),  # 5                                                   [47, 47)
    ]
    schedule, report = schedule_of(program)
    assert schedule == [(0, 26), (26, 26), (26, 32), (32, 40), (40, 47), (47, 47)]
    assert report.stalls == {"token": 0, "unit": 8, "scoreboard": 6, "fence": 26}
    assert report.array_cycles == 8 + 7


def test_tokens_order_transposed_loads_matmul_os_and_store() -> None:
    program = [
        # 0: A^T, a transposed 4 x 4 block: the same 16 bytes and cycles     [0, 14)
        Load(Memory.SPAD, 0, 0, 4, 4, 4, DType.I8, transpose=True, deps=PUSH),
        spad_load(4, deps=PUSH),  # 1: B                                   [14, 28)  unit 14
        # 2: A^T times A, so the first token (14) is enough                [14, 24)  token 14
        MatmulOS(0, 0, 4, 4, 4, 0, DType.I8, deps=POP),
        # 3: reads B: the second token, from 1 (28)                        [28, 38)  token 14
        MatmulOS(0, 4, 4, 4, 4, 4, DType.I8, deps=Deps(pop_prev=True, push_next=True)),
        Store(Memory.ACC, 4, 64, 16, 4, 4, DType.I32, deps=POP),  # 4      [38, 64)  token 38
        Halt(),
    ]
    schedule, report = schedule_of(program)
    assert schedule == [(0, 14), (14, 28), (14, 24), (28, 38), (38, 64), (64, 64)]
    assert report.stalls == {"token": 14 + 14 + 38, "unit": 14, "scoreboard": 0, "fence": 0}
    assert report.array_cycles == 20


# --- deadlocks and missing tokens ---------------------------------------------------------


def expect_error(program: list[Instruction], index: int, *words: str) -> None:
    with pytest.raises(SimulationError) as info:
        simulate(program, HAND)
    assert info.value.index == index
    assert str(info.value).startswith(f"instruction {index} ({program[index].MNEMONIC}): ")
    for word in words:
        assert word in str(info.value)


def test_deadlock_when_the_token_is_never_pushed() -> None:
    program = [spad_load(0, deps=PUSH), LoadWeights(0, 1, 1, DType.I8, deps=POP)]
    program += [LoadWeights(0, 1, 1, DType.I8, deps=POP), Halt()]
    expect_error(program, 2, "token 2", "pushes only 1", "deadlock")


def test_deadlock_when_two_queues_wait_for_each_other() -> None:
    program = [
        spad_load(0, deps=Deps(pop_next=True, push_next=True)),
        LoadWeights(0, 1, 1, DType.I8, deps=Deps(pop_prev=True, push_prev=True)),
        Halt(),
    ]
    expect_error(program, 0, "from instruction 1 (loadw)", "deadlock")


def test_deadlock_when_the_token_comes_after_a_fence() -> None:
    program = [
        spad_load(0, deps=Deps(pop_next=True)),
        Fence(),
        LoadWeights(0, 1, 1, DType.I8, deps=Deps(push_prev=True)),
        Halt(),
    ]
    expect_error(program, 0, "instruction 2 (loadw)", "fence at instruction 1", "deadlock")


def test_missing_token_write_after_read() -> None:
    # The loadw reads scratchpad rows 0..3 during [0, 4); the load starts at 0.
    program = [LoadWeights(0, 4, 4, DType.I8), spad_load(0), Halt()]
    expect_error(
        program,
        1,
        "writes scratchpad rows 0..3 before instruction 0 (loadw) has finished reading them",
    )


def test_missing_token_write_after_write() -> None:
    program = [
        LoadWeights(0, 1, 1, DType.I8),
        Matmul(0, 4, 0, DType.I8),
        Load(Memory.ACC, 2, 0, 16, 1, 4, DType.I32),
        Halt(),
    ]
    expect_error(program, 2, "writes accumulator row 2 before instruction 1 (matmul)", "writing")


def test_missing_token_store_reads_unfinished_results() -> None:
    program = [
        LoadWeights(0, 1, 1, DType.I8),
        Matmul(0, 4, 0, DType.I8),
        Store(Memory.ACC, 0, 0, 16, 4, 4, DType.I32),
        Halt(),
    ]
    expect_error(program, 2, "reads accumulator rows 0..3 before instruction 1 (matmul)")


def test_missing_token_matmul_os_reads_a_transposed_load() -> None:
    # The transposed 4 x 2 block writes 2 rows (0..1), which the matmul_os reads as A.
    program = [
        Load(Memory.SPAD, 0, 0, 2, 4, 2, DType.I8, transpose=True),
        MatmulOS(0, 8, 2, 4, 4, 0, DType.I8),
        Halt(),
    ]
    expect_error(
        program,
        1,
        "reads scratchpad rows 0..1 before instruction 0 (load) has finished writing them",
    )


def test_missing_token_store_reads_matmul_os_results() -> None:
    program = [
        MatmulOS(0, 0, 4, 2, 4, 0, DType.I8),
        Store(Memory.ACC, 1, 0, 16, 1, 4, DType.I32),
        Halt(),
    ]
    expect_error(program, 1, "reads accumulator row 1 before instruction 0 (matmul_os)")


def test_missing_order_between_a_store_and_a_load_of_the_same_bytes() -> None:
    program = [Store(Memory.SPAD, 0, 0, 4, 1, 4, DType.I8), spad_load(8, rows=1), Halt()]
    expect_error(program, 1, "reads DRAM bytes 0x0..0x3 before instruction 0 (store)")
    program = [spad_load(0, rows=2), Store(Memory.SPAD, 8, 6, 4, 1, 4, DType.I8), Halt()]
    expect_error(program, 1, "writes DRAM bytes 0x6..0x7 before instruction 0 (load)", "reading")
    fenced = [Store(Memory.SPAD, 0, 0, 4, 1, 4, DType.I8), Fence(), spad_load(8, rows=1), Halt()]
    simulate(fenced, HAND)


def test_interleaved_dram_rows_that_do_not_overlap_need_no_order() -> None:
    # The load reads bytes 0..3, 8..11, 16..19; the store writes 4..7, 12..15, 20..23.
    program = [
        Load(Memory.SPAD, 0, 0, 8, 3, 4, DType.I8),
        Store(Memory.SPAD, 100, 4, 8, 3, 4, DType.I8),
        Halt(),
    ]
    schedule, _ = schedule_of(program)
    assert schedule[0][0] == schedule[1][0] == 0


# --- the closed form ------------------------------------------------------------------------

gemm_shapes = st.tuples(st.integers(1, 48), st.integers(1, 48), st.integers(1, 48))
array_shapes = st.tuples(st.integers(1, 8), st.integers(1, 8))


@settings(max_examples=80, deadline=None)
@given(shape=gemm_shapes, array=array_shapes)
def test_gemm_without_double_buffering_takes_the_closed_form(
    shape: tuple[int, int, int], array: tuple[int, int]
) -> None:
    m, k, n = shape
    r, c = array
    config = small_array(r, c, double=False)
    report = simulate(gemm_program(m, k, n, config).program, config).report
    folds = math.ceil(k / r) * math.ceil(n / c)
    assert report.array_cycles == folds * (r + m + r + c - 2)


@settings(max_examples=80, deadline=None)
@given(shape=gemm_shapes, array=array_shapes)
def test_gemm_with_double_buffering_lies_between_the_bounds(
    shape: tuple[int, int, int], array: tuple[int, int]
) -> None:
    m, k, n = shape
    r, c = array
    config = small_array(r, c)
    report = simulate(gemm_program(m, k, n, config).program, config).report
    folds = math.ceil(k / r) * math.ceil(n / c)
    assert folds * m <= report.array_cycles <= folds * (r + m + r + c - 2)
    assert report.array_cycles <= report.cycles


def test_double_buffering_reaches_the_compute_bound_when_m_hides_the_drain() -> None:
    # With M >= R + C - 2 + R each weight load and drain hides behind the next stream.
    config = MxuConfig(rows=4, cols=4)
    report = simulate(gemm_program(64, 16, 16, config).program, config).report
    folds = 4 * 4
    # The first tile's load and the last stream's drain are the only exposed cycles.
    assert report.array_cycles == 4 + folds * 64 + 4 + 4 - 2


@settings(max_examples=80, deadline=None)
@given(shape=gemm_shapes, array=array_shapes, double=st.booleans())
def test_output_stationary_gemm_takes_the_closed_form(
    shape: tuple[int, int, int], array: tuple[int, int], double: bool
) -> None:
    """docs/mxu.md: ceil(M/R) * ceil(N/C) * (R + C + K - 2) array cycles, exactly."""
    m, k, n = shape
    r, c = array
    config = small_array(r, c, double)
    program = os_gemm_program(m, k, n, config).program
    report = simulate(program, config).report
    tiles = math.ceil(m / r) * math.ceil(n / c)
    assert report.array_cycles == tiles * (r + c + k - 2)
    # Behind the fence the matmul_os run back to back: the array is busy all along.
    assert report.busy["array"] == report.array_cycles
    check_schedule(program, config, report.schedule)


# --- a software-pipelined GEMM driven by tokens -------------------------------------------


def pipelined_gemm(m: int, k: int, n: int, config: MxuConfig) -> list[Instruction]:
    """A GEMM whose weight tiles stream through two scratchpad slots, ordered by tokens.

    A is loaded once (then a fence). Fold f's B tile goes to slot f % 2: the load
    waits for the `loadw` of fold f - 2 to free the slot (execute -> load) and
    says "ready" (load -> execute). The n-tiles alternate between two
    accumulator regions; the store of an n-tile waits for its last matmul
    (execute -> store) and frees the region for n-tile j + 2 (store -> execute).
    """
    r, c = config.rows, config.cols
    k_tiles, n_tiles = math.ceil(k / r), math.ceil(n / c)
    folds = [(j, t) for j in range(n_tiles) for t in range(k_tiles)]
    b_addr, c_addr = m * k, m * k + k * n
    slots = (k_tiles * m, k_tiles * m + r)
    program: list[Instruction] = []
    for t in range(k_tiles):
        kk = min(r, k - t * r)
        program.append(Load(Memory.SPAD, t * m, t * r, k, m, kk, DType.I8))
    program.append(Fence())
    for f, (j, t) in enumerate(folds):
        kk, nn = min(r, k - t * r), min(c, n - j * c)
        slot = slots[f % 2]
        addr = b_addr + t * r * n + j * c
        program.append(
            Load(
                Memory.SPAD,
                slot,
                addr,
                n,
                kk,
                nn,
                DType.I8,
                deps=Deps(pop_next=f >= 2, push_next=True),
            )
        )
        program.append(
            LoadWeights(
                slot, kk, nn, DType.I8, deps=Deps(pop_prev=True, push_prev=f + 2 < len(folds))
            )
        )
        last = t == k_tiles - 1
        region = (j % 2) * m
        program.append(
            Matmul(
                t * m,
                m,
                region,
                DType.I8,
                accumulate=t > 0,
                deps=Deps(pop_next=t == 0 and j >= 2, push_next=last),
            )
        )
        if last:
            program.append(
                Store(
                    Memory.ACC,
                    region,
                    c_addr + j * c * 4,
                    n * 4,
                    m,
                    nn,
                    DType.I32,
                    deps=Deps(pop_prev=True, push_prev=j + 2 < n_tiles),
                )
            )
    return [*program, Halt()]


def _doc_duration(ins: Instruction, config: MxuConfig) -> int:
    """The duration column of docs/mxu.md's timing table, restated."""
    if isinstance(ins, Load | Store):
        return config.dma_latency + math.ceil(
            ins.rows * ins.cols * ins.dtype.bytes / config.dma_bytes_per_cycle
        )
    if isinstance(ins, LoadWeights):
        return config.weight_load_cycles or config.rows
    if isinstance(ins, Matmul):
        return ins.rows + config.rows + config.cols - 2
    if isinstance(ins, MatmulOS):
        return ins.depth + config.rows + config.cols - 2
    if isinstance(ins, Activate):
        return config.activation_latency + ins.rows
    if isinstance(ins, Config):
        return 1
    return 0


def _rows_touched(ins: Instruction) -> list[tuple[str, set[int], bool]]:
    """(memory, physical rows, written?) for each access: a bf16 row is two scratchpad rows."""

    def spad(row: int, rows: int, dtype: DType) -> set[int]:
        return set(range(row, row + rows * dtype.bytes))

    if isinstance(ins, Load):
        # A transposed load writes one row per column of the block.
        rows = (ins.cols if ins.transpose else ins.rows) + ins.pad_rows
        if ins.memory is Memory.SPAD:
            return [("spad", spad(ins.row, rows, ins.dtype), True)]
        return [("acc", set(range(ins.row, ins.row + rows)), True)]
    if isinstance(ins, Store):
        if ins.memory is Memory.SPAD:
            return [("spad", spad(ins.row, ins.rows, ins.dtype), False)]
        return [("acc", set(range(ins.row, ins.row + ins.rows)), False)]
    if isinstance(ins, LoadWeights):
        return [("spad", spad(ins.row, ins.rows, ins.dtype), False)]
    if isinstance(ins, Matmul):
        acc = set(range(ins.acc_row, ins.acc_row + ins.rows))
        out = [("spad", spad(ins.row, ins.rows, ins.dtype), False), ("acc", acc, True)]
        return out + ([("acc", acc, False)] if ins.accumulate else [])
    if isinstance(ins, MatmulOS):
        acc = set(range(ins.acc_row, ins.acc_row + ins.rows))
        out = [
            ("spad", spad(ins.a_row, ins.depth, ins.dtype), False),
            ("spad", spad(ins.b_row, ins.depth, ins.dtype), False),
            ("acc", acc, True),
        ]
        return out + ([("acc", acc, False)] if ins.accumulate else [])
    if isinstance(ins, Activate):
        out = [
            ("acc", set(range(ins.acc_row, ins.acc_row + ins.rows)), False),
            ("spad", spad(ins.row, ins.rows, ins.dtype), True),
        ]
        return out + (
            [("spad", set(range(ins.bias_row, ins.bias_row + 4)), False)] if ins.has_bias else []
        )
    return []


def check_schedule(
    program: Sequence[Instruction], config: MxuConfig, schedule: Sequence[tuple[int, int]]
) -> None:
    """The rules of docs/mxu.md's timing model, checked pair by pair on a finished schedule."""
    for ins, (start, end) in zip(program, schedule, strict=True):
        assert end - start == _doc_duration(ins, config), ins
    by_queue: dict[Queue, list[int]] = {q: [] for q in Queue}
    for i, ins in enumerate(program):
        if ins.QUEUE is not None:
            by_queue[ins.QUEUE].append(i)
    for members in by_queue.values():  # in-order issue
        starts = [schedule[i][0] for i in members]
        assert starts == sorted(starts)
    one_at_a_time = {
        "load": Load,
        "store": Store,
        "weights": LoadWeights,
        "activation": Activate | Config,
    }
    for kind in one_at_a_time.values():
        spans = sorted(schedule[i] for i, ins in enumerate(program) if isinstance(ins, kind))
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end
    products = [i for i, ins in enumerate(program) if isinstance(ins, Matmul | MatmulOS)]
    for a, b in itertools.pairwise(products):
        if isinstance(program[a], Matmul) and isinstance(program[b], Matmul):
            assert schedule[b][0] >= schedule[a][0] + program[a].rows  # type: ignore[attr-defined]
    for i in products:
        if isinstance(program[i], MatmulOS):
            # It holds the whole array: no product of either kind overlaps it.
            assert all(schedule[i][0] >= schedule[j][1] for j in products if j < i)
            assert all(schedule[j][0] >= schedule[i][1] for j in products if j > i)
    deps = [getattr(ins, "deps", NO_DEPS) for ins in program]
    flags = {  # direction: (pushing queue, push flag, popping queue, pop flag)
        "load->execute": (Queue.LOAD, "push_next", Queue.EXECUTE, "pop_prev"),
        "execute->load": (Queue.EXECUTE, "push_prev", Queue.LOAD, "pop_next"),
        "execute->store": (Queue.EXECUTE, "push_next", Queue.STORE, "pop_prev"),
        "store->execute": (Queue.STORE, "push_prev", Queue.EXECUTE, "pop_next"),
    }
    for push_queue, push_flag, pop_queue, pop_flag in flags.values():
        pushes = [i for i in by_queue[push_queue] if getattr(deps[i], push_flag)]
        pops = [i for i in by_queue[pop_queue] if getattr(deps[i], pop_flag)]
        # The k-th pop of a direction consumes the token of its k-th push.
        for push, pop in zip(pushes[: len(pops)], pops, strict=True):
            assert schedule[pop][0] >= schedule[push][1]
    for f, ins in enumerate(program):
        if isinstance(ins, Fence | Halt):
            assert all(schedule[f][0] >= schedule[i][1] for i in range(f))
            assert all(schedule[i][0] >= schedule[f][0] for i in range(f, len(program)))
    touched = [_rows_touched(ins) for ins in program]
    for j, later in enumerate(program):
        for i in range(j):
            if later.QUEUE is None or program[i].QUEUE is None:
                continue
            # Within a queue the scoreboard orders them, except matmul after matmul.
            same_queue = program[i].QUEUE is later.QUEUE
            if same_queue and isinstance(program[i], Matmul) and isinstance(later, Matmul):
                continue
            for memory, rows, write in touched[i]:
                for memory2, rows2, write2 in touched[j]:
                    if memory == memory2 and (write or write2) and rows & rows2:
                        assert schedule[j][0] >= schedule[i][1], (i, j)


@settings(max_examples=40, deadline=None)
@given(shape=gemm_shapes, array=array_shapes, double=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_pipelined_gemm_is_exact_and_follows_every_rule(
    shape: tuple[int, int, int], array: tuple[int, int], double: bool, seed: int
) -> None:
    m, k, n = shape
    config = MxuConfig(rows=array[0], cols=array[1], double_buffer_weights=double)
    program = pipelined_gemm(m, k, n, config)
    rng = np.random.default_rng(seed)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-128, 128, (k, n), dtype=np.int8)
    dram = np.zeros(m * k + k * n + m * n * 4, dtype=np.uint8)
    dram[: m * k] = a.view(np.uint8).ravel()
    dram[m * k : m * k + k * n] = b.view(np.uint8).ravel()
    result = simulate(program, config, dram)
    got = dram[m * k + k * n :].view("<i4").reshape(m, n)
    np.testing.assert_array_equal(got, a.astype(np.int32) @ b.astype(np.int32))
    report = result.report
    check_schedule(program, config, report.schedule)
    folds = math.ceil(k / config.rows) * math.ceil(n / config.cols)
    bound = folds * (2 * config.rows + m + config.cols - 2)
    assert folds * m <= report.array_cycles <= bound
    if not double:
        assert report.array_cycles == bound
    for unit, busy in report.busy.items():
        assert 0 <= busy <= report.cycles, unit
    assert report.busy["array"] >= folds * m


# --- random programs -------------------------------------------------------------------------


def _runnable(body: list[Instruction], tokens: bool = False) -> list[Instruction]:
    """`body` made functionally legal, with its tokens or without.

    Every accumulator row is written first (then a fence), and a matmul whose
    type differs from the loaded weights gets a one-element `loadw` of its type
    before it.
    """
    program: list[Instruction] = [
        Load(Memory.ACC, 0, 0, 16, TINY.accumulator_rows, 4, DType.I32),
        Fence(),
    ]
    weights: DType | None = None
    for ins in body:
        if isinstance(ins, Halt):
            continue
        if hasattr(ins, "deps") and not tokens:
            ins = replace(ins, deps=NO_DEPS)
        if isinstance(ins, Matmul) and ins.dtype is not weights:
            program.append(LoadWeights(0, 1, 1, ins.dtype))
        if isinstance(ins, LoadWeights | Matmul):
            weights = ins.dtype
        program.append(ins)
    return program


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=programs(TINY, max_size=12, halt=True))
def test_fences_everywhere_make_the_schedule_serial(body: list[Instruction]) -> None:
    program: list[Instruction] = []
    for ins in _runnable(body):
        program += [ins, Fence()]
    program.append(Halt())
    report = simulate(program, TINY).report
    total = 0
    for ins, (start, end) in zip(program, report.schedule, strict=True):
        assert start == total
        total += _doc_duration(ins, TINY)
        assert end == total
    assert report.cycles == total


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=programs(TINY, max_size=10, halt=True))
def test_every_schedule_the_simulator_accepts_follows_the_rules(body: list[Instruction]) -> None:
    """Random tokens mostly deadlock or leave hazards; about one program in five runs."""
    program = [*_runnable(body, tokens=True), Halt()]
    try:
        report = simulate(program, TINY).report
    except SimulationError as error:
        assert "deadlock" in error.reason or "must order them" in error.reason
        return
    check_schedule(program, TINY, report.schedule)


# --- the trace -----------------------------------------------------------------------------


def test_trace_has_one_track_per_unit_and_one_event_per_instruction() -> None:
    config = MxuConfig(rows=4, cols=4)
    program = pipelined_gemm(9, 10, 11, config)
    result = simulate(program, config, trace=True)
    events = result.trace_events
    assert events is not None
    document = json.loads(trace_json(events, config))
    assert document["traceEvents"] == events and "displayTimeUnit" in document
    names = {
        e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"
    }
    assert sorted(names.values()) == sorted(["load", "weights", "array", "activation", "store"])
    complete = [e for e in events if e["ph"] == "X"]
    units = {"load": Load, "store": Store, "weights": LoadWeights, "array": Matmul | MatmulOS}
    assert len(complete) == sum(not isinstance(i, Fence | Halt) for i in program)
    for event in complete:
        for key in ("name", "ts", "dur", "pid", "tid"):
            assert key in event
        ins = program[event["args"]["index"]]
        assert event["name"] == ins.MNEMONIC
        assert isinstance(ins, units[names[event["tid"]]])
        start, end = result.report.schedule[event["args"]["index"]]
        assert event["ts"] == start
        assert event["dur"] == (ins.rows if isinstance(ins, Matmul) else end - start)
    # Events of one track never overlap (the format nests them otherwise).
    for tid in names:
        spans = sorted((e["ts"], e["ts"] + e["dur"]) for e in complete if e["tid"] == tid)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end
    assert chrome_trace(events)["otherData"]["time_unit"] == "1 us = 1 cycle"


def test_a_matmul_os_event_covers_its_whole_duration() -> None:
    config = MxuConfig(rows=4, cols=4)
    program = [
        *os_gemm_program(6, 5, 7, config).program[:-1],
        LoadWeights(0, 4, 4, DType.I8),
        Matmul(0, 3, 100, DType.I8),
        MatmulOS(0, 0, 3, 4, 4, 100, DType.I8, accumulate=True),
        Halt(),
    ]
    result = simulate(program, config, trace=True)
    assert result.trace_events is not None
    array = [e for e in result.trace_events if e["ph"] == "X" and e["cat"] == "array"]
    assert [e["name"] for e in array] == ["matmul_os"] * 4 + ["matmul", "matmul_os"]
    for event in array:
        start, end = result.report.schedule[event["args"]["index"]]
        if event["name"] == "matmul_os":
            assert event["dur"] == end - start == event["args"]["depth"] + 4 + 4 - 2
        else:
            assert event["dur"] == 3
    spans = sorted((e["ts"], e["ts"] + e["dur"]) for e in array)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end
    load = next(e for e in result.trace_events if e["name"] == "load")
    assert load["args"]["transpose"] is True
