"""Progress on stderr for long work, shown only to a person watching a terminal.

Output that is piped or redirected stays exactly as it was (nothing is written when
stderr is not a terminal), and `--quiet` silences it too, so scripts and tests that
read stdout or stderr never see it. The display is transient: it is erased when the
work ends, leaving the terminal as a non-interactive run would.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SLOW_S = 0.5
"""A step shows its status only once it has taken this long: fast steps stay silent."""


def enabled(quiet: bool) -> bool:
    """Whether to show progress: stderr is a terminal and --quiet was not given."""
    return not quiet and sys.stderr.isatty()


@contextmanager
def status(message: str, quiet: bool, delay: float = SLOW_S) -> Iterator[None]:
    """A spinner with `message` while the body runs, if it runs longer than `delay`."""
    if not enabled(quiet):
        yield
        return
    from rich.console import Console
    from rich.status import Status

    spinner = Status(message, console=Console(stderr=True))
    lock = threading.Lock()
    state = {"done": False, "shown": False}

    def show() -> None:
        with lock:
            if not state["done"]:
                spinner.start()
                state["shown"] = True

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["shown"]:
                spinner.stop()


@contextmanager
def steps(description: str, total: int, quiet: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar over `total` steps; the body calls `advance(label)` after each."""
    if not enabled(quiet) or total <= 1:
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task(description, total=total, label="")
    with progress:
        yield lambda label: progress.update(task, advance=1, label=label)


__all__ = ["enabled", "status", "steps"]
