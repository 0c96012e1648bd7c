"""`ziggurat-sim`: what a user sees on the terminal and in the files it writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_mxu_simulator import gemm_program, os_gemm_program

from ziggurat.hardware.mxu.config import MxuConfig
from ziggurat.hardware.mxu.isa import (
    Deps,
    DType,
    Halt,
    Instruction,
    Load,
    LoadWeights,
    Matmul,
    Memory,
    Store,
)
from ziggurat.targets.mxu.assembly import format_assembly
from ziggurat.targets.mxu.encoding import encode
from ziggurat.tools.sim import main

HAND = {
    "rows": 4,
    "cols": 4,
    "scratchpad_kib": 4,
    "accumulator_kib": 4,
    "dram_mib": 1,
    "dma_bytes_per_cycle": 4,
    "dma_latency": 10,
    "activation_latency": 2,
}
"""The machine of test_mxu_timing.py, as a config file would give it."""

CHAIN: list[Instruction] = [
    Load(Memory.SPAD, 8, 16, 4, 4, 4, DType.I8, deps=Deps(push_next=True)),
    Load(Memory.SPAD, 0, 0, 4, 4, 4, DType.I8, deps=Deps(push_next=True)),
    LoadWeights(8, 4, 4, DType.I8, deps=Deps(pop_prev=True)),
    Matmul(0, 4, 0, DType.I8, deps=Deps(pop_prev=True, push_next=True)),
    Store(Memory.ACC, 0, 32, 16, 4, 4, DType.I32, deps=Deps(pop_prev=True)),
    Halt(),
]
"""C (at byte 32) = A (byte 0) @ B (byte 16), 4 x 4 int8: 64 cycles on HAND.

