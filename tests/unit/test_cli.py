"""python -m dashboard import / kpis / demo: the JSON contract of DESIGN.md section 7."""

import json
import subprocess
import sys

from dashboard.cli import main
from tests.conftest import ROOT, sample

DAILY = "platform,account,date,followers,impressions,reach,likes\nx,a,2026-03-01,100,1000,500,20\nx,a,2026-03-02,110,1500,700,40\n"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_json_gives_one_line_per_file_and_exit_1_on_failure(tmp_path, capsys):
    good = tmp_path / "daily.csv"
    good.write_text(DAILY, encoding="utf-8")
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    code, out, _ = run(capsys, "import", str(good), str(bad), "--db", str(tmp_path / "c.duckdb"), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert lines[0] == {"file": "daily.csv", "status": "imported", "platform": "custom", "kind": "template_account_daily",
                        "account": "a", "rows_read": 2, "rows_inserted": 2, "rows_updated": 0, "rows_skipped": 0,
                        "warnings": [], "error": None}
    assert (lines[1]["status"], lines[1]["error"]) == ("failed", "empty.csv: the file is empty")
    code, out, _ = run(capsys, "import", str(good), "--db", str(tmp_path / "c.duckdb"), "--json")
    assert code == 0 and json.loads(out)["status"] == "duplicate"


def test_import_real_sample_json(tmp_path, capsys):
    path = sample("twitter/tweet_activity_metrics_rOpenSci_20190501_20190601_en.csv")
    code, out, _ = run(capsys, "import", str(path), "--db", str(tmp_path / "c.duckdb"), "--json")
    line = json.loads(out)
    assert code == 0
    assert (line["platform"], line["kind"], line["account"], line["rows_inserted"]) == ("x", "tweet_activity", "rOpenSci", 29)


def test_kpis_json_matches_the_hand_computed_values(tmp_path, capsys):
    db = str(tmp_path / "k.duckdb")
    path = tmp_path / "daily.csv"
    path.write_text(DAILY, encoding="utf-8")
    run(capsys, "import", str(path), "--db", db)
    code, out, _ = run(capsys, "kpis", "--start", "2026-03-02", "--end", "2026-03-02", "--db", db, "--json")
    payload = json.loads(out)
    assert code == 0
    assert (payload["start"], payload["end"], payload["previous_start"], payload["previous_end"]) == (
        "2026-03-02", "2026-03-02", "2026-02-23", "2026-02-23")  # a Monday: the Monday before
    assert payload["kpis"]["impressions"] == 1500
    assert payload["kpis"]["engagement_rate"] == 40 / 700
    assert payload["kpis"]["followers_end"] == 110 and payload["kpis"]["followers_start"] == 100
    assert payload["kpis"]["follower_growth_rate"] == 0.1
    assert payload["previous"]["impressions"] is None


def test_kpis_refuses_a_backwards_period(tmp_path, capsys):
    code, _, err = run(capsys, "kpis", "--start", "2026-03-05", "--end", "2026-03-01", "--db", str(tmp_path / "k.duckdb"))
    assert code == 2 and "invalid period" in err


def test_module_entry_point_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "dashboard", "kpis", "--start", "2026-01-01", "--end", "2026-01-07",
                             "--db", str(tmp_path / "m.duckdb"), "--json"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kpis"]["impressions"] is None
