"""Shared fixtures: the bundled demo corpus, a fresh database path, the ../shared folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.demo import CORPUS_DIR

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def demo_corpus() -> Path:
    """The bundled demo corpus folder (what ``newsdesk demo`` ingests)."""
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"demo corpus missing at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A path for a fresh database file that does not exist yet."""
    return tmp_path / "newsdesk.db"


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder (seeds, gold, eval data); skips the test when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared not present")
    return SHARED_DIR