load B [0, 14), load A [14, 28), loadw [14, 18), matmul [28, 38), store [38, 64).
"""


def sim(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def hand_config(tmp_path: Path) -> str:
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(HAND))
    return str(path)


@pytest.fixture
def chain(tmp_path: Path) -> str:
    path = tmp_path / "chain.s"
    path.write_text(format_assembly(CHAIN))
    return str(path)


def test_prints_a_statistics_table(
    capsys: pytest.CaptureFixture[str], chain: str, hand_config: str
) -> None:
    status, out, err = sim(capsys, chain, "--config", hand_config)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{chain}: 6 instructions on a 4 x 4 array"
    table = {line.split("  ")[0].strip(): line for line in lines if line.strip()}
    assert table["cycles"].split()[-1] == "64"
    assert "14" in table["array cycles"].split()
    assert table["MACs"].split()[-1] == "64"
    # 64 MACs in 64 cycles of a 16-MAC array.
    assert "6.2 %" in table["utilisation"]
    assert table["store"].split()[1:] == ["26", f"{100 * 26 / 64:.1f}", "%"]
    assert table["token"].split()[-1] == str(14 + 14 + 38)


def test_json_output(capsys: pytest.CaptureFixture[str], chain: str, hand_config: str) -> None:
    status, out, _ = sim(capsys, chain, "--config", hand_config, "--json")
    assert status == 0
    data = json.loads(out)
    assert data["cycles"] == 64 and data["array_cycles"] == 14
    assert data["busy"] == {"load": 28, "weights": 4, "array": 10, "activation": 0, "store": 26}
    assert data["stalls"] == {"token": 66, "unit": 14, "scoreboard": 0, "fence": 0}
    assert data["config"]["rows"] == 4 and data["instructions"] == 6
    assert data["dram_read_bytes"] == 32 and data["dram_written_bytes"] == 64


def test_a_binary_runs_like_its_assembly(
    capsys: pytest.CaptureFixture[str], chain: str, hand_config: str, tmp_path: Path
) -> None:
    binary = tmp_path / "chain.bin"
    binary.write_bytes(encode(CHAIN))
    _, from_text, _ = sim(capsys, chain, "--config", hand_config, "--json")
    status, from_binary, _ = sim(capsys, str(binary), "--config", hand_config, "--json")
    assert status == 0
    text, bin_ = json.loads(from_text), json.loads(from_binary)
    del text["program"], bin_["program"]
    assert text == bin_


def test_dram_in_and_out(
    capsys: pytest.CaptureFixture[str], chain: str, hand_config: str, tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    a = rng.integers(-128, 128, (4, 4), dtype=np.int8)
    b = rng.integers(-128, 128, (4, 4), dtype=np.int8)
    image = tmp_path / "in.bin"
    image.write_bytes(a.tobytes() + b.tobytes())  # 32 bytes: the store's target is beyond
    out = tmp_path / "out.bin"
    status, _, _ = sim(
        capsys, chain, "--config", hand_config, "--dram", str(image), "--dump-dram", str(out)
    )
    assert status == 0
    dram = np.frombuffer(out.read_bytes(), dtype=np.uint8)
    assert dram.size == 32 + 64
    assert dram[:32].tobytes() == a.tobytes() + b.tobytes()
    np.testing.assert_array_equal(
        dram[32:].view("<i4").reshape(4, 4), a.astype(np.int32) @ b.astype(np.int32)
    )


def test_a_gemm_on_a_preset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = MxuConfig.preset("tpu-v1")
    gemm = gemm_program(300, 260, 40, config)
    program = tmp_path / "gemm.s"
    program.write_text(format_assembly(gemm.program))
    rng = np.random.default_rng(0)
    a = rng.integers(-128, 128, (300, 260), dtype=np.int8)
    b = rng.integers(-128, 128, (260, 40), dtype=np.int8)
    image = tmp_path / "in.bin"
    image.write_bytes(gemm.dram(a, b).tobytes())
    out = tmp_path / "out.bin"
    status, text, _ = sim(
        capsys, str(program), "--preset", "tpu-v1", "--dram", str(image), "--dump-dram", str(out)
    )
    assert status == 0
    assert "on a 256 x 256 array" in text.splitlines()[0]
    dram = np.frombuffer(out.read_bytes(), dtype=np.uint8)
    np.testing.assert_array_equal(gemm.result(dram), a.astype(np.int32) @ b.astype(np.int32))


def test_an_output_stationary_gemm_from_a_binary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Transposed loads and matmul_os, from a binary: results and the closed form."""
    config = MxuConfig.preset("edge")
    m, k, n = 40, 50, 20
    gemm = os_gemm_program(m, k, n, config)
    program = tmp_path / "os.bin"
    program.write_bytes(encode(gemm.program))
    rng = np.random.default_rng(5)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-128, 128, (k, n), dtype=np.int8)
    image = tmp_path / "in.bin"
    image.write_bytes(gemm.dram(a, b).tobytes())
    out = tmp_path / "out.bin"
    status, text, err = sim(
        capsys, str(program), "--dram", str(image), "--dump-dram", str(out), "--json"
    )
    assert status == 0 and err == ""
    dram = np.frombuffer(out.read_bytes(), dtype=np.uint8)
    np.testing.assert_array_equal(gemm.result(dram), a.astype(np.int32) @ b.astype(np.int32))
    data = json.loads(text)
    # 3 x 2 output tiles of 16 x 16, each 16 + 16 + 50 - 2 cycles.
    assert data["array_cycles"] == 3 * 2 * (16 + 16 + 50 - 2)
    assert data["macs"] == m * k * n


