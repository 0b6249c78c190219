"""Shared fixtures: a fresh store per test, the real sample files, a fixed 'today'."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard.ingest.pipeline import FileResult, import_bytes
from dashboard.settings import set_setting
from dashboard.store.db import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
TODAY = date(2026, 11, 24)  # imports resolve yearless dates and 'future' checks against this


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store(tmp_path / "test.duckdb")
    set_setting(db, "timezone", "UTC")
    yield db
    db.close()


@pytest.fixture
def store_shanghai(tmp_path: Path) -> Store:
    db = Store(tmp_path / "sh.duckdb")
    set_setting(db, "timezone", "Asia/Shanghai")
    yield db
    db.close()


def sample(relative: str) -> Path:
    path = SAMPLES / relative
    assert path.exists(), f"missing sample {path}"
    return path


def import_one(store: Store, path_or_name: str | Path, data: bytes | None = None, **options) -> FileResult:
    """Import one file (path, or name + bytes) with TODAY fixed; asserts a single result."""
    if data is None:
        path = Path(path_or_name)
        name, data = path.name, path.read_bytes()
    else:
        name = str(path_or_name)
    results = import_bytes(store, name, data, today=options.pop("today", TODAY), **options)
    assert len(results) == 1, results
    return results[0]
