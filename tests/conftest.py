"""Shared fixtures: the bundled sample, the optional ../shared/ data, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE_PAGE = SAMPLES / "pinghu-front-page.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"
# Developer and CI machines have the shared evaluation data beside the repository; users do not.
SHARED = ROOT.parent / "shared"


@pytest.fixture
def sample_page() -> Path:
    return SAMPLE_PAGE


@pytest.fixture
def shared_dir() -> Path:
    """../shared/, or skip the test when it is absent (a user's checkout)."""
    if not SHARED.is_dir():
        pytest.skip("../shared/ is not present")
    return SHARED


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
