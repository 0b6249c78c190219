"""The demo workspace: generated export files imported through the real importer, removable at once."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from dashboard.demo_files import generate_demo_files
from dashboard.ingest.pipeline import FileResult, import_paths
from dashboard.settings import get_setting, set_setting, workspace_tz
from dashboard.store.db import Store

DEMO_ACCOUNT = "Lumi Tea"


def store_is_empty(store: Store) -> bool:
    return not store.scalar("SELECT count(*) FROM imports WHERE status = 'imported'")


def load_demo(store: Store, end: date | None = None) -> list[FileResult]:
    """Generate the demo exports (fixed seed) ending yesterday and import every one of them."""
    end = end or (datetime.now(workspace_tz(store)).date() - timedelta(days=1))
    with tempfile.TemporaryDirectory(prefix="dashboard-demo-") as folder:
        paths = generate_demo_files(Path(folder), end=end)
        results = import_paths(store, paths, account=DEMO_ACCOUNT, today=end + timedelta(days=1))
    ids = [r.import_id for r in results if r.status == "imported" and r.import_id]
    set_setting(store, "demo", {"import_ids": [*demo_import_ids(store), *ids], "end": end.isoformat()})
    return results


def demo_import_ids(store: Store) -> list[str]:
    value = get_setting(store, "demo")
    return list(value.get("import_ids", [])) if isinstance(value, dict) else []


def is_demo(store: Store) -> bool:
    return bool(demo_import_ids(store))


def remove_demo(store: Store) -> None:
    """Take every demo import out (data and history) and remember not to load it again."""
    from dashboard.ingest import load

    ids = demo_import_ids(store)
    with store.write() as cur:
        for import_id in ids:
            load.undo(cur, import_id)
            cur.run("DELETE FROM imports WHERE import_id = ?", [import_id])
    set_setting(store, "demo", {"import_ids": [], "dismissed": True})


def demo_dismissed(store: Store) -> bool:
    value = get_setting(store, "demo")
    return isinstance(value, dict) and bool(value.get("dismissed"))
