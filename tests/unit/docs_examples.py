"""The shell examples of README.md and docs/: found, run, and compared with what they show.

A doc shows a command the way a terminal does, and the test reads it the same way:

* A fenced block tagged `console`, `sh`, `shell` or `bash` (or an untagged one whose
  first line starts with `$ `) is an example. Where its lines start with `$ `, each of
  those is a command (a line ending in `\\` continues it) and the lines up to the next
  `$ ` are the output the command prints, stdout and stderr together, as on a terminal.
  A block with no `$ ` is a list of commands whose output is not shown.
* A command with output shown must print exactly that; one with none shown must exit
  with status 0 (its output, if any, is not compared).
* A line starting with `...` (alone, or with a note: `... (17 more lines)`) in shown
  output stands for any number of lines: for output that
  legitimately varies or is too long to show. Durations (`34.481 ms`, `2.1 s`) and the
  example's working directory are normalised before comparing, so timings may differ.
* `$ cat FILE` with output shown, where FILE does not exist yet, creates FILE with that
  content: that is how a doc introduces the input of the next commands.
* `<!-- doc-test: file NAME -->` just before any other block (an `mlir` program, a `c`
  file) writes that block to NAME before the doc's next shell example runs: that is
  how a doc shows a whole input file and then the command that reads it.
* An HTML comment just before a block, `<!-- doc-test: skip (REASON) -->`, skips the
  block, printing REASON (for the set-up, the whole test suite, the benchmarks: minutes
  of work, run by `make` itself). `<!-- doc-test: requires TOOL -->` (`cuda-gpu`,
  `mlir-opt`, `nvcc`, ...) skips it where TOOL is missing; a command whose program is
  not installed is skipped, saying so, without a marker.

The blocks of one doc run in order in one scratch copy of the repository's files, so a
file one block writes (`-o k.mlir`) is there for the next.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SHELL_LANGS = frozenset({"console", "sh", "shell", "bash"})
MARKER = re.compile(r"<!--\s*doc-test:\s*(?P<kind>skip|requires|file)\b\s*(?P<arg>.*?)\s*-->")
DURATION = re.compile(r"\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\s?(?:ns|us|µs|ms|s)\b")
ELLIPSIS = "..."
MLIR_OPT_DIR = "/usr/lib/llvm-22/bin"
BLOCK_TIMEOUT_S = 600

# Programs that are not files on PATH but that a shell understands.
_BUILTINS = frozenset(
    {"cd", "export", "echo", "printf", "test", "[", "true", "false", "set", "source", "."}
)


@dataclass
class Command:
    """One `$ ` command of a block, with the output the doc shows (None: not shown)."""

    line: int
    text: str
    shown: list[str] | None


@dataclass
class Block:
    """A shell example: where it is, its commands, and its marker, if any."""

    doc: str
    line: int
    commands: list[Command]
    skip: str | None = None
    requires: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    """Files the doc shows before this block (`doc-test: file`), written before it runs."""

    @property
    def name(self) -> str:
        return f"{self.doc}:{self.line}"


def doc_files(root: Path) -> list[Path]:
    """README.md and every Markdown file under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def _unclosed(text: str) -> bool:
    """Whether a command line leaves a quotation open (it goes on on the next line)."""
    try:
        shlex.split(text, comments=True)
    except ValueError:
        return True
    return False


def _commands(body: list[str], first_line: int) -> list[Command]:
    console = any(line.startswith("$ ") or line == "$" for line in body)
    commands: list[Command] = []
    i = 0
    while i < len(body):
        line = body[i]
        number = first_line + i
        if console and not line.startswith("$"):
            # Text before the first command is not output of anything.
            i += 1
            continue
        text = line[2:] if console else line
        while (text.endswith("\\") or _unclosed(text)) and i + 1 < len(body):
            i += 1
            text = text + "\n" + body[i]
        i += 1
        if not console:
            if text.strip() and not text.lstrip().startswith("#"):
                commands.append(Command(number, text, None))
            continue
        output: list[str] = []
        while i < len(body) and not body[i].startswith("$"):
            output.append(body[i])
            i += 1
        while output and not output[-1].strip():
            output.pop()
        commands.append(Command(number, text, output or None))
    return commands


def extract(path: Path, root: Path) -> list[Block]:
    """The shell examples of one Markdown file, in order."""
    doc = path.relative_to(root).as_posix()
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    files: dict[str, str] = {}
    i = 0
    while i < len(lines):
        fence = re.match(r"^(\s*)(```+)\s*(\S*)", lines[i])
        if fence is None:
            i += 1
            continue
        indent, ticks, lang = fence.group(1), fence.group(2), fence.group(3)
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(ticks):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        markers = _markers(lines, start)
        is_shell = lang in SHELL_LANGS or (lang == "" and body and body[0].startswith("$ "))
        if not is_shell:
            for kind, arg in markers:
                if kind == "file":
                    files[arg] = "\n".join(body) + "\n"
            continue
        block = Block(doc, start + 1, _commands(body, start + 2), files=files)
        files = {}
        for kind, arg in markers:
            if kind == "skip":
                block.skip = arg.strip("() ") or "marked skip"
            elif kind == "requires":
                block.requires.append(arg)
        if block.commands:
            blocks.append(block)
    return blocks


