"""python -m dashboard lifecycle --period week|month [--start] [--end] --json: the flows per period and
the stage snapshot, the same numbers the engine gives (hand-checked in test_lifecycle.py)."""

import json
import subprocess
import sys

from dashboard.cli import main
from dashboard.settings import set_setting
from dashboard.store.db import open_store
from tests.conftest import ROOT

EVENTS = """event_key,user_id,occurred_at,event_type,channel,revenue
e1,A,2026-03-02T10:00:00+00:00,signup,douyin,
e2,A,2026-03-10T10:00:00+00:00,purchase,douyin,99
e3,B,2026-03-03T10:00:00+00:00,signup,wechat,
e4,C,2026-02-20T10:00:00+00:00,signup,organic,
e5,C,2026-03-12T10:00:00+00:00,like,organic,
"""


def utc_store(path) -> str:
    """A store whose days are UTC days, whatever the machine's zone."""
    set_setting(open_store(str(path)), "timezone", "UTC")
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_lifecycle_json_gives_the_flows_and_the_stages(tmp_path, capsys):
    db = utc_store(tmp_path / "l.duckdb")
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    assert run(capsys, "import", str(path), "--db", db)[0] == 0
    code, out, _ = run(capsys, "lifecycle", "--period", "week", "--start", "2026-03-02", "--end", "2026-03-15",
                       "--db", db, "--json")
    payload = json.loads(out)
    assert code == 0
    assert (payload["period"], payload["start"], payload["end"]) == ("week", "2026-03-02", "2026-03-15")
    # week of Mar 2: A, B new; week of Mar 9: A retained, C resurrected (last seen Feb 20), B dormant
    assert payload["flows"] == [
        {"period_start": "2026-03-02", "new": 2, "retained": 0, "resurrected": 0, "dormant": 0, "churned": 0,
         "active": 2, "complete": True},
        {"period_start": "2026-03-09", "new": 0, "retained": 1, "resurrected": 1, "dormant": -1, "churned": 0,
         "active": 2, "complete": True},
    ]
    # on Mar 15: A active (5 days), B silent (12 days), C active (3 days); nobody new within 7 days
    assert payload["stages"] == {"as_of": "2026-03-15", "total": 3, "new": {"users": 0, "share": 0.0},
                                 "active": {"users": 2, "share": 2 / 3}, "silent": {"users": 1, "share": 1 / 3},
                                 "churned": {"users": 0, "share": 0.0}}
    assert payload["thresholds"]["churn_days"] == 30 and payload["thresholds"]["conversion_events"] == ["purchase"]


def test_lifecycle_defaults_to_the_span_of_the_events_and_months(tmp_path, capsys):
    db = utc_store(tmp_path / "l.duckdb")
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    run(capsys, "import", str(path), "--db", db)
    code, out, _ = run(capsys, "lifecycle", "--period", "month", "--db", db, "--json")
    payload = json.loads(out)
    assert (code, payload["start"], payload["end"]) == (0, "2026-02-20", "2026-03-12")
    assert [(f["period_start"], f["new"], f["retained"], f["active"], f["complete"]) for f in payload["flows"]] == [
        ("2026-02-01", 1, 0, 1, True), ("2026-03-01", 2, 1, 3, False)]


def test_lifecycle_on_an_empty_store_and_a_bad_period(tmp_path, capsys):
    db = utc_store(tmp_path / "e.duckdb")
    code, out, _ = run(capsys, "lifecycle", "--period", "week", "--start", "2026-03-02", "--end", "2026-03-08",
                       "--db", db, "--json")
    payload = json.loads(out)
    assert code == 0 and payload["flows"][0]["active"] == 0 and payload["stages"]["total"] == 0
    code, _, err = run(capsys, "lifecycle", "--start", "2026-03-09", "--end", "2026-03-01", "--db", db)
    assert code == 2 and "invalid period" in err


def test_module_entry_point_prints_the_lifecycle(tmp_path):
    result = subprocess.run([sys.executable, "-m", "dashboard", "lifecycle", "--period", "week", "--start",
                             "2026-01-05", "--end", "2026-01-11", "--db", str(tmp_path / "m.duckdb"), "--json"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["flows"][0]["period_start"] == "2026-01-05"


def test_import_can_pseudonymise(tmp_path, capsys):
    db = utc_store(tmp_path / "p.duckdb")
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    assert run(capsys, "import", str(path), "--db", db, "--pseudonymise")[0] == 0
    code, out, _ = run(capsys, "lifecycle", "--period", "month", "--db", db, "--json")
    assert json.loads(out)["stages"]["total"] == 3
    ids = {r[0] for r in open_store(db).rows("SELECT user_id FROM events")}
    assert len(ids) == 3 and not ids & {"A", "B", "C"} and all(len(i) == 20 for i in ids)
