"""Targets: validation naming row and field, CRUD with history and exact undo, defaults seeded once,
pacing and status with hand-computed numbers (additive, ratio, lower-is-better, cumulative growth)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from dashboard import targets as T
from dashboard.metrics import registry
from dashboard.metrics.filters import Filters
from dashboard.targets import (
    TargetValidationError,
    create_target,
    delete_target,
    get_target,
    history,
    list_targets,
    next_undo,
    save_targets,
    seed_defaults,
    status_of,
    target_for_chart,
    target_status,
    targets_for_period,
    undo_last,
    update_target,
    validate_rows,
)


def put(store, table, columns, rows):
    with store.write() as cur:
        for row in rows:
            cur.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", list(row))


def target(metric="posts", period_type="week", period_start=date(2026, 3, 2), value=7.0, **more):
    return {"metric": metric, "period_type": period_type, "period_start": period_start, "value": value, **more}


def problems(rows):
    return [(e.row, e.field, e.code) for e in validate_rows(rows)[1]]


# -- periods and validation ----------------------------------------------------------------------

def test_periods_start_on_monday_first_of_month_and_quarter():
    assert T.period_start_for("week", date(2026, 3, 5)) == date(2026, 3, 2)
    assert T.period_end("week", date(2026, 3, 2)) == date(2026, 3, 8)
    assert T.period_start_for("month", date(2024, 2, 29)) == date(2024, 2, 1)
    assert T.period_end("month", date(2024, 2, 1)) == date(2024, 2, 29)
    assert T.period_start_for("quarter", date(2026, 12, 31)) == date(2026, 10, 1)
    assert T.period_end("quarter", date(2026, 10, 1)) == date(2026, 12, 31)
    assert T.period_end("quarter", date(2026, 1, 1)) == date(2026, 3, 31)


def test_validation_names_row_field_and_reason():
    rows = [
        target(),                                                        # 1 fine
        target(metric="no_such_metric"),                                 # 2
        target(period_start=date(2026, 3, 3)),                           # 3 a Tuesday for a week
        target(platform="x", channel="google_ads"),                      # 4 both scopes
        target(metric="engagement_rate", period_type="month", period_start=date(2026, 3, 1), value=5),  # 5 500%
        target(value=7, floor=8),                                        # 6 floor above
        target(metric="crisis_reply_minutes", period_type="month", period_start=date(2026, 3, 1), value=30,
               stretch=45, floor=20),                                    # 7 lower is better: both inverted
        target(),                                                        # 8 duplicate of row 1
        target(value=None, period_type="quarter", period_start=date(2026, 2, 1)),  # 9
        target(value=-3),                                                # 10 negative count
        target(platform="myspace"),                                      # 11
    ]
    assert problems(rows) == [
        (2, "metric", "unknown_metric"),
        (3, "period_start", "not_week_start"),
        (4, "channel", "platform_and_channel"),
        (5, "value", "rate_out_of_range"),
        (6, "floor", "floor_above_target"),
        (7, "floor", "floor_better_than_target"),
        (7, "stretch", "stretch_worse_than_target"),
        (8, "period_start", "duplicate_target"),
        (9, "period_start", "not_quarter_start"),
        (9, "value", "required"),
        (10, "value", "negative"),
        (11, "platform", "unknown_platform"),
    ]
    errors = validate_rows(rows)[1]
    assert errors[1].params == {"day": "2026-03-03", "period_type": "week", "suggestion": "2026-03-02"}
    assert errors[7].params == {"other": 1}


def test_metric_keys_are_read_when_validating(monkeypatch):
    assert problems([target(metric="brand_mentions")]) == [(1, "metric", "unknown_metric")]
    monkeypatch.setitem(registry.METRICS, "brand_mentions", registry.METRICS["posts"])
    assert problems([target(metric="brand_mentions")]) == []
    # the targets' own metrics are always there
    assert {"short_videos", "negative_comment_share", "crisis_reply_minutes"} <= set(T.target_metric_keys())


def test_blank_cells_are_empty_and_signed_metrics_may_go_below_zero():
    rows = [target(platform="", channel="  ", floor=float("nan"), note=""),
            target(metric="followers_net", value=-50)]
    targets, errors = validate_rows(rows)
    assert errors == []
    assert (targets[0].platform, targets[0].channel, targets[0].floor, targets[0].note) == (None, None, None, None)


# -- CRUD, history, undo -------------------------------------------------------------------------

def test_create_update_delete_are_recorded_and_undone_exactly(store):
    target_id = create_target(store, target(platform="x", note="launch week"), "ann")
    created = get_target(store, target_id)
    assert (created["value"], created["updated_by"], created["note"]) == (7.0, "ann", "launch week")
    update_target(store, target_id, {"value": 9.0, "stretch": 12.0}, "bob")
    updated = get_target(store, target_id)
    assert (updated["value"], updated["stretch"], updated["updated_by"]) == (9.0, 12.0, "bob")
    delete_target(store, target_id, "cy")
    assert get_target(store, target_id) is None

    log = history(store)
    assert list(log["action"]) == ["delete", "update", "create"]
    assert list(log["changed_by"]) == ["cy", "bob", "ann"]
    assert list(log["value_before"]) == [9.0, 7.0, None] and list(log["value_after"]) == [None, 9.0, 7.0]
    before_update = json.loads(log["before"][1])
    assert before_update["value"] == 7.0 and before_update["updated_by"] == "ann"
    assert before_update["period_start"] == "2026-03-02"

    assert next_undo(store)["changes"][0]["action"] == "delete"
    assert undo_last(store, "dee")["changes"][0]["action"] == "delete"
    assert get_target(store, target_id) == updated  # every column, updated_at and updated_by included
    assert undo_last(store, "dee")["changes"][0]["action"] == "update"
    assert get_target(store, target_id) == created
    assert undo_last(store, "dee")["changes"][0]["action"] == "create"
    assert get_target(store, target_id) is None
    assert undo_last(store, "dee") is None
    log = history(store)
    assert list(log["action"]) == ["undo", "undo", "undo", "delete", "update", "create"]
    assert list(log["undoes"][:3]) == [1, 2, 3] and list(log["undone"][3:]) == [True, True, True]
    assert list(log["changed_by"][:3]) == ["dee"] * 3


def test_a_new_change_after_undo_is_the_next_to_undo(store):
    target_id = create_target(store, target(), "ann")
    update_target(store, target_id, {"value": 8.0}, "ann")
    undo_last(store, "ann")  # back to 7
    update_target(store, target_id, {"value": 10.0}, "bob")
    assert undo_last(store, "ann")["changed_by"] == "bob"
    assert get_target(store, target_id)["value"] == 7.0


def test_save_table_creates_updates_deletes_and_skips_unchanged_rows(store):
    first = create_target(store, target(), "ann")
    second = create_target(store, target(metric="short_videos", value=2.0), "ann")
    rows = [get_target(store, first), {**get_target(store, second), "value": 3.0},
            target(metric="posts", platform="wechat_oa", period_type="month", period_start=date(2026, 3, 1), value=20)]
    result = save_targets(store, rows, "bob", deleted=[first])
    assert (result.created, result.updated, result.deleted) == (1, 1, 1)
    stored = list_targets(store)
    assert sorted(stored["metric"]) == ["posts", "short_videos"]
    assert stored.filter(stored["metric"] == "short_videos")["value"].item() == 3.0
    assert list(history(store)["action"][:3]) == ["create", "update", "delete"]
    assert save_targets(store, [get_target(store, second)], "bob").changed == 0


def test_undo_reverts_a_whole_save(store):
    first = create_target(store, target(), "ann")
    second = create_target(store, target(metric="short_videos", value=2.0), "ann")
    kept, gone = get_target(store, first), get_target(store, second)
    save_targets(store, [{**kept, "value": 8.0}, target(metric="impressions", value=5000)], "bob", deleted=[second])
    pending = next_undo(store)
    assert pending["changed_by"] == "bob"
    assert [(c["action"], c["metric"]) for c in pending["changes"]] == [
        ("create", "impressions"), ("update", "posts"), ("delete", "short_videos")]
    undo_last(store, "cy")
    assert list_targets(store)["metric"].to_list() == ["posts", "short_videos"]
    assert get_target(store, first) == kept and get_target(store, second) == gone
    assert next_undo(store)["changes"][0]["metric"] == "short_videos"  # then ann's second create


def test_invalid_save_writes_nothing(store):
    create_target(store, target(), "ann")
    before, log = list_targets(store), history(store)
    with pytest.raises(TargetValidationError) as caught:
        save_targets(store, [target(metric="short_videos", value=2), target(value=7, period_start=date(2026, 3, 4))],
                     "bob")
    assert [(e.row, e.field, e.code) for e in caught.value.errors] == [
        (2, "period_start", "not_week_start")]
    with pytest.raises(TargetValidationError) as caught:
        save_targets(store, [target(value=5)], "bob")  # same metric, scope, period as the stored row
    assert [(e.row, e.field, e.code) for e in caught.value.errors] == [(1, "period_start", "duplicate_existing")]
    assert list_targets(store).equals(before) and history(store).height == log.height


def test_a_row_saved_meanwhile_elsewhere_is_not_overwritten(store):
    target_id = create_target(store, target(), "ann")
    seen = get_target(store, target_id)
    update_target(store, target_id, {"value": 8.0}, "bob")
    with pytest.raises(TargetValidationError) as caught:
        save_targets(store, [{**seen, "value": 9.0}], "ann")
    assert caught.value.errors[0].code == "changed_elsewhere" and caught.value.errors[0].params["by"] == "bob"
    assert get_target(store, target_id)["value"] == 8.0


# -- defaults --------------------------------------------------------------------------------------

def test_defaults_are_seeded_once_into_an_empty_table(store):
    assert seed_defaults(store, date(2026, 3, 18), note="default") == 6
    rows = {(r["metric"], r["platform"]): r for r in list_targets(store).to_dicts()}
    assert {k: (r["period_type"], r["period_start"], r["value"]) for k, r in rows.items()} == {
        ("follower_growth_rate", None): ("month", date(2026, 3, 1), 0.10),
        ("engagement_rate", None): ("month", date(2026, 3, 1), 0.05),
        ("negative_comment_share", None): ("month", date(2026, 3, 1), 0.05),
        ("crisis_reply_minutes", None): ("month", date(2026, 3, 1), 30.0),
        ("posts", "wechat_oa"): ("month", date(2026, 3, 1), 20.0),
        ("short_videos", None): ("week", date(2026, 3, 16), 2.0),
    }
    assert set(history(store)["action"]) == {"seed"} and next_undo(store) is None
    assert seed_defaults(store, date(2026, 3, 18)) == 0
    save_targets(store, [], "ann", deleted=list(list_targets(store)["target_id"]))
    assert seed_defaults(store, date(2026, 3, 18)) == 0  # emptied by the user: stays empty
    assert list_targets(store).is_empty()


def test_defaults_never_go_into_a_table_that_has_targets(store):
    create_target(store, target(), "ann")
    assert seed_defaults(store, date(2026, 3, 18)) == 0
    assert list(list_targets(store)["metric"]) == ["posts"]


def test_defaults_are_editable_and_undo_stops_at_them(store):
    seed_defaults(store, date(2026, 3, 18))
    row = next(r for r in list_targets(store).to_dicts() if r["metric"] == "engagement_rate")
    update_target(store, row["target_id"], {"value": 0.06}, "ann")
    assert undo_last(store, "ann")["changes"][0]["action"] == "update"
    assert get_target(store, row["target_id"])["value"] == 0.05
    assert undo_last(store, "ann") is None


# -- pacing and status -----------------------------------------------------------------------------

def test_status_boundaries_are_five_percent_either_side_inclusive():
    assert status_of(95, 100, "up") == "on_track" and status_of(105, 100, "up") == "on_track"
    assert status_of(94.9, 100, "up") == "behind" and status_of(105.1, 100, "up") == "ahead"
    assert status_of(95, 100, "down") == "on_track" and status_of(105, 100, "down") == "on_track"
    assert status_of(94.9, 100, "down") == "ahead" and status_of(105.1, 100, "down") == "behind"
    assert status_of(0.0475, 0.05, "up") == "on_track" and status_of(0.0474, 0.05, "up") == "behind"
    assert status_of(0, 0, "down") == "on_track" and status_of(1, 0, "down") == "behind"
    assert status_of(1, 0, "up") == "ahead"
    # a negative pace (followers_net target -100): -50 is above it
    assert status_of(-50, -100, "up") == "ahead" and status_of(-150, -100, "up") == "behind"
    assert status_of(None, 10, "up") is None
    assert status_of(200, 100, "neutral") == "ahead"  # budgets: ahead = above plan


def posts_on(store, days):
    rows = [("x", "a", f"p{i}", datetime(2026, 3, day, 10, tzinfo=UTC)) for i, day in enumerate(days)]
    put(store, "posts", ("platform", "account", "post_id", "published_at"), rows)


@pytest.mark.parametrize(("as_of", "actual", "pace", "status"), [
    (date(2026, 3, 2), 2, 1, "ahead"),      # Monday: 1/7 of 7
    (date(2026, 3, 3), 3, 2, "ahead"),
    (date(2026, 3, 4), 3, 3, "on_track"),
    (date(2026, 3, 5), 4, 4, "on_track"),
    (date(2026, 3, 6), 4, 5, "behind"),     # 4 / 5 = 0.8
    (date(2026, 3, 8), 4, 7, "behind"),     # the whole week
])
def test_additive_weekly_target_is_paced_by_elapsed_days(store, as_of, actual, pace, status):
    posts_on(store, [2, 2, 3, 5])
    create_target(store, target(platform="x"), "ann")
    result = target_status(store, "posts", "x", as_of, tz="UTC")
    assert (result["actual"], result["pace"], result["status"]) == (actual, pytest.approx(pace), status)
    assert result["progress"] == pytest.approx(actual / 7)
    assert result["days_elapsed"] == (as_of - date(2026, 3, 2)).days + 1 and result["days_total"] == 7
    assert (result["period_start"], result["period_end"]) == (date(2026, 3, 2), date(2026, 3, 8))


def test_a_target_carries_over_to_later_periods_until_a_newer_row(store):
    posts_on(store, [2, 9, 10, 16])
    create_target(store, target(platform="x"), "ann")
    next_week = target_status(store, "posts", "x", date(2026, 3, 10), tz="UTC")
    assert (next_week["period_start"], next_week["target_from"]) == (date(2026, 3, 9), date(2026, 3, 2))
    assert (next_week["actual"], next_week["pace"], next_week["status"]) == (2, pytest.approx(2), "on_track")
    create_target(store, target(platform="x", period_start=date(2026, 3, 16), value=14), "ann")
    later = target_status(store, "posts", "x", date(2026, 3, 16), tz="UTC")
    assert (later["target"], later["pace"], later["actual"], later["status"]) == (14, 2, 1, "behind")
    assert target_status(store, "posts", "x", date(2026, 3, 1), tz="UTC")["reason"] == "not_started"
    assert T.applicable_target(store, "posts", "x", date(2026, 3, 15))["value"] == 7  # before the newer row
    assert T.applicable_target(store, "posts", "x", date(2026, 4, 1))["value"] == 14
    assert T.applicable_target(store, "posts", None, date(2026, 4, 1)) is None


def test_no_target_and_no_data_are_reasons(store):
    assert target_status(store, "posts", "x", date(2026, 3, 4), tz="UTC")["reason"] == "no_target"
    create_target(store, target(platform="x"), "ann")
    result = target_status(store, "posts", "x", date(2026, 3, 4), tz="UTC")
    assert (result["status"], result["reason"], result["actual"], result["pace"]) == (None, "no_data", None, 3.0)


@pytest.mark.parametrize(("as_of", "actual", "status"), [
    (date(2026, 3, 1), 0.048, "on_track"),   # 48 / 1000; 0.048 / 0.05 = 0.96
    (date(2026, 3, 2), 0.054, "ahead"),      # 108 / 2000; 1.08
])
def test_ratio_target_is_compared_with_the_target_itself(store, as_of, actual, status):
    put(store, "account_daily", ("platform", "account", "date", "reach", "likes", "comments"),
        [("x", "a", date(2026, 3, 1), 1000, 40, 8), ("x", "a", date(2026, 3, 2), 1000, 60, 0)])
    create_target(store, target(metric="engagement_rate", period_type="month", period_start=date(2026, 3, 1),
                                value=0.05), "ann")
    result = target_status(store, "engagement_rate", None, as_of, tz="UTC", denominator="reach")
    assert result["actual"] == pytest.approx(actual) and result["pace"] == 0.05 and result["status"] == status
    assert result["elapsed_share"] == pytest.approx(as_of.day / 31)
    assert result["accumulating"] is False


@pytest.mark.parametrize(("as_of", "actual", "pace", "status"), [
    (date(2026, 1, 31), 3100, 3100, "on_track"),    # 9000 x 31/90
    (date(2026, 2, 14), 4500, 4500, "on_track"),    # 9000 x 45/90
    (date(2026, 2, 1), 3200, 3200, "on_track"),
    (date(2026, 3, 31), 4500, 9000, "behind"),      # the quarter is over, half done
])
def test_quarterly_additive_target(store, as_of, actual, pace, status):
    put(store, "account_daily", ("platform", "account", "date", "impressions"),
        [("x", "a", date(2026, 1, 1) + timedelta(days=i), 100) for i in range(45)])
    create_target(store, target(metric="impressions", period_type="quarter", period_start=date(2026, 1, 1),
                                value=9000, floor=4000, stretch=10000), "ann")
    result = target_status(store, "impressions", None, as_of, tz="UTC")
    assert (result["actual"], result["pace"], result["status"]) == (actual, pytest.approx(pace), status)
    assert result["days_total"] == 90 and result["band"] is None


def test_floor_and_stretch_bands_are_paced_like_the_target(store):
    put(store, "account_daily", ("platform", "account", "date", "impressions"),
        [("x", "a", date(2026, 1, 1) + timedelta(days=i), 100) for i in range(45)])
    create_target(store, target(metric="impressions", period_type="quarter", period_start=date(2026, 1, 1),
                                value=8000, floor=6000, stretch=8000), "ann")
    # Feb 14: half the quarter; stretch paced 4000 <= 4500 -> met
    assert target_status(store, "impressions", None, date(2026, 2, 14), tz="UTC")["band"] == "stretch_met"
    # Mar 31: 4500 below the floor of 6000
    assert target_status(store, "impressions", None, date(2026, 3, 31), tz="UTC")["band"] == "below_floor"


def comments_on(store, day, total, negative, start=0):
    rows = [("x", "p", f"c{start + i}", "too slow, REFUND please" if i < negative else "lovely tea",
             datetime(2026, 3, day, 9, i, tzinfo=UTC)) for i in range(total)]
    put(store, "comments", ("platform", "post_id", "comment_id", "text", "created_at"), rows)


@pytest.mark.parametrize(("as_of", "share", "status"), [
    (date(2026, 3, 2), 1 / 20, "on_track"),   # exactly the target
    (date(2026, 3, 3), 1 / 25, "ahead"),      # 0.8 of the limit: better
    (date(2026, 3, 4), 3 / 30, "behind"),     # twice the limit
])
def test_lower_is_better_ratio(store, as_of, share, status):
    comments_on(store, 2, 20, 1)
    comments_on(store, 3, 5, 0, start=100)
    comments_on(store, 4, 5, 2, start=200)
    create_target(store, target(metric="negative_comment_share", period_type="month", period_start=date(2026, 3, 1),
                                value=0.05), "ann")
    result = target_status(store, "negative_comment_share", None, as_of, tz="UTC")
    assert result["actual"] == pytest.approx(share) and result["status"] == status and result["better"] == "down"


@pytest.mark.parametrize(("as_of", "actual", "pace", "status"), [
    (date(2026, 3, 10), 80, 300 * 10 / 31, "ahead"),       # 0.827 of the paced limit
    (date(2026, 3, 13), 128, 300 * 13 / 31, "on_track"),   # 1.017
    (date(2026, 3, 15), 160, 300 * 15 / 31, "behind"),     # 1.102
])
def test_lower_is_better_additive(store, as_of, actual, pace, status):
    put(store, "account_daily", ("platform", "account", "date", "followers_lost"),
        [("x", "a", date(2026, 3, d), 8 if d <= 10 else 16) for d in range(1, 21)])
    create_target(store, target(metric="followers_lost", period_type="month", period_start=date(2026, 3, 1),
                                value=300), "ann")
    result = target_status(store, "followers_lost", None, as_of, tz="UTC")
    assert (result["actual"], result["pace"], result["status"]) == (actual, pytest.approx(pace), status)


def test_follower_growth_accumulates_over_the_month(store):
    put(store, "account_daily", ("platform", "account", "date", "followers"),
        [("x", "a", date(2026, 2, 28), 1000), ("x", "a", date(2026, 3, 10), 1033)])
    create_target(store, target(metric="follower_growth_rate", period_type="month", period_start=date(2026, 3, 1),
                                value=0.10), "ann")
    result = target_status(store, "follower_growth_rate", None, date(2026, 3, 10), tz="UTC")
    assert result["actual"] == pytest.approx(0.033) and result["pace"] == pytest.approx(0.1 * 10 / 31)
    assert result["pace_ratio"] == pytest.approx(0.033 / (0.1 * 10 / 31)) and result["status"] == "on_track"


def test_targets_for_period_lists_each_target_once_with_its_scope(store):
    posts_on(store, [2, 2, 3, 5])
    put(store, "posts", ("platform", "account", "post_id", "published_at", "content_type"),
        [("douyin", "d", "v1", datetime(2026, 3, 3, tzinfo=UTC), "short_video")])
    create_target(store, target(platform="x"), "ann")
    create_target(store, target(platform="x", period_start=date(2026, 2, 23), value=1), "ann")  # superseded
    create_target(store, target(metric="short_videos", value=2), "ann")
    create_target(store, target(metric="short_videos", platform="douyin", value=1), "ann")
    frame = targets_for_period(store, Filters(date(2026, 3, 2), date(2026, 3, 4)))
    assert frame.select("metric", "platform", "target", "actual", "status").rows() == [
        ("posts", "x", 7.0, 3.0, "on_track"),
        ("short_videos", None, 2.0, 1.0, "ahead"),         # pace 2 x 3/7 = 0.857
        ("short_videos", "douyin", 1.0, 1.0, "ahead"),
    ]
    only_douyin = targets_for_period(store, Filters(date(2026, 3, 2), date(2026, 3, 4), platforms=("douyin",)))
    assert list(only_douyin["platform"]) == ["douyin"]
    assert list(frame.columns) == list(T.STATUS_SCHEMA)


def test_short_videos_count_zero_once_posts_exist(store):
    posts_on(store, [2])
    assert T.count_short_videos(store, Filters(date(2026, 3, 9), date(2026, 3, 15))) == 0
    assert T.count_short_videos(store, Filters(date(2026, 2, 1), date(2026, 2, 7))) is None


def test_chart_target_is_scaled_to_the_bucket(store):
    create_target(store, target(metric="posts", period_type="month", period_start=date(2026, 3, 1), value=20), "ann")
    create_target(store, target(metric="engagement_rate", period_type="month", period_start=date(2026, 3, 1),
                                value=0.05, floor=0.04), "ann")
    week = Filters(date(2026, 3, 1), date(2026, 3, 28), granularity="week")
    assert target_for_chart(store, "posts", week)["value"] == pytest.approx(20 * 7 / (365.25 / 12))
    day = Filters(date(2026, 3, 1), date(2026, 3, 28), granularity="day")
    assert target_for_chart(store, "posts", day)["value"] == pytest.approx(20 / (365.25 / 12))
    month = Filters(date(2026, 3, 1), date(2026, 3, 28), granularity="month")
    assert target_for_chart(store, "posts", month)["value"] == pytest.approx(20)
    rate = target_for_chart(store, "engagement_rate", week)
    assert (rate["value"], rate["floor"], rate["stretch"]) == (0.05, 0.04, None)
    # an all-platform sum cannot be read against one line per platform; a rate can
    assert target_for_chart(store, "posts", week, per_platform_lines=True) is None
    assert target_for_chart(store, "engagement_rate", week, per_platform_lines=True)["value"] == 0.05
    create_target(store, target(metric="follower_growth_rate", period_type="month", period_start=date(2026, 3, 1),
                                value=0.10), "ann")
    growth = target_for_chart(store, "follower_growth_rate", week, per_platform_lines=True)
    assert growth["value"] == pytest.approx(0.10 * 7 / (365.25 / 12))  # growth builds up: paced per bucket
    assert target_for_chart(store, "posts", Filters(date(2026, 3, 1), date(2026, 3, 28), platforms=("x",))) is None
    assert target_for_chart(store, "posts", Filters(date(2026, 2, 1), date(2026, 2, 20))) is None  # not started


def test_statuses_for_tiles_follow_the_platform_filter(store):
    put(store, "account_daily", ("platform", "account", "date", "reach", "likes"),
        [("x", "a", date(2026, 3, 1), 1000, 60), ("douyin", "d", date(2026, 3, 1), 1000, 20)])
    create_target(store, target(metric="engagement_rate", period_type="month", period_start=date(2026, 3, 1),
                                value=0.05), "ann")
    create_target(store, target(metric="engagement_rate", platform="x", period_type="month",
                                period_start=date(2026, 3, 1), value=0.06), "ann")
    keys = ("engagement_rate", "reach")
    everything = T.statuses_for(store, Filters(date(2026, 3, 1), date(2026, 3, 1)), keys)
    assert list(everything) == ["engagement_rate"]
    assert (everything["engagement_rate"]["actual"], everything["engagement_rate"]["status"]) == (0.04, "behind")
    only_x = T.statuses_for(store, Filters(date(2026, 3, 1), date(2026, 3, 1), platforms=("x",)), keys)
    assert (only_x["engagement_rate"]["target"], only_x["engagement_rate"]["status"]) == (0.06, "on_track")
    assert T.statuses_for(store, Filters(date(2026, 3, 1), date(2026, 3, 1), platforms=("x", "douyin")), keys) == {}


def test_short_videos_count_by_workspace_day_at_the_edges_of_the_period(store):
    """Week 2026-03-02..08 in Asia/Shanghai (UTC+8): a post at 2026-03-01 17:00 UTC is 03-02 01:00
    local (in); 03-08 16:30 UTC is 03-09 00:30 local (out); one from January only proves posts exist."""
    rows = [("x", "a", "jan", datetime(2026, 1, 5, 10, tzinfo=UTC), "short_video"),
            ("x", "a", "edge_in", datetime(2026, 3, 1, 17, tzinfo=UTC), "short_video"),
            ("x", "a", "mid", datetime(2026, 3, 4, 3, tzinfo=UTC), "short_video"),
            ("x", "a", "image", datetime(2026, 3, 5, 3, tzinfo=UTC), "image"),
            ("x", "a", "edge_out", datetime(2026, 3, 8, 16, 30, tzinfo=UTC), "short_video")]
    put(store, "posts", ("platform", "account", "post_id", "published_at", "content_type"), rows)
    week = Filters(start=date(2026, 3, 2), end=date(2026, 3, 8), tz="Asia/Shanghai")
    assert T.count_short_videos(store, week) == 2.0  # edge_in and mid
    later = Filters(start=date(2026, 3, 16), end=date(2026, 3, 22), tz="Asia/Shanghai")
    assert T.count_short_videos(store, later) == 0.0  # posts exist before, none in the period
    earlier = Filters(start=date(2025, 12, 1), end=date(2025, 12, 7), tz="Asia/Shanghai")
    assert T.count_short_videos(store, earlier) is None  # nothing imported up to that period's end