def _markers(lines: list[str], fence: int) -> list[tuple[str, str]]:
    """The `doc-test:` comments on the lines just above a fence (blank lines between)."""
    found: list[tuple[str, str]] = []
    above = fence - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    while above >= 0 and (marker := MARKER.search(lines[above])):
        found.append((marker["kind"], marker["arg"]))
        above -= 1
    return found


def normalise(lines: list[str], workdir: Path) -> list[str]:
    """Output as compared: the working directory dropped, durations as `<time>`."""
    out = []
    for line in lines:
        line = line.replace(f"{workdir}/", "").replace(str(workdir), ".")
        out.append(DURATION.sub("<time>", line.rstrip()))
    return out


def matches(shown: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `shown`, a line `...` in `shown` standing for any lines."""
    if not shown:
        return not actual
    head, rest = shown[0], shown[1:]
    if head.strip().startswith(ELLIPSIS):
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0] == head and matches(rest, actual[1:])


def environment() -> dict[str, str]:
    """The project's tools first on PATH (and mlir-opt where installed), this tree first."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    path = [str(Path(sys.executable).parent), env.get("PATH", "")]
    if Path(MLIR_OPT_DIR, "mlir-opt").exists():
        path.append(MLIR_OPT_DIR)
    env["PATH"] = os.pathsep.join(path)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.pop("COLUMNS", None)
    return env


def programs(command: str) -> list[str]:
    """The programs a command line runs (the first word of each piece of a pipeline)."""
    command = command.replace("\\\n", " ")
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:
        return []
    found: list[str] = []
    expect = True
    for word in words:
        if word in ("|", "||", "&&", ";", "(", ")", "&"):
            expect = True
        elif word.startswith("#"):
            break
        elif expect and not re.match(r"^\w+=", word) and word not in ("<", ">", ">>"):
            found.append(word)
            expect = False
    return found


def missing_program(command: str, env: dict[str, str]) -> str | None:
    """The first program of `command` that is not installed, or None."""
    for program in programs(command):
        if program in _BUILTINS or "/" in program or program.startswith("$"):
            continue
        if shutil.which(program, path=env["PATH"]) is None:
            return program
    return None


def copy_tree(root: Path, into: Path) -> None:
    """The repository's tracked files (the package runs from `root`, on PYTHONPATH)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = root / name
        if not source.is_file():
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


@dataclass
class Failure:
    """One command whose output or status is not what its doc shows."""

    command: Command
    expected: list[str] | None
    actual: list[str]
    status: int

    def render(self, doc: str) -> str:
        head = f"{doc}:{self.command.line}: $ {self.command.text}"
        if self.expected is None:
            body = "\n".join(self.actual[-20:])
            return f"{head}\n  exited with status {self.status}:\n{body}"
        import difflib

        diff = difflib.unified_diff(self.expected, self.actual, "shown", "printed", lineterm="")
        return f"{head}\n" + "\n".join(diff)


def changes_environment(command: str) -> bool:
    """Whether a command installs packages or rebuilds the environment (never run here)."""
    words = programs(command)
    return any(w in ("pip", "pip3") for w in words) or bool(
        re.search(r"-m pip\b|\bmake setup\b", command)
    )


def run_block(block: Block, workdir: Path, env: dict[str, str]) -> list[Failure]:
    """Run a block's commands in one shell in `workdir`; the commands that differ."""
    for command in block.commands:
        if changes_environment(command.text):
            raise ValueError(f"{block.doc}:{command.line} installs into the environment")
    state = workdir / ".doc-test"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir()
    for name, text in block.files.items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(text, encoding="utf-8")
    script = ["set +e"]
    for k, command in enumerate(block.commands):
        cat = re.fullmatch(r"cat (\S+)", command.text.strip())
        if cat and command.shown is not None and not (workdir / cat[1]).exists():
            (workdir / cat[1]).write_text("\n".join(command.shown) + "\n", encoding="utf-8")
        script.append(f"{{\n{command.text}\n}} < /dev/null > {state}/out{k} 2>&1")
        script.append(f"echo $? > {state}/rc{k}")
    subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=workdir,
        env=env,
        timeout=BLOCK_TIMEOUT_S,
        check=False,
    )
    failures: list[Failure] = []
    for k, command in enumerate(block.commands):
        out = (state / f"out{k}").read_text(encoding="utf-8", errors="replace").split("\n")
        while out and not out[-1].strip():
            out.pop()
        rc = state / f"rc{k}"
        status = int(rc.read_text().strip() or 1) if rc.exists() else 1
        actual = normalise(out, workdir)
        if command.shown is None:
            if status != 0:
                failures.append(Failure(command, None, actual, status))
        elif not matches(shown := normalise(command.shown, workdir), actual):
            failures.append(Failure(command, shown, actual, status))
    return failures
