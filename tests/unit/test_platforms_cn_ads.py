"""Chinese platforms (Xiaohongshu, Douyin, WeChat, Toutiao, Zhihu), ad channels and web channels.

Every real sample of these platforms is imported and checked against values read by hand from the
raw file; every other layout of FORMATS.md sections 7-8 is built here as bytes, quirks included.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from dashboard.ingest.normalise import _file_name_range
from dashboard.ingest.read import read_tables
from dashboard.ingest.spec import ExportSpec, col, normalise_header, spec_score
from tests.conftest import import_one, sample


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook; str values are written as text cells (as Douyin / XHS / Toutiao exports do)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_text(rows: list[list[object]], delimiter: str = ",", eol: str = "\n", quote_all: bool = False) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=eol,
               quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    return buf.getvalue()


def codes(result) -> list[str]:
    return [w.code for w in result.warnings]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# =================================================================================================
# Xiaohongshu: samples
# =================================================================================================

def test_xhs_note_list_sample(store):
    result = import_one(store, sample("xiaohongshu/caser_笔记列表明细表.xlsx"))
    assert (result.status, result.platform, result.kind) == ("imported", "xiaohongshu", "note_list")
    # row 1 is the note 最多导出排序后前1000条笔记, row 2 the header, rows 3-43 are 41 notes
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (41, 41, 0)
    # row 3: 学术成果｜李昂然在J. Fam. Issues发表论文 | 2026年03月16日08时00分29秒 | 图文 | 181 | 57 | 0.246 | 5 | 0 | 1 | 0 | 0 | 72 | 0
    row = store.rows(
        "SELECT published_at, content_type, impressions, views, likes, comments, saves, follows, shares, avg_watch_s, "
        "post_id FROM posts WHERE platform = 'xiaohongshu' AND title = ?", ["学术成果｜李昂然在J. Fam. Issues发表论文"])
    assert row[0][:10] == (utc(2026, 3, 16, 8, 0, 29), "image", 181, 57, 5, 0, 1, 0, 0, 72.0)
    assert row[0][10].startswith("k:")  # no note id in the export: a stable key from time + title
    # row 6: 社会学SSCI 期刊CSR｜文章推介 | 2026年03月04日08时00分30秒 | 图文 | 767 | 97 | 0.127 | 6 | 0 | 4 | 1 | 1 | 21
    assert store.rows("SELECT impressions, saves, follows, shares FROM posts WHERE title = ?",
                      ["社会学SSCI 期刊CSR｜文章推介"]) == [(767, 4, 1, 1)]
    # last row 43: 活动预告｜10月9日CASER秋季杰出讲座系列, 2025年09月26日17时03分44秒, 764 impressions
    assert store.rows("SELECT published_at, impressions FROM posts WHERE title = ?",
                      ["活动预告｜10月9日CASER秋季杰出讲座系列"]) == [(utc(2025, 9, 26, 17, 3, 44), 764)]
    # re-import of the same notes from another download updates, never duplicates
    again = import_one(store, "笔记列表明细表 (1).xlsx", sample("xiaohongshu/caser_笔记列表明细表.xlsx").read_bytes() + b"")
    assert again.status == "duplicate"


def test_xhs_followers_30d_sample(store):
    result = import_one(store, sample("xiaohongshu/caser_近30日涨粉数据.xlsx"))
    assert (result.status, result.platform, result.kind) == ("imported", "xiaohongshu", "followers_30d")
    # 账号总体涨粉数据 has 10 rows, 净涨粉/新增关注/取消关注/主页访客/主页转粉率趋势 30 rows each;
    # the four stored sheets fill the same 30 days
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (160, 30, 0)
    assert "not_stored" in codes(result)  # the summary sheet and the 主页转粉率 (rate) sheet
    # 账号总体涨粉数据: 净涨粉 10, 新增关注 16, 取消关注 6, 主页访客 85 = the sums of the daily sheets
    assert store.rows(
        "SELECT sum(followers_net), sum(followers_gained), sum(followers_lost), sum(profile_visits), min(date), "
        "max(date) FROM account_daily WHERE platform = 'xiaohongshu'") == [(10, 16, 6, 85, date(2026, 2, 15),
                                                                         date(2026, 3, 16))]
    # 净涨粉趋势 row 7 '2026年03月11日 | 1'; 新增关注趋势 row 7 '1'; 主页访客趋势 row 7 '6'
    assert store.rows("SELECT followers_net, followers_gained, followers_lost, profile_visits FROM account_daily "
                      "WHERE date = ?", [date(2026, 3, 11)]) == [(1, 1, 0, 6)]
    # 主页访客趋势 row 2: 2026年03月16日 | 3 (the newest, not yet settled day)
    assert store.rows("SELECT profile_visits FROM account_daily WHERE date = ?", [date(2026, 3, 16)]) == [(3,)]


# =================================================================================================
# Xiaohongshu: synthetic 近30日 workbooks
# =================================================================================================

def _trend(values: list[object], days=("2026年11月20日", "2026年11月19日", "2026年11月18日")) -> list[list[object]]:
    return [["日期", "数值"], *([d, v] for d, v in zip(days, values, strict=True))]


def test_xhs_views_and_engagement_workbooks_fill_one_row_per_day(store):
    views = xlsx({
        "账号总体观看数据": [["指标", "数值"], ["曝光", "600"], ["观看", "60"], ["封面点击率(%)", "10.8"],
                       ["平均观看时长(s)", "20.2"], ["总观看时长(s)", "1300"]],
        "曝光趋势": _trend(["300", "200", "100"]),
        "观看趋势": _trend(["30", "20", "10"]),
        "封面点击率趋势": _trend(["'19%'", "'10%'", "'0%'"]),
        "平均观看时长趋势": _trend(["'24秒'", "'10秒'", "'7秒'"]),
        "观看总时长趋势": _trend(["'1030秒'", "200秒", "70秒"]),
        "视频完播率趋势": _trend(["0%", "0%", "0%"]),
    })
    result = import_one(store, "近30日观看数据.xlsx", views)
    assert (result.status, result.platform, result.kind) == ("imported", "xiaohongshu", "views_30d")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (5 + 6 * 3, 3, 0)
    assert store.rows("SELECT date, impressions, views, watch_time_s FROM account_daily ORDER BY date") == [
        (date(2026, 11, 18), 100, 10, 70.0), (date(2026, 11, 19), 200, 20, 200.0),
        (date(2026, 11, 20), 300, 30, 1030.0)]

    engagement = xlsx({
        "账号总体互动数据": [["指标", "数值"], ["点赞", "6"]],
        "点赞趋势": _trend(["3", "2", "1"]),
        "评论趋势": _trend(["1", "0", "0"]),
        "收藏趋势": _trend(["2", "1", "0"]),
        "分享趋势": _trend(["1", "1", "1"]),
    })
    result = import_one(store, "近30日互动数据.xlsx", engagement)
    assert (result.kind, result.rows_read, result.rows_inserted, result.rows_updated) == ("engagement_30d", 13, 0, 3)
    publishing = xlsx({
        "账号总体发布数据": [["指标", "数值"], ["总发布", "2"]],
        "总发布趋势": _trend(["1", "0", "1"]),
        "发布视频趋势": _trend(["0", "0", "1"]),
        "发布图文趋势": _trend(["1", "0", "0"]),
    })
    result = import_one(store, "近30日发布数据.xlsx", publishing)
    assert (result.kind, result.rows_inserted, result.rows_updated) == ("publishing_30d", 0, 3)
    # one row per day carries all three workbooks' metrics
    assert store.rows("SELECT impressions, views, likes, comments, saves, shares, posts_published FROM account_daily "
                      "WHERE date = ?", [date(2026, 11, 20)]) == [(300, 30, 3, 1, 2, 1, 1)]


# =================================================================================================
# Douyin
# =================================================================================================

def test_douyin_daily_new_followers_sample(store):
    result = import_one(store, sample("douyin/daily_new_followers.xlsx"))
    assert (result.status, result.platform, result.kind) == ("imported", "douyin", "daily_net_followers")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (30, 30, 0)
    # row 2: 2026-03-14 | -2 ; row 3: 2026-03-15 | 6 ; row 31: 2026-04-12 | 4
    assert store.rows("SELECT date, followers_net FROM account_daily WHERE platform = 'douyin' AND date IN (?, ?, ?) "
                      "ORDER BY date", [date(2026, 3, 14), date(2026, 3, 15), date(2026, 4, 12)]) == [
        (date(2026, 3, 14), -2), (date(2026, 3, 15), 6), (date(2026, 4, 12), 4)]
    assert store.rows("SELECT sum(followers_net) FROM account_daily") == [(295,)]


def test_douyin_video_list_sample(store):
    result = import_one(store, sample("douyin/video_list.xlsx"))
    assert (result.status, result.platform, result.kind) == ("imported", "douyin", "video_list")
    # header row 1, 22 works in rows 2-23 (this copy has no 封面点击率 column)
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (22, 22, 0)
    # row 2: 最近每天都在头脑风暴，是要进化了吗🧬 | 2026-04-03 21:26:39 | 图文 | 公开 | 34606 | 0.366807 | … | 4.586155 |
    #        1155 | 69 | 45 | 84 | 6549 | 277
    assert store.rows(
        "SELECT published_at, content_type, views, completion_rate, avg_watch_s, likes, shares, comments, saves, "
        "follows FROM posts WHERE title = ?", ["最近每天都在头脑风暴，是要进化了吗🧬"]) == [
        (utc(2026, 4, 3, 21, 26, 39), "image", 34606, 0.366807, 4.586155, 1155, 69, 45, 84, 277)]
    # row 7: 随机挑个人帮我打扫房间 | 2025-11-24 20:30:00 | 1min-视频 | … | 2898 | 0.141341
    assert store.rows("SELECT content_type, views, completion_rate FROM posts WHERE title = ?",
                      ["随机挑个人帮我打扫房间"]) == [("short_video", 2898, 0.141341)]
    assert store.rows("SELECT content_type, count(*) FROM posts GROUP BY 1 ORDER BY 1") == [
        ("image", 20), ("short_video", 2)]


def test_douyin_video_list_text_cells_missing_and_multiline(store):
    header = ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率", "封面点击率", "2s跳出率",
              "平均播放时长", "点赞量", "分享量", "评论量", "收藏量", "主页访问量", "粉丝增量"]
    rows = [
        header,
        ["AI 到底能否真正提高设计师的效率？ #AI\n很多人问我这个问题……\n#设计", "2025-09-26 19:30:00", "1min-视频", "公开",
         "128", "0.074074", "0.256757", "-", "0.513514", "8.209459", "6", "1", "0", "1", "1", "1"],
        ["周末探店", "2025-09-20 12:00:00", "图文", "公开", "-", "-", "-", "-", "-", "-", "3", "0", "0", "0", "0", "0"],
        ["三分钟讲清楚", "2025-09-10 10:00:00", "1-3min视频", "公开", "5000", "0.1", "0.3", "0.05", "0.4", "45.5",
         "200", "10", "20", "30", "40", "12"],
    ]
    result = import_one(store, "作品列表导出.xlsx", xlsx({"Sheet1": rows}))
    assert (result.status, result.kind, result.rows_read, result.rows_inserted, result.rows_skipped) == (
        "imported", "video_list", 3, 3, 0)
    assert store.rows("SELECT title, text, content_type, views, avg_watch_s FROM posts ORDER BY published_at") == [
        ("三分钟讲清楚", "三分钟讲清楚", "short_video", 5000, 45.5),
        ("周末探店", "周末探店", "image", None, None),  # '-' is missing, never 0
        ("AI 到底能否真正提高设计师的效率？ #AI", "AI 到底能否真正提高设计师的效率？ #AI\n很多人问我这个问题……\n#设计",
         "short_video", 128, 8.209459),
    ]


def test_douyin_daily_files_and_closed_header(store):
    views = xlsx({"Sheet1": [["日期", "播放量"], ["2026-11-19", "1656"], ["2026-11-20", "1,200"]]})
    followers = xlsx({"Sheet1": [["日期", "总粉丝量"], ["2026-11-19", "10021"], ["2026-11-20", "10025"]]})
    cover = xlsx({"Sheet1": [["日期", "封面点击率"], ["2026-11-19", "25.00%"], ["2026-11-20", "24.10%"]]})
    assert import_one(store, "daily_views.xlsx", views).kind == "daily_views"
    result = import_one(store, "daily_total_followers.xlsx", followers)
    assert (result.platform, result.kind, result.rows_inserted, result.rows_updated) == (
        "douyin", "daily_followers", 0, 2)
    result = import_one(store, "daily_cover.xlsx", cover)
    assert (result.status, result.kind, result.rows_read, result.rows_inserted) == (
        "imported", "daily_cover_ctr", 2, 0)
    assert "not_stored" in codes(result)
    assert store.rows("SELECT date, views, followers FROM account_daily ORDER BY date") == [
        (date(2026, 11, 19), 1656, 10021), (date(2026, 11, 20), 1200, 10025)]
    # 日期 + 播放量 + a column no Douyin daily file has: not taken for a Douyin daily file
    other = xlsx({"Sheet1": [["日期", "播放量", "弹幕数"], ["2026-11-19", "10", "2"]]})
    result = import_one(store, "other_platform.xlsx", other)
    assert (result.status, result.error.code) == ("failed", "unrecognised")


def test_douyin_gbk_daily_summary_with_explanation_line(store):
    text = ("说明：以下为账号按天汇总的数据（近7日），数据更新至2026年11月21日\r\n"
            "日期,播放量,点赞量,评论量,分享量,收藏量,净增粉丝,主页访问量\r\n"
            "2026-11-21,1656,80,12,5,9,-3,40\r\n"
            "2026-11-20,\"1,200\",60,8,2,4,6,35\r\n")
    result = import_one(store, "抖音数据汇总.csv", text.encode("gbk"))
    assert (result.status, result.platform, result.kind) == ("imported", "douyin", "daily_summary")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (2, 2, 0)
    assert store.rows("SELECT date, views, likes, comments, shares, saves, followers_net, profile_visits "
                      "FROM account_daily ORDER BY date") == [
        (date(2026, 11, 20), 1200, 60, 8, 2, 4, 6, 35), (date(2026, 11, 21), 1656, 80, 12, 5, 9, -3, 40)]


# =================================================================================================
# WeChat
# =================================================================================================

_CHANNELS_HEADER = ["视频描述", "视频ID", "发布时间", "完播率", "平均播放时长", "播放量", "推荐", "喜欢", "评论量", "分享量",
                    "关注量", "转发聊天和朋友圈", "设为铃声", "设为状态", "设为朋友圈封面"]


def test_wechat_channels_video_details(store):
    rows = [
        _CHANNELS_HEADER,
        ["甲方：我付了设计费，你做这些是应该的 #建筑设计\n第二行", "export/UzFfAgtgekIEAQAAAAAAcJ8q6GpopAAAA1", "2025/09/26",
         "10.92%", "29.25秒", "1099", "3", "3", "0", "0", "1", "0", "0", "0", "0"],
        ["新品上市", "export/UzFfAgtgekIEAQAAAAAAcJ8q6GpopAAAA2", "2025/09/27", "11.14%", "32.50秒", "2000", "10", "5",
         "4", "6", "2", "3", "0", "0", "0"],
    ]
    data = b"\xef\xbb\xbf" + csv_text(rows, eol="\r\n", quote_all=True).encode("utf-8")
    result = import_one(store, "视频号动态数据明细.csv", data)
    assert (result.status, result.platform, result.kind) == ("imported", "wechat_channels", "video_details")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (2, 2, 0)
    assert store.rows(
        "SELECT post_id, title, published_at, completion_rate, avg_watch_s, views, likes, comments, shares, follows, "
        "content_type FROM posts ORDER BY published_at") == [
        ("export/UzFfAgtgekIEAQAAAAAAcJ8q6GpopAAAA1", "甲方：我付了设计费，你做这些是应该的 #建筑设计", utc(2025, 9, 26),
         pytest.approx(0.1092), 29.25, 1099, 6, 0, 0, 1, "short_video"),
        # likes = 推荐 10 + 喜欢 5; shares = 分享量 6 (转发聊天和朋友圈 3 is part of the same forwards)
        ("export/UzFfAgtgekIEAQAAAAAAcJ8q6GpopAAAA2", "新品上市", utc(2025, 9, 27), pytest.approx(0.1114), 32.5, 2000,
         15, 4, 6, 2, "short_video"),
    ]


def test_wechat_oa_user_analysis_html_xls(store):
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
            '<table border="1"><tr><td colspan="5">用户增长 2026-11-01 至 2026-11-03</td></tr>'
            "<tr><th>时间</th><th>新关注人数</th><th>取消关注人数</th><th>净增关注人数</th><th>累积关注人数</th></tr>"
            "<tr><td>2026-11-03</td><td>12</td><td>2</td><td>10</td><td>1,210</td></tr>"
            "<tr><td>2026-11-02</td><td>5</td><td>7</td><td>-2</td><td>1,200</td></tr>"
            "<tr><td>2026-11-01</td><td>8</td><td>1</td><td>7</td><td>1,202</td></tr>"
            "</table></body></html>")
    result = import_one(store, "user_analysis.xls", html.encode("utf-8"))
    assert (result.status, result.platform, result.kind) == ("imported", "wechat_oa", "user_analysis")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (3, 3, 0)
    assert store.rows("SELECT date, followers_gained, followers_lost, followers_net, followers FROM account_daily "
                      "ORDER BY date") == [
        (date(2026, 11, 1), 8, 1, 7, 1202), (date(2026, 11, 2), 5, 7, -2, 1200), (date(2026, 11, 3), 12, 2, 10, 1210)]


def test_wechat_oa_content_trend_keeps_only_all_channels(store):
    rows = [
        ["图文群发每日数据"],
        ["日期", "渠道", "阅读次数", "阅读人数", "分享次数", "收藏次数", "阅读原文次数", "群发篇数"],
        ["2026-11-02", "全部", "900", "700", "30", "12", "8", "1"],
        ["2026-11-02", "公众号消息", "500", "400", "20", "8", "5", "1"],
        ["2026-11-02", "搜一搜", "400", "300", "10", "4", "3", "1"],
        ["2026-11-01", "全部", "300", "250", "5", "2", "1", "0"],
        ["2026-11-01", "聊天会话", "200", "150", "3", "1", "1", "0"],
        ["2026-11-01", "推荐", "100", "100", "2", "1", "0", "0"],
    ]
    # tendency_<unix>_<unix>.xls: its xlsx bytes are read by content, whatever the extension
    result = import_one(store, "tendency_1761955200_1762041600.xls", xlsx({"Sheet1": rows}))
    assert (result.status, result.platform, result.kind) == ("imported", "wechat_oa", "content_trend")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (6, 2, 0)
    assert "rows_filtered" in codes(result)
    assert store.rows("SELECT date, views, reach, shares, saves, clicks, posts_published FROM account_daily "
                      "ORDER BY date") == [
        (date(2026, 11, 1), 300, 250, 5, 2, 1, 0), (date(2026, 11, 2), 900, 700, 30, 12, 8, 1)]


def test_wechat_oa_content_trend_wide_blocks_and_old_backend(store):
    wide = [
        ["图文群发每日数据"],
        ["日期", "渠道", "阅读人数", "", "日期", "分享人数", "跳转阅读原文", "微信收藏人数", "发表篇数"],
        ["2026-11-01", "全部", "500", "", "2026-11-01", "20", "5", "7", "1"],
        ["2026-11-01", "搜一搜", "100", "", "", "", "", "", ""],
    ]
    result = import_one(store, "tendency_wide.xlsx", xlsx({"Sheet1": wide}))
    assert (result.kind, result.rows_read, result.rows_inserted) == ("content_trend", 2, 1)
    assert store.rows("SELECT reach, shares, clicks, saves, posts_published FROM account_daily") == [(500, 20, 5, 7, 1)]

    old = [["日期", "送达人数", "图文页阅读人数", "图文页阅读次数", "原文页阅读人数", "原文页阅读次数", "分享转发人数",
            "分享转发次数", "微信收藏人数"],
           ["2021-06-01", "5000", "800", "1100", "40", "55", "30", "45", "12"]]
    result = import_one(store, "图文分析.csv", csv_text(old).encode("utf-8"))
    assert (result.platform, result.kind, result.rows_inserted) == ("wechat_oa", "content_trend", 1)
    assert store.rows("SELECT views, reach, clicks, shares, saves FROM account_daily WHERE date = ?",
                      [date(2021, 6, 1)]) == [(1100, 800, 55, 45, 12)]


# =================================================================================================
# Toutiao, Zhihu
# =================================================================================================

def test_toutiao_trend_with_cumulative_row(store):
    rows = [["时间", "展现量", "粉丝展现量", "阅读(播放)量", "粉丝阅读(播放)量", "点赞量", "评论量"],
            ["累计", "3000", "1000", "300", "100", "30", "3"],
            ["2026-11-20", "1000", "400", "100", "40", "10", "1"],
            ["2026-11-19", "2000", "600", "200", "60", "20", "2"]]
    result = import_one(store, "数据趋势_1234567_20261119-20261120.xlsx", xlsx({"Sheet1": rows}))
    assert (result.status, result.platform, result.kind) == ("imported", "toutiao", "data_trend")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (3, 2, 0)
    assert "totals_dropped" in codes(result)
    # the 累计 row is not imported; the days add up to it
    assert store.rows("SELECT sum(impressions), sum(views), sum(likes), sum(comments) FROM account_daily") == [
        (3000, 300, 30, 3)]

    fans = [["时间", "总粉丝数", "粉丝变化数", "新增粉丝数", "流失粉丝数", "活跃粉丝数", "总铁粉数"],
            ["2026-11-20", "5030", "10", "15", "5", "800", "120"]]
    result = import_one(store, "粉丝趋势_20261120-20261120.xlsx", xlsx({"Sheet1": fans}))
    assert (result.kind, result.rows_updated) == ("follower_trend", 1)
    assert store.rows("SELECT impressions, followers, followers_net, followers_gained, followers_lost FROM "
                      "account_daily WHERE date = ?", [date(2026, 11, 20)]) == [(1000, 5030, 10, 15, 5)]


def test_toutiao_work_list(store):
    rows = [["标题", "发布时间", "ID", "展现量", "粉丝展现量", "阅读量", "点击率", "平均阅读时长", "点赞量", "评论量",
             "分享量", "收藏量"],
            ["秋天的第一杯桂花乌龙", "2026-11-18 08:00", "7439012345678901234", "12000", "3000", "900", "7.5%",
             "1分35秒", "45", "6", "12", "30"]]
    result = import_one(store, "作品列表.xlsx", xlsx({"Sheet1": rows}))
    assert (result.status, result.platform, result.kind, result.rows_inserted) == (
        "imported", "toutiao", "work_list", 1)
    assert store.rows("SELECT post_id, title, published_at, impressions, views, avg_watch_s, likes, comments, shares, "
                      "saves FROM posts") == [
        ("7439012345678901234", "秋天的第一杯桂花乌龙", utc(2026, 11, 18, 8), 12000, 900, 95.0, 45, 6, 12, 30)]


def test_zhihu_daily_report_csv_with_xls_name(store):
    text = "日期,阅读,播放,点赞,喜欢,评论,收藏,分享\n2026-11-20,100,20,5,2,1,3,1\n2026-11-19,80,0,4,0,0,1,0\n"
    result = import_one(store, "日报表.xls", text.encode("utf-8"))
    assert (result.status, result.platform, result.kind) == ("imported", "zhihu", "daily_report")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (2, 2, 0)
    assert store.rows("SELECT date, views, video_views, likes, comments, saves, shares FROM account_daily "
                      "ORDER BY date") == [
        (date(2026, 11, 19), 80, 0, 4, 0, 1, 0), (date(2026, 11, 20), 120, 20, 7, 1, 3, 1)]


# =================================================================================================
# Google Ads
# =================================================================================================

def _ad_totals(store, channel: str) -> tuple:
    return store.rows("SELECT round(sum(spend), 2), sum(impressions), sum(clicks) FROM ad_stats WHERE channel = ?",
                      [channel])[0]


def test_google_ads_campaign_report_sample(store):
    result = import_one(store, sample("google_ads/clinic_EUR_Campaign report.csv"))
    assert (result.status, result.platform, result.kind) == ("imported", "google_ads", "campaign_report")
    # lines 4-6: three campaigns; lines 7-9: Total: Campaigns / Total: Account / Total: Smart
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (6, 3, 0)
    assert "totals_dropped" in codes(result)
    # line 2: "March 27, 2026 - April 23, 2026" is every row's range; line 4: i-smile.gr, EUR, Cost 0.00, Impr. 0
    assert store.rows("SELECT campaign, date_start, date_end, currency, spend, impressions, clicks, conversions "
                      "FROM ad_stats WHERE campaign = ?", ["i-smile.gr"]) == [
        ("i-smile.gr", date(2026, 3, 27), date(2026, 4, 23), "EUR", 0.0, 0, 0, 0.0)]
    assert store.rows("SELECT count(*) FROM ad_stats WHERE campaign = ?", ["Οδοντικά Εμφυτεύματα Αθήνα"]) == [(1,)]
    # line 7: Total: Campaigns, …, Impr. 0, EUR, Cost 0.00, Clicks 0 == the imported rows' sums
    assert _ad_totals(store, "google_ads") == (0.0, 0, 0)


def test_google_ads_overview_time_series_sample(store):
    result = import_one(store, sample("google_ads/londonclean_overview_Time_series(2026.02.05-2026.02.10).csv"))
    assert (result.status, result.platform, result.kind) == ("imported", "google_ads", "overview_time_series")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (6, 6, 0)
    # line 3: "Fri, 6 Feb 2026",26,75,US$1.92,US$50.00 (day-first date, currency from the US$ prefix)
    assert store.rows("SELECT campaign, date_start, date_end, spend, currency, impressions, clicks FROM ad_stats "
                      "WHERE date_start = ?", [date(2026, 2, 6)]) == [
        ("", date(2026, 2, 6), date(2026, 2, 6), 50.0, "USD", 75, 26)]
    # the card has no totals row: 0+50.00+27.35+28.52+24.90+8.90 = 139.67; 0+75+63+52+68+41 = 299; 0+26+26+17+16+6 = 91
    assert _ad_totals(store, "google_ads") == (139.67, 299, 91)


def test_google_ads_keyword_report_total_in_column_two(store):
    text = (
        "Search keyword report\n"
        '"November 1, 2026 - November 20, 2026"\n'
        "Device,Keyword status,Keyword,Campaign,Ad group,Currency code,Status,Max. CPC,Impr.,Impr. (Top) %,"
        "Search impr. share,Search top IS,Cost,Clicks,Conversions,Click share,Match type,Search exact match IS,"
        "Search lost top IS (rank)\n"
        'Mobile phones,Enabled,"""ELD""",Brand,Core,USD,Eligible,1.50,"25,881",40.00%,< 10%,> 90%,"1,120.50",300,'
        "4.00, --,Phrase match,< 10%,12.00%\n"
        'Computers,Enabled,"""ELD""",Brand,Core,USD,Eligible,1.50,"1,119",40.00%,12.00%,< 10%,30.00,50,1.00, --,'
        "Phrase match, --, --\n"
        "Mobile phones,Enabled,[tea gifts],Generic,Gifts,USD,Eligible,0.80,500,10.00%, --, --,10.25,20,0.50, --,"
        "Exact match, --, --\n"
        'Mobile phones,Total: Keywords, --, --, --,USD, --, --,"26,381", --, --, --,"1,130.75",320,4.50, --, --, --, --\n'
        'Computers,Total: Keywords, --, --, --,USD, --, --,"1,119", --, --, --,30.00,50,1.00, --, --, --, --\n'
    )
    result = import_one(store, "Search keyword report.csv", text.encode("utf-8"))
    assert (result.status, result.platform, result.kind) == ("imported", "google_ads", "keyword_report")
    # 3 keyword rows (the phrase keyword twice, once per device) + 2 totals rows labelled in column 2
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (5, 2, 0)
    assert {"totals_dropped", "duplicates_summed"} <= set(codes(result))
    assert store.rows("SELECT campaign, ad_group, ad, date_start, date_end, currency, spend, impressions, clicks, "
                      "conversions FROM ad_stats ORDER BY spend DESC") == [
        ("Brand", "Core", '"ELD"', date(2026, 11, 1), date(2026, 11, 20), "USD", 1150.5, 27000, 350, 5.0),
        ("Generic", "Gifts", "[tea gifts]", date(2026, 11, 1), date(2026, 11, 20), "USD", 10.25, 500, 20, 0.5)]
    # the two Total: rows: 1,130.75 + 30.00 spend, 26,381 + 1,119 impressions, 320 + 50 clicks
    assert _ad_totals(store, "google_ads") == (1160.75, 27500, 370)


# =================================================================================================
# Meta Ads Manager
# =================================================================================================

def test_meta_ads_manager_sample(store):
    result = import_one(store, sample("meta_ads/MH4U-Ads-Feb-11-2021-Mar-11-2024.xlsx"))
    assert (result.status, result.platform, result.kind) == ("imported", "meta_ads", "ads_manager")
    # row 2 is the account total (blank Ad name / Ad Set Name); rows 3-52 are 50 ads, of which
    # 15 repeat an (ad set, ad) name pair already seen (14 x 'New post engagement ad'): they add up
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (51, 35, 0)
    assert {"totals_dropped", "duplicates_summed"} <= set(codes(result))
    # row 3: Допис: "🤔 Як знайти фахового психолога чи психотерапевта?" | … | Reach 16625 | Impressions 31537 |
    #        Amount spent (UAH) 1197.7; Reporting starts/ends 2023-04-14 / 2024-03-11
    ad = 'Допис: "🤔 Як знайти фахового психолога чи психотерапевта?"'
    assert store.rows("SELECT campaign, ad_group, date_start, date_end, spend, currency, reach, impressions, "
                      "conversions FROM ad_stats WHERE ad = ?", [ad]) == [
        ("", ad, date(2023, 4, 14), date(2024, 3, 11), 1197.7, "UAH", 16625, 31537, None)]
    # row 2 (the total, not imported): Impressions 3159843, Amount spent (UAH) 77818.01; no clicks column
    assert _ad_totals(store, "meta_ads") == (77818.01, 3159843, None)
    assert store.rows("SELECT count(*) FROM ad_stats WHERE ad = 'New post engagement ad' "
                      "AND ad_group = 'New post engagement ad set'") == [(1,)]


def test_meta_ads_csv_bom_french_localisation(store):
    nbsp = "\u00a0"
    rows = [
        ["Nom de la campagne", "Nom de l’ensemble de publicités", "Nom de la publicité", "Début des rapports",
         "Fin des rapports", "Résultats", "Indicateur de résultats", "Couverture", "Impressions",
         "Montant dépensé (EUR)", "Clics sur un lien", "Achats", "Valeur de conversion des achats"],
        ["", "", "", "2026-11-01", "2026-11-20", "", "", f"12{nbsp}000", f"25{nbsp}000", f"1{nbsp}234,56", "300",
         "12", f"1{nbsp}500,00"],
        ["Soldes", "Femmes 25-45", "Carrousel", "2026-11-01", "2026-11-20", "10",
         "actions:offsite_conversion.fb_pixel_purchase", "8 000", "15 000", "734,56", "200", "10", "1 200,00"],
        ["Soldes", "Femmes 25-45", "Vidéo", "2026-11-01", "2026-11-20", "2",
         "actions:offsite_conversion.fb_pixel_purchase", "5 000", "10 000", "500", "100", "2", "300,00"],
    ]
    data = b"\xef\xbb\xbf" + csv_text(rows, delimiter=";").encode("utf-8")
    result = import_one(store, "Boutique-Campagnes-1-nov.-2026-20-nov.-2026.csv", data)
    assert (result.status, result.platform, result.kind) == ("imported", "meta_ads", "ads_manager")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (3, 2, 0)
    assert store.rows("SELECT campaign, ad_group, ad, spend, currency, reach, impressions, clicks, conversions, "
                      "conversion_value FROM ad_stats ORDER BY spend DESC") == [
        ("Soldes", "Femmes 25-45", "Carrousel", 734.56, "EUR", 8000, 15000, 200, 10.0, 1200.0),
        ("Soldes", "Femmes 25-45", "Vidéo", 500.0, "EUR", 5000, 10000, 100, 2.0, 300.0)]
    # the first data row is the account total: 1 234,56 EUR, 25 000 impressions, 300 link clicks
    assert _ad_totals(store, "meta_ads") == (1234.56, 25000, 300)


def test_meta_ads_csv_campaign_level_english(store):
    rows = [
        ["Account name", "Campaign name", "Reporting starts", "Reporting ends", "Amount spent (USD)", "Result type",
         "Results", "Reach", "Impressions", "Link clicks", "Purchases", "Purchases conversion value"],
        ["", "", "2026-10-01", "2026-10-31", "450.25", "", "", "9000", "20000", "410", "9", "880.00"],
        ["Lumi Tea", "Gift Sets | Sales", "2026-10-01", "2026-10-31", "300.25", "Website purchases", "9", "6000",
         "12000", "300", "9", "880.00"],
        ["Lumi Tea", "Brand | Awareness", "2026-10-01", "2026-10-31", "150", "Reach", "5000", "4000", "8000", "110",
         "", ""],
    ]
    data = b"\xef\xbb\xbf" + csv_text(rows).encode("utf-8")
    result = import_one(store, "Lumi-Tea-Campaigns-Oct-1-2026-Oct-31-2026.csv", data)
    assert (result.status, result.kind, result.account) == ("imported", "ads_manager", "Lumi Tea")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (3, 2, 0)
    # Results (5000 people reached) is not a conversion: conversions come from Purchases only
    assert store.rows("SELECT campaign, conversions, conversion_value, currency FROM ad_stats ORDER BY campaign") == [
        ("Brand | Awareness", None, None, "USD"), ("Gift Sets | Sales", 9.0, 880.0, "USD")]
    assert _ad_totals(store, "meta_ads") == (450.25, 20000, 410)


# =================================================================================================
# TikTok Ads, 巨量引擎 / 千川
# =================================================================================================

def test_tiktok_ads_masked_values_total_row_and_file_name_period(store):
    text = (
        "Campaign name,Primary status,Cost,CPC (destination),CPM,Impressions,Clicks (destination),"
        "CTR (destination),Reach,Conversions,Cost per conversion,Currency\n"
        "Matcha launch,Active,120.50,0.60,8.03,15000,200,1.33%,9000,12,10.04,USD\n"
        "Gift boxes,Not delivering,30.00,1.50,10.00,3000,20,0.67%,2500,<5,--,USD\n"
        "Total,-,150.50,0.68,8.36,18000,220,1.22%,11000,15,10.03,USD\n"
    )
    result = import_one(store, "TikTok_Campaign_Report_2026-11-01_2026-11-15.csv", text.encode("utf-8"))
    assert (result.status, result.platform, result.kind) == ("imported", "tiktok_ads", "ads_report")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (3, 2, 0)
    assert {"totals_dropped", "censored_values"} <= set(codes(result))
    assert store.rows("SELECT campaign, date_start, date_end, spend, currency, impressions, reach, clicks, conversions "
                      "FROM ad_stats ORDER BY spend") == [
        ("Gift boxes", date(2026, 11, 1), date(2026, 11, 15), 30.0, "USD", 3000, 2500, 20, None),  # '<5' hidden
        ("Matcha launch", date(2026, 11, 1), date(2026, 11, 15), 120.5, "USD", 15000, 9000, 200, 12.0)]
    # the Total row: Cost 150.50, Impressions 18000, Clicks (destination) 220
    assert _ad_totals(store, "tiktok_ads") == (150.5, 18000, 220)


def test_qianchuan_material_report_headers_with_stray_tabs(store):
    rows = [
        ["素材ID", "素材名称", "整体\t消耗", "基础消耗", "整体支付ROI", "整体成交金额\n", "整体成交订单数", "整体成交订单成本",
         "\t整体展现次数", "整体点击次数", "整体点击率", "3秒完播率"],
        ["合计", "", "1,300.50", "1,000.00", "2.31", "3,000.00", "30", "43.35", "120000", "2400", "2.00%", "35%"],
        ["7301234567890123456", "桂花乌龙开箱", "1000.50", "800.00", "2.50", "2,500.00", "25", "40.02", "90000", "2000",
         "2.22%", "40%"],
        ["7301234567890123457", "冷泡教程", "300", "200", "1.67", "500", "5", "60", "30000", "400", "1.33%", "20%"],
    ]
    result = import_one(store, "千川素材数据_2026-11-01_2026-11-07.xlsx", xlsx({"Sheet1": rows}))
    assert (result.status, result.platform, result.kind) == ("imported", "qianchuan", "material_report")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (3, 2, 0)
    assert store.rows("SELECT channel, ad, date_start, date_end, spend, currency, conversion_value, conversions, "
                      "impressions, clicks FROM ad_stats ORDER BY spend DESC") == [
        ("qianchuan", "桂花乌龙开箱", date(2026, 11, 1), date(2026, 11, 7), 1000.5, "CNY", 2500.0, 25.0, 90000, 2000),
        ("qianchuan", "冷泡教程", date(2026, 11, 1), date(2026, 11, 7), 300.0, "CNY", 500.0, 5.0, 30000, 400)]
    # the 合计 row: 整体消耗 1,300.50, 整体展现次数 120000, 整体点击次数 2400
    assert _ad_totals(store, "qianchuan") == (1300.5, 120000, 2400)


def test_ocean_engine_daily_report(store):
    text = ("日期,广告名称,消耗,展示数,点击数,转化数\n"
            "2026-11-02,桂花乌龙-信息流,200.00,40000,800,16\n"
            "2026-11-01,桂花乌龙-信息流,150.00,30000,600,10\n")
    result = import_one(store, "巨量广告报表.csv", text.encode("utf-8"))
    assert (result.status, result.platform, result.kind, result.rows_inserted) == (
        "imported", "ocean_engine", "ad_report", 2)
    assert store.rows("SELECT ad_group, date_start, date_end, spend, currency, conversions FROM ad_stats "
                      "ORDER BY date_start") == [
        ("桂花乌龙-信息流", date(2026, 11, 1), date(2026, 11, 1), 150.0, "CNY", 10.0),
        ("桂花乌龙-信息流", date(2026, 11, 2), date(2026, 11, 2), 200.0, "CNY", 16.0)]


# =================================================================================================
# Web channels: GA4, Search Console
# =================================================================================================

def test_ga4_csv_with_comment_preamble(store):
    lines = ["# ----------------------------------------", "# Lumi Tea – GA4", "# Account: Lumi Tea",
             "# Property: Lumi Tea Web", "# ----------------------------------------", "#",
             "# Start date: 20261101", "# End date: 20261103", "#",
             "Date,Views,Total users,Sessions,Event count",
             "20261102,300,120,150,2000", "20261101,200,100,130,1500", "20261103,100,50,60,800"]
    result = import_one(store, "download.csv", ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    assert (result.status, result.platform, result.kind) == ("imported", "ga4", "daily")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (3, 3, 0)
    assert store.rows("SELECT date, views, reach FROM account_daily ORDER BY date") == [
        (date(2026, 11, 1), 200, 100), (date(2026, 11, 2), 300, 120), (date(2026, 11, 3), 100, 50)]


def test_search_console_chart_csv(store):
    text = "Date,Clicks,Impressions,CTR,Position\n2026-11-13,0,9,0%,22.8\n2026-11-12,3,120,2.5%,8.1\n"
    result = import_one(store, "Chart.csv", text.encode("utf-8"))
    assert (result.status, result.platform, result.kind) == ("imported", "search_console", "chart")
    assert (result.rows_read, result.rows_inserted, result.rows_skipped) == (2, 2, 0)
    assert store.rows("SELECT date, clicks, impressions FROM account_daily ORDER BY date") == [
        (date(2026, 11, 12), 3, 120), (date(2026, 11, 13), 0, 9)]


# =================================================================================================
# The general mechanisms these specs use
# =================================================================================================

def test_normalise_header_drops_whitespace_inside_chinese_headers():
    assert normalise_header("整体\t消耗") == normalise_header("整体消耗\n") == "整体消耗"
    assert normalise_header(" Amount  spent (CNY) ") == "amount spent (cny)"


def test_closed_header_rejects_extra_columns():
    spec = ExportSpec(platform="p", kind="k", table="account_daily", signature=frozenset({"日期", "播放量"}),
                      columns={"date": col("日期", parse="date"), "views": col("播放量")}, closed_header=True)
    assert spec_score(spec, ["日期", "播放量", ""], "f.xlsx", None) > 0
    assert spec_score(spec, ["日期", "播放量", "点赞量"], "f.xlsx", None) == 0


def test_period_from_file_name():
    assert _file_name_range("千川素材数据_2026-11-01_2026-11-07.xlsx") == (date(2026, 11, 1), date(2026, 11, 7))
    assert _file_name_range("report(20261101-20261107).csv") == (date(2026, 11, 1), date(2026, 11, 7))
    assert _file_name_range("Campaign report.csv") is None


# =================================================================================================
# Demo workspace (src/dashboard/demo_files.py): this module's platforms import cleanly
# =================================================================================================

_MINE = ("xiaohongshu", "douyin", "wechat_channels", "wechat_oa", "google_ads", "meta_ads")
_MY_DEMO_FILES = ("近30日*.xlsx", "笔记列表明细表.xlsx", "daily_*.xlsx", "作品列表导出.xlsx", "视频号动态数据明细.csv",
                  "user_analysis.xls", "Campaign report *.csv", "*-Ads-*.xlsx")


def _import_sums(store, import_id: str) -> tuple:
    return store.rows("SELECT round(sum(spend), 2), sum(impressions), sum(clicks) FROM ad_stats WHERE import_id = ?",
                      [import_id])[0]


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_demo_workspace_files_of_these_platforms_import(store, tmp_path: Path):
    demo = pytest.importorskip("dashboard.demo_files")
    demo.generate_demo_files(tmp_path, end=date(2026, 11, 22))
    paths = sorted({p for pattern in _MY_DEMO_FILES for p in tmp_path.glob(pattern)})
    seen = set()
    for path in paths:
        result = import_one(store, path)
        assert result.status == "imported", (path.name, result.error)
        assert result.rows_skipped == 0, (path.name, result.warnings)
        seen.add(result.platform)
        if result.platform not in ("google_ads", "meta_ads"):
            continue
        # every ad report's own totals row equals the sum of the rows imported from it
        table = read_tables(path.name, path.read_bytes())[0]
        header_at = next(i for i, r in enumerate(table.rows) if "Impressions" in r or "Impr." in r)
        header = table.rows[header_at]
        if result.platform == "google_ads":
            total = next(r for r in table.rows if r[0] == "Total: Account")
            cost, impressions, clicks = "Cost", "Impr.", "Clicks"
        else:
            total = table.rows[header_at + 1]  # the account row with blank names
            cost, impressions, clicks = "Amount spent (CNY)", "Impressions", "Link clicks"
        expected = tuple(_number(total[header.index(h)]) for h in (cost, impressions, clicks))
        assert _import_sums(store, result.import_id) == pytest.approx(expected), path.name
    assert seen == set(_MINE)
