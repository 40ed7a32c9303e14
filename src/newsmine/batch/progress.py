"""Progress of a run on stderr: a rich bar on a terminal, a plain periodic line otherwise, or nothing."""

from __future__ import annotations

import time
from typing import Protocol

from newsmine.console import err_console, stderr_is_terminal


class Progress(Protocol):
    def start(self, files: int, total_bytes: int) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def stop(self) -> None: ...


class NoProgress:
    """--quiet: say nothing."""

    def start(self, files: int, total_bytes: int) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass

    def stop(self) -> None:
        pass


class BarProgress:
    """A rich progress bar: files done of total, MB/s and time left (by bytes)."""

    def start(self, files: int, total_bytes: int) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        self.files, self.done = files, 0
        self.bar = Progress(
            TextColumn("[bold]newsmine run[/]"),
            BarColumn(),
            TextColumn("{task.fields[done]:,}/{task.fields[files]:,} files"),
            TransferSpeedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console(),
            transient=True,
        )
        self.task = self.bar.add_task("run", total=max(total_bytes, 1), done=0, files=files)
        self.bar.start()

    def advance(self, nbytes: int) -> None:
        self.done += 1
        self.bar.update(self.task, advance=nbytes, done=self.done)

    def stop(self) -> None:
        self.bar.stop()


class LineProgress:
    """One plain line every `interval` seconds (for logs, cron jobs and cluster batch systems)."""

    def __init__(self, interval: float):
        self.interval = interval

    def start(self, files: int, total_bytes: int) -> None:
        self.files, self.total_bytes = files, total_bytes
        self.done = self.nbytes = 0
        self.started = self.last = time.monotonic()

    def advance(self, nbytes: int) -> None:
        self.done += 1
        self.nbytes += nbytes
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            err_console().print(self.line(now - self.started), markup=False, highlight=False)

    def line(self, elapsed: float) -> str:
        rate = self.nbytes / elapsed if elapsed > 0 else 0.0
        eta = (self.total_bytes - self.nbytes) / rate if rate > 0 else None
        percent = 100 * self.done / self.files if self.files else 100.0
        return (
            f"newsmine run: {self.done:,}/{self.files:,} inputs ({percent:.0f}%), "
            f"{format_mb(self.nbytes)}, {rate / 1e6:.2f} MB/s, ETA {format_seconds(eta)}"
        )

    def stop(self) -> None:
        pass


def format_mb(nbytes: int) -> str:
    """Bytes as megabytes, with two decimals below 10 MB."""
    megabytes = nbytes / 1e6
    return f"{megabytes:,.2f} MB" if megabytes < 10 else f"{megabytes:,.1f} MB"


def format_seconds(seconds: float | None) -> str:
    """12.3 -> "12.3 s", 83 -> "1m 23s", 4000 -> "1h 06m"; None -> "?"."""
    if seconds is None:
        return "?"
    if seconds < 60:
        return f"{seconds:.1f} s"
    seconds = round(seconds)
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def choose_progress(quiet: bool, interval: float) -> Progress:
    """Nothing when quiet, a bar when stderr is a terminal, else a line every `interval` seconds."""
    if quiet:
        return NoProgress()
    if stderr_is_terminal():
        return BarProgress()
    return LineProgress(interval)