def test_trace_file(
    capsys: pytest.CaptureFixture[str], chain: str, hand_config: str, tmp_path: Path
) -> None:
    trace = tmp_path / "trace.json"
    status, _, _ = sim(capsys, chain, "--config", hand_config, "--trace", str(trace))
    assert status == 0
    document = json.loads(trace.read_text())
    events = document["traceEvents"]
    tracks = {e["tid"]: e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    spans = {(tracks[e["tid"]], e["name"], e["ts"], e["dur"]) for e in events if e["ph"] == "X"}
    # The hand-worked schedule; the matmul's event is its 4-row stream into the array.
    assert spans == {
        ("load", "load", 0, 14),
        ("load", "load", 14, 14),
        ("weights", "loadw", 14, 4),
        ("array", "matmul", 28, 4),
        ("store", "store", 38, 26),
    }


# --- errors ------------------------------------------------------------------------------


def test_assembly_error_has_a_location_and_no_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    program = tmp_path / "bad.s"
    program.write_text("halt\nlaod row=0\n")
    status, _, err = sim(capsys, str(program))
    assert status == 1
    assert err.startswith(f"{program}:2:1: error: ")
    assert "Traceback" not in err


def test_unknown_opcode_in_a_binary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    program = tmp_path / "bad.bin"
    program.write_bytes(encode([Halt()]) + bytes([0x0F]) + bytes(15))
    status, _, err = sim(capsys, str(program))
    assert status == 1
    assert err.startswith(f"{program}") and "error:" in err and "instruction 1" in err
    assert "Traceback" not in err


def test_simulation_error_names_the_instruction(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    program = tmp_path / "nohalt.s"
    program.write_text(format_assembly([LoadWeights(0, 1, 1, DType.I8), Matmul(0, 1, 0, DType.I8)]))
    status, out, err = sim(capsys, str(program))
    assert status == 1 and out == ""
    assert err == "error: instruction 1 (matmul): the program ends without a 'halt'\n"


def test_missing_token_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    program = tmp_path / "race.s"
    racy = [Load(Memory.SPAD, 0, 0, 4, 4, 4, DType.I8), LoadWeights(0, 4, 4, DType.I8), Halt()]
    program.write_text(format_assembly(racy))
    status, _, err = sim(capsys, str(program))
    assert status == 1
    assert err.startswith("error: instruction 1 (loadw): reads scratchpad rows 0..3 before")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.s"], "error: could not open program 'missing.s': no such file"),
        (["PROGRAM", "--config", "nope.toml"], "error: cannot read config 'nope.toml'"),
        (["PROGRAM", "--preset", "tpu-v9"], "error: unknown preset 'tpu-v9'"),
        (["PROGRAM", "--dram", "nope.bin"], "error: could not open DRAM image 'nope.bin'"),
    ],
)
def test_file_and_option_errors(
    capsys: pytest.CaptureFixture[str], chain: str, args: list[str], message: str
) -> None:
    status, _, err = sim(capsys, *[chain if a == "PROGRAM" else a for a in args])
    assert status == 1
    assert err.startswith(message)
    assert "Traceback" not in err


def test_config_file_with_an_unknown_key(
    capsys: pytest.CaptureFixture[str], chain: str, tmp_path: Path
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('preset = "edge"\nwidth = 3\n')
    status, _, err = sim(capsys, chain, "--config", str(config))
    assert status == 1 and err == "error: unknown config key(s): width\n"


def test_dram_image_larger_than_the_dram(
    capsys: pytest.CaptureFixture[str], chain: str, hand_config: str, tmp_path: Path
) -> None:
    image = tmp_path / "big.bin"
    image.write_bytes(bytes(1024 * 1024 + 1))
    status, _, err = sim(capsys, chain, "--config", hand_config, "--dram", str(image))
    assert status == 1 and "larger than the machine's 1048576-byte DRAM" in err


def test_config_and_preset_exclude_each_other(
    capsys: pytest.CaptureFixture[str], chain: str, hand_config: str
) -> None:
    status, _, err = sim(capsys, chain, "--config", hand_config, "--preset", "edge")
    assert status == 2 and "not allowed with" in err


@pytest.mark.skipif(
    shutil.which("ziggurat-sim") is None
    and not Path(sys.executable).with_name("ziggurat-sim").exists(),
    reason="the ziggurat-sim script is not installed",
)
def test_the_installed_command(chain: str, hand_config: str) -> None:
    script = Path(sys.executable).with_name("ziggurat-sim")
    command = str(script) if script.exists() else "ziggurat-sim"
    done = subprocess.run(
        [command, chain, "--config", hand_config, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cycles"] == 64
