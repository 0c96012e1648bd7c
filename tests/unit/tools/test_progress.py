"""Long work shows progress on a terminal's stderr, and nowhere else.

`ziggurat-run --repeat N` and `make demo` (examples/demo.py) draw a progress bar,
and a slow compile step a status line, only when stderr is a terminal: piped output
is what it always was, and `--quiet` silences the terminal too.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from paths import MODELS, ROOT

RUN = [sys.executable, "-m", "ziggurat.tools.run", str(MODELS / "mlp.mlir"), "--target", "ref"]
BAR = "running @mlp on ref"


def _env() -> dict[str, str]:
    env = dict(os.environ, COLUMNS="120", TERM="xterm")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _stderr_on_a_terminal(command: list[str]) -> str:
    """What `command` writes to stderr when stderr is a pseudo-terminal."""
    main, secondary = pty.openpty()
    done = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=secondary, env=_env()
    )
    os.close(secondary)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert done.wait(timeout=600) == 0
    return b"".join(chunks).decode(errors="replace")


def test_repeat_shows_progress_on_a_terminal() -> None:
    shown = _stderr_on_a_terminal([*RUN, "--repeat", "300"])
    assert BAR in shown
    assert "of 300" in shown


def test_quiet_silences_the_terminal() -> None:
    assert _stderr_on_a_terminal([*RUN, "--repeat", "300", "--quiet"]) == ""


def test_piped_stderr_gets_no_progress() -> None:
    done = subprocess.run(
        [*RUN, "--repeat", "300"], capture_output=True, text=True, env=_env(), check=True
    )
    assert done.stderr == ""
    assert "@mlp on ref: 1 result" in done.stdout


# The demo on the ref target only: every model, the same bar (all targets take minutes).
DEMO = [
    sys.executable,
    "-c",
    "import sys; from importlib.util import module_from_spec, spec_from_file_location; "
    f"spec = spec_from_file_location('demo', {str(ROOT / 'examples' / 'demo.py')!r}); "
    "demo = module_from_spec(spec); spec.loader.exec_module(demo); "
    "demo.TARGETS = ('ref',); sys.exit(demo.main(sys.argv[1:]))",
]


def test_demo_shows_progress_on_a_terminal_only() -> None:
    models = len(list(MODELS.glob("*.mlir")))
    assert f"/{models}" in _stderr_on_a_terminal(DEMO)
    assert _stderr_on_a_terminal([*DEMO, "--quiet"]) == ""
    piped = subprocess.run(DEMO, capture_output=True, text=True, env=_env(), check=True)
    assert piped.stderr == ""
    assert piped.stdout.splitlines()[0].startswith("model ")
