"""channel_orders (derived from events, metrics/channels.py) and the per-data-version memo stay
current: a new import, an undo, another time zone or other conversion event types show at once."""

from __future__ import annotations

from datetime import date

from dashboard.ingest.pipeline import undo_import
from dashboard.metrics import memo
from dashboard.metrics.base import utc_window
from dashboard.metrics.channels import channel_table, ensure_orders
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import kpi_comparison
from dashboard.settings import set_setting
from dashboard.store.db import Store
from tests.conftest import import_one

EVENTS = (b"user_id,occurred_at,event_type,channel,revenue\n"
          b"u1,2026-03-01 09:00:00,visit,douyin,\n"
          b"u1,2026-03-02 10:00:00,purchase,,100\n"
          b"u2,2026-03-02 23:30:00,signup,kol,\n"
          b"u2,2026-03-03 01:00:00,order,,40\n")
MORE = b"user_id,occurred_at,event_type,channel,revenue\nu1,2026-03-03 12:00:00,purchase,,25\n"
MARCH = Filters(date(2026, 3, 1), date(2026, 3, 7))


def _revenue(store: Store, filters: Filters = MARCH) -> dict[str, tuple[float, float]]:
    table = channel_table(store, filters)
    return {r["channel"]: (r["orders_revenue"], r["new_customers"]) for r in table.iter_rows(named=True)
            if r["orders_revenue"]}


def test_orders_follow_imports_undo_time_zone_and_event_types(store):
    import_one(store, "events.csv", EVENTS)
    # u1 came through douyin, u2 through kol; 'order' is not a conversion event yet
    assert _revenue(store) == {"douyin": (100.0, 1.0)}
    more = import_one(store, "more.csv", MORE)
    assert _revenue(store) == {"douyin": (125.0, 1.0)}  # a second order of the same user: not new
    undo_import(store, more.import_id)
    assert _revenue(store) == {"douyin": (100.0, 1.0)}
    set_setting(store, "conversion_events", ["purchase", "order"])
    assert _revenue(store) == {"douyin": (100.0, 1.0), "kol": (40.0, 1.0)}
    # u2's order is on 3 March in UTC; in Los Angeles it is still 2 March: a period of 3 March only
    third = Filters(date(2026, 3, 3), date(2026, 3, 3))
    assert _revenue(store, third) == {"kol": (40.0, 1.0)}
    set_setting(store, "timezone", "America/Los_Angeles")
    assert _revenue(store, Filters(date(2026, 3, 3), date(2026, 3, 3), tz="America/Los_Angeles")) == {}
    assert ensure_orders(store, "America/Los_Angeles", ["order", "purchase"]) is False  # already current


def test_kept_results_go_stale_with_any_write_and_never_cross_stores(tmp_path):
    memo.clear()
    first, second = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    for db in (first, second):
        set_setting(db, "timezone", "UTC")
    data = b"platform,account,date,likes\nx,a,2026-03-02,5\n"
    import_one(first, "daily.csv", data)
    assert kpi_comparison(first, MARCH, ("likes",))["current"]["likes"] == 5
    assert kpi_comparison(second, MARCH, ("likes",))["current"]["likes"] in (None, 0)
    import_one(first, "daily2.csv", b"platform,account,date,likes\nx,a,2026-03-03,7\n")
    assert kpi_comparison(first, MARCH, ("likes",))["current"]["likes"] == 12


def test_the_utc_window_holds_every_local_day_of_the_period():
    low, high = utc_window(date(2026, 3, 1), date(2026, 3, 7))
    assert (low.isoformat(), high.isoformat()) == ("2026-02-27T00:00:00+00:00", "2026-03-10T00:00:00+00:00")
