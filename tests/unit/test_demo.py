"""The demo workspace goes through the real importer, loads cleanly and goes away in one call."""

from datetime import date

from dashboard import demo
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import kpis

END = date(2026, 11, 22)


def test_demo_loads_every_file_and_is_removable(store):
    assert demo.store_is_empty(store)
    results = demo.load_demo(store, end=END)
    assert len(results) == 32
    assert [r.file for r in results if r.status != "imported"] == []
    assert demo.is_demo(store)
    counts = {t: store.scalar(f"SELECT count(*) FROM {t}") for t in ("account_daily", "posts", "ad_stats", "events")}
    assert counts == {"account_daily": 940, "posts": 531, "ad_stats": 57, "events": 63059}
    platforms = {r[0] for r in store.rows("SELECT DISTINCT platform FROM posts")}
    assert platforms == {"x", "instagram", "tiktok", "xiaohongshu", "douyin", "wechat_channels"}
    # the demo's numbers are plausible for a small brand
    k = kpis(store, Filters(date(2026, 10, 26), END))
    assert 0.01 < k["engagement_rate"] < 0.10
    assert k["followers_end"] > 10_000 and k["posts"] > 50

    demo.remove_demo(store)
    assert demo.store_is_empty(store)
    assert demo.demo_dismissed(store) and not demo.is_demo(store)
    assert all(store.scalar(f"SELECT count(*) FROM {t}") == 0 for t in counts)
    assert store.scalar("SELECT count(*) FROM imports") == 0
