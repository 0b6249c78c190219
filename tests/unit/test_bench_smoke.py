"""The benchmark code at a tiny scale: the generator, the import benchmark, the pandas pages (which
must compute the product's own figures) and the report writer. A few seconds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bench import generate, pandas_pages, run
from dashboard.metrics.channels import channel_table
from dashboard.metrics.content import content_type_mix
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import kpi_comparison
from dashboard.metrics.lifecycle import params_from_settings, stage_snapshot
from dashboard.store.db import Store

END = generate.END
START = END - timedelta(days=6)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "tiny.duckdb"
    counts = generate.generate(path, 0.0005, log=lambda *_: None)
    store = Store(path)
    frames = pandas_pages.load(store.cursor().raw, "Asia/Shanghai")
    yield store, frames, counts
    store.close()


def test_the_generator_makes_the_shape_asked_for(tiny):
    store, _, counts = tiny
    assert counts["account_daily"] == 20 * generate.DAYS
    assert counts["posts"] == 500 and counts["ad_stats"] == 50 and counts["users"] == 500
    assert 4000 <= counts["events"] <= 6000  # about 10 events a user
    assert store.rows("SELECT min(date), max(date) FROM account_daily") == [(END - timedelta(days=generate.DAYS - 1), END)]
    # the same seed gives the same workspace
    assert store.scalar("SELECT sum(likes) FROM posts") == store.scalar("SELECT sum(likes) FROM posts")


def test_a_second_generation_is_identical(tmp_path, tiny):
    store, _, _ = tiny
    again = Store(tmp_path / "again.duckdb")
    again.close()
    (tmp_path / "again.duckdb").unlink()
    generate.generate(tmp_path / "again.duckdb", 0.0005, log=lambda *_: None)
    other = Store(tmp_path / "again.duckdb")
    for table in ("posts", "events", "ad_stats", "account_daily"):
        query = f"SELECT * EXCLUDE (import_id) FROM {table} ORDER BY ALL LIMIT 50"
        assert other.rows(query) == store.rows(query)
    other.close()


def test_pandas_pages_compute_the_products_figures(tiny):
    store, frames, _ = tiny
    filters = Filters(START, END, tz="Asia/Shanghai")
    overview = pandas_pages.overview(frames, START, END)
    ours = kpi_comparison(store, filters, ("likes", "reach", "followers_net"))["current"]
    assert overview["kpis"]["likes"] == ours["likes"]
    assert overview["kpis"]["reach"] == ours["reach"]
    assert overview["kpis"]["followers_net"] == ours["followers_net"]

    mix = pandas_pages.content(frames, START, END)["mix"]["posts"].to_dict()
    assert mix == {r["content_type"]: r["posts"] for r in content_type_mix(store, filters).iter_rows(named=True)}

    spend = pandas_pages.channels(frames, START, END)["table"]["spend"].dropna().round(6).to_dict()
    table = channel_table(store, filters)
    assert spend == {r["channel"]: round(r["spend"], 6) for r in table.iter_rows(named=True) if r["spend"]}

    stages = pandas_pages.lifecycle(frames, START, END)["stages"].to_dict()
    snapshot = stage_snapshot(store, params_from_settings(store), END)
    assert stages == {r["stage"]: r["users"] for r in snapshot.iter_rows(named=True) if r["users"]}


# (returning browser + queries, returning browser + cached, new browser) per page, and the bare-Streamlit floor
BROWSER = {"floor": (0.8, 0.8, 1.1), "demo": {"pages": {"overview": (1.0, 0.5, 1.4)}, "peak_rss_mb": 300.0},
           "large": {"pages": {"overview": (3.0, 1.5, 1.9)}, "peak_rss_mb": 900.0}}


def test_import_benchmark_and_report_at_a_tiny_scale(tmp_path, tiny):
    result = run.bench_import(tmp_path, 300, 1, lambda *_: None)
    assert result["status"] == "imported" and result["inserted"] == 300
    assert result["floor"] > 0 and result["ours"] > 0
    pages = {"overview": {"calls": 3, "ours": 0.5, "first": 0.6, "pandas": 2.0, "slowest": [("a.b", 0.3)],
                          "period": (date(2026, 11, 17), END)}, "_pandas_load": 1.0}
    out = tmp_path / "RESULTS.md"
    run.write_results(out, "python -m bench.run --scale tiny", run.machine(), 0.0005, {"posts": 500}, 1.0, result,
                      pages, BROWSER)
    out.write_text("# Lifecycle benchmark results\n\nkept\n")  # another benchmark's part of the file
    run.write_results(out, "python -m bench.run --scale tiny", run.machine(), 0.0005, {"posts": 500}, 1.0, result,
                      pages, BROWSER)
    run.write_results(out, "python -m bench.run --scale tiny", run.machine(), 0.0005, {"posts": 500}, 1.0, result,
                      pages, None)  # run again: its part is replaced, the other part stays
    text = out.read_text()
    assert text.count("# Benchmark results") == 1 and text.endswith("# Lifecycle benchmark results\n\nkept\n")
    assert "## Browser" not in text
    run.write_results(out, "python -m bench.run --scale tiny", {**run.machine(), "demo_files": 3.2}, 0.0005,
                      {"posts": 500}, 1.0, result, pages, BROWSER)
    text = out.read_text()
    assert "generated in 3.2 s ✅ (budget 5 s)" in text
    assert "| *floor: bare Streamlit* | 0.80 | 0.80 | 1.10 | 0.80 | 0.80 | 1.10 | |" in text
    assert "| overview | 1.00 ✅ | 0.50 ✅ | 1.40 ✅ | 3.00 ❌ | 1.50 ✅ | 1.90 ✅ | 2 |" in text
    assert "python -m bench.run --scale tiny" in text and "| overview | 3 | 0.500 ✅" in text
    assert "4.0x" in text and "900 MB ✅" in text and "3.00 ❌" in text
