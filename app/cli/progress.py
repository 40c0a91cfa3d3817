"""Progress bars for long commands (import, export, statistics workbook, recompute, backup, restore).

A bar is drawn on standard error only when a person is watching: both standard output and standard
error are terminals, and the command was not asked for --json. In scripts, cron, pipes and tests
(CliRunner) nothing is written at all, so the output stays what the command prints.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: update(done, total=None, note="") — total None keeps the one known so far (None throughout: no end known)
Update = Callable[..., None]
NOTE_WIDTH = 24


def on_terminal() -> bool:
    return sys.stdout.isatty() and sys.stderr.isatty()


def _quiet(_done: int = 0, _total: int | None = None, _note: str = "") -> None:
    return None


@contextmanager
def progress_bar(label: str, *, quiet: bool = False, total: int | None = None) -> Iterator[Update]:
    if quiet or not on_terminal():
        yield _quiet
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=sys.stderr)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(label, total=total)

        def update(done: int, new_total: int | None = None, note: str = "") -> None:
            if len(note) > NOTE_WIDTH:  # a file name: its end says most
                note = "…" + note[-(NOTE_WIDTH - 1) :]
            changes: dict = {"completed": done, "description": f"{label}: {note}" if note else label}
            if new_total is not None:
                changes["total"] = max(new_total, done, 1)
            bar.update(task, **changes)

        yield update
        known = bar.tasks[0].total
        if known is not None:  # finished: show it full
            bar.update(task, completed=known)
