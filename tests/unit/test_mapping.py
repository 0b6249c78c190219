"""An unknown file: mapped once by the user, then every file with that header imports by itself."""

from datetime import UTC, datetime

from dashboard.ingest.mapping import header_signature, save_mapping, saved_specs
from dashboard.ingest.templates import missing_required, template_csv
from tests.conftest import import_one

UNKNOWN = "会员编号,下单时间,金额,来源\nM001,2026-03-01 10:00,88.5,小程序\nM002,2026-03-02 11:30,120,社群\n".encode()
NEXT_MONTH = "会员编号,下单时间,金额,来源\nM003,2026-04-01 09:00,66,社群\n".encode()
COLUMN_MAP = {"user_id": "会员编号", "occurred_at": "下单时间", "revenue": "金额", "channel": "来源"}


def test_unknown_file_fails_as_unrecognised_and_offers_its_table(store):
    result = import_one(store, "orders.csv", UNKNOWN)
    assert result.status == "failed"
    assert result.error.code == "unrecognised"
    assert result.error.params["columns"] == "会员编号, 下单时间, 金额, 来源"
    assert result.unrecognised[0].rows[0] == ["会员编号", "下单时间", "金额", "来源"]
    assert store.scalar("SELECT count(*) FROM events") == 0


def test_saved_mapping_imports_this_file_and_the_next_one_without_questions(store):
    header = ["会员编号", "下单时间", "金额", "来源"]
    save_mapping(store, header, "custom", "shop_orders", "events", COLUMN_MAP, {"event_type": "purchase"})
    assert len(saved_specs(store)) == 1
    # the mapping form fixes the event type for a file of orders
    first = import_one(store, "orders.csv", UNKNOWN)
    assert (first.status, first.platform, first.kind, first.rows_inserted) == ("imported", "custom", "shop_orders", 2)
    second = import_one(store, "orders-april.csv", NEXT_MONTH)
    assert (second.status, second.rows_inserted) == ("imported", 1)
    rows = store.rows("SELECT user_id, occurred_at, revenue, channel, event_type FROM events ORDER BY occurred_at")
    assert rows[0] == ("M001", datetime(2026, 3, 1, 10, 0, tzinfo=UTC), 88.5, "小程序", "purchase")
    assert rows[2][0] == "M003"


def test_header_signature_ignores_case_spaces_and_bom():
    assert header_signature(["\ufeffDate ", "Views"]) == header_signature(["date", " views"])
    assert header_signature(["Date", "Views"]) != header_signature(["Date", "Likes"])


def test_missing_required_fields_are_named():
    assert missing_required("events", {"user_id": "a"}) == ["occurred_at", "event_type"]
    assert missing_required("events", {"user_id": "a", "occurred_at": "t"}, {"event_type": "purchase"}) == []
    assert missing_required("posts", {"published_at": "t"}) == ["title"]
    assert missing_required("posts", {"published_at": "t", "post_id": "i"}) == []


def test_templates_have_bom_and_both_header_languages_and_import_back(store):
    en = template_csv("events", "en").decode("utf-8")
    zh = template_csv("events", "zh").decode("utf-8")
    assert en.startswith("\ufeffevent_key,user_id,occurred_at,event_type,channel,revenue,currency,quantity,properties")
    assert zh.startswith("\ufeff事件ID,用户ID,发生时间,事件类型,渠道,收入,币种,数量,属性")
    filled = zh.encode("utf-8") + b"e1,u1,2026-03-01T10:00:00+08:00,purchase,douyin,99,CNY,1,\n"
    result = import_one(store, "events.csv", filled)
    assert (result.status, result.kind, result.rows_inserted) == ("imported", "template_events", 1)
    assert store.rows("SELECT event_key, user_id, occurred_at, revenue FROM events") == [
        ("e1", "u1", datetime(2026, 3, 1, 2, 0, tzinfo=UTC), 99.0)]
