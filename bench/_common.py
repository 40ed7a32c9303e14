"""Helpers shared by the benchmarks: corpus location, timing a subprocess with its peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "bench"
PYTHON = sys.executable


@dataclass
class Measurement:
    seconds: float
    cpu_seconds: float  # user + system of the child and its waited-for workers: not inflated by other load
    peak_mb: float
    returncode: int


def measure(cmd: list[str], stdin_path: Path | None = None, stdout_path: Path | None = None) -> Measurement:
    """Run `cmd` to completion; return wall time, CPU time and the child's own peak RSS (via wait4)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    finally:
        if stdin_path:
            stdin.close()
        if stdout_path:
            stdout.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        print(proc.stderr.read().decode(errors="replace")[-2000:], file=sys.stderr)
    return Measurement(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def corpus_files(pattern: str = "**/*.txt") -> list[Path]:
    """The shared benchmark corpus files, sorted; exits with a message when ../shared is absent."""
    if not CORPUS.is_dir():
        sys.exit(f"benchmark corpus not found at {CORPUS}")
    return sorted(CORPUS.glob(pattern))
