"""The demo workspace generator writes real-looking platform exports, deterministically."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from dashboard.demo_files import DEMO_BRAND, generate_demo_files

END = date(2026, 11, 22)
DAYS = 182
START = END - timedelta(days=DAYS - 1)  # 2026-05-25

EXPECTED_NAMES = [
    "account_overview_analytics.csv",
    "account_analytics_content_2026-05-25_2026-11-22.csv",
    "Instagram follows.csv",
    "Instagram reach.csv",
    "May-25-2026_Nov-22-2026_1027743018652201.csv",
    "Overview.csv",
    "FollowerHistory.csv",
    "Content.csv",
    "近30日涨粉数据.xlsx",
    "笔记列表明细表.xlsx",
    "daily_total_followers.xlsx",
    "daily_new_followers.xlsx",
    "daily_views.xlsx",
    "作品列表导出.xlsx",
    "视频号动态数据明细.csv",
    "user_analysis.xls",
    *[f"Campaign report 2026-{m:02d}.csv" for m in range(5, 12)],
    "Lumi-Tea-Ads-May-25-2026-May-31-2026.xlsx",
    "Lumi-Tea-Ads-Jun-1-2026-Jun-30-2026.xlsx",
    "Lumi-Tea-Ads-Jul-1-2026-Jul-31-2026.xlsx",
    "Lumi-Tea-Ads-Aug-1-2026-Aug-31-2026.xlsx",
    "Lumi-Tea-Ads-Sep-1-2026-Sep-30-2026.xlsx",
    "Lumi-Tea-Ads-Oct-1-2026-Oct-31-2026.xlsx",
    "Lumi-Tea-Ads-Nov-1-2026-Nov-22-2026.xlsx",
    "activity_log.csv",
    "orders.csv",
]

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate_demo_files(out, END)


@pytest.fixture(scope="module")
def demo(generated: tuple[Path, list[Path]]) -> Path:
    return generated[0]


def _csv_rows(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def _sheet_rows(path: Path, sheet: str | None = None) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return list(ws.iter_rows(values_only=True))


def _x_date(text: str) -> date:
    return datetime.strptime(text, "%a, %b %d, %Y").date()


# ------------------------------------------------------------------------------------------------ files

def test_file_names_and_order(generated: tuple[Path, list[Path]]) -> None:
    out, paths = generated
    assert [p.name for p in paths] == EXPECTED_NAMES
    assert all(p.parent == out and p.is_file() and p.stat().st_size > 0 for p in paths)
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPECTED_NAMES)


def test_same_seed_same_bytes_other_seed_other_data(generated: tuple[Path, list[Path]],
                                                   tmp_path: Path) -> None:
    _, first = generated
    again = generate_demo_files(tmp_path / "again", END)
    assert [p.name for p in again] == [p.name for p in first]
    for a, b in zip(first, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name  # xlsx included: timestamps are fixed
    other = generate_demo_files(tmp_path / "other", END, seed=7)
    assert (tmp_path / "other" / "activity_log.csv").read_bytes() != (first[-2]).read_bytes()
    assert [p.name for p in other] == [p.name for p in first]


def test_days_parameter_and_output_dir_creation(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "demo"
    paths = generate_demo_files(out, date(2026, 3, 31), days=40)
    names = [p.name for p in paths]
    assert "account_analytics_content_2026-02-20_2026-03-31.csv" in names
    assert [n for n in names if n.startswith("Campaign report")] == ["Campaign report 2026-02.csv",
                                                                      "Campaign report 2026-03.csv"]
    overview = (out / "Overview.csv").read_bytes().decode("utf-8-sig").split("\n")
    assert len(overview) == 41
    assert overview[1].startswith('"February 20"') and overview[-1].startswith('"March 31"')
    with pytest.raises(ValueError):
        generate_demo_files(tmp_path / "x", END, days=5)


# ------------------------------------------------------------------------------------------------ X

def test_x_overview(demo: Path) -> None:
    data = (demo / "account_overview_analytics.csv").read_bytes()
    assert data.startswith(b"Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,"
                           b"Reposts,Profile visits,Create Post,Video views,Media views\n")
    assert not data.endswith(b"\n")
    rows = _csv_rows(data, "utf-8")
    assert len(rows) == DAYS + 1 and all(len(r) == 14 for r in rows)
    dates = [_x_date(r[0]) for r in rows[1:]]
    assert dates[0] == END and dates[-1] == START
    assert dates == sorted(dates, reverse=True)
    assert b'"Sun, Nov 22, 2026",' in data
    unfollows = [int(r[7]) for r in rows[1:]]
    assert max(unfollows) >= 4 * sorted(unfollows)[len(unfollows) // 2]  # the bad week stands out


def test_x_content(demo: Path) -> None:
    data = (demo / "account_analytics_content_2026-05-25_2026-11-22.csv").read_bytes()
    assert data.startswith(b"Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,"
                           b"New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,"
                           b"Permalink Clicks\n")
    assert not data.endswith(b"\n")
    assert data.count(b"\n,,,https://x.com/lumitea/status/undefined,0,0,0,0,0,0,0,0,0,0,0,0,0") == 1
    rows = _csv_rows(data, "utf-8")[1:]
    assert all(len(r) == 17 for r in rows)
    posts = [r for r in rows if r[0]]
    assert len(posts) == len(rows) - 1 and 52 <= len(posts) <= 130  # 2-5 a week
    dates = [_x_date(r[1]) for r in posts]
    assert all(START <= d <= END for d in dates)
    assert dates != sorted(dates) and dates != sorted(dates, reverse=True)
    assert all(re.fullmatch(r"\d{18,19}", r[0]) and r[3] == f"https://x.com/lumitea/status/{r[0]}" for r in posts)
    assert any("\n" in r[2] for r in posts)
    for r in posts:
        impressions, likes, engagements = int(r[4]), int(r[5]), int(r[6])
        assert likes + int(r[10]) + int(r[11]) <= engagements <= impressions
    # follows credited to posts are part of the daily follows in the overview export
    overview = _csv_rows((demo / "account_overview_analytics.csv").read_bytes(), "utf-8")[1:]
    assert sum(int(r[6]) for r in overview) >= sum(int(r[9]) for r in posts)


# ------------------------------------------------------------------------------------------------ Instagram

@pytest.mark.parametrize(("name", "title"), [("Instagram follows.csv", "Instagram follows"),
                                             ("Instagram reach.csv", "Instagram reach")])
def test_meta_utf16_daily_series(demo: Path, name: str, title: str) -> None:
    data = (demo / name).read_bytes()
    assert data.startswith(b"\xff\xfe" + "sep=,\n".encode("utf-16-le"))
    text = data[2:].decode("utf-16-le")
    assert text.endswith('"\n\n')  # empty trailing line
    lines = text.split("\n")
    assert lines[:3] == ["sep=,", f'"{title}"', '"Date","Primary"']
    body = lines[3:-2]
    assert len(body) == DAYS
    assert body[0] == f'"{START.isoformat()}T00:00:00"' + body[0][len(START.isoformat()) + 11:]
    stamps = [re.fullmatch(r'"(\d{4}-\d\d-\d\d)T(0[01]):00:00","(\d+)"', line) for line in body]
    assert all(stamps)
    assert [date.fromisoformat(m.group(1)) for m in stamps] == [START + timedelta(days=i) for i in range(DAYS)]
    hours = {m.group(1): m.group(2) for m in stamps}
    assert hours["2026-10-31"] == "00" and hours["2026-11-01"] == "01"  # US DST ended on Nov 1


def test_instagram_content(demo: Path) -> None:
    data = (demo / "May-25-2026_Nov-22-2026_1027743018652201.csv").read_bytes()
    assert data.startswith(BOM + b'"Post ID","Account ID","Account username","Account name",Description,'
                                 b'"Duration (sec)","Publish time",Permalink,"Post type","Data comment",Date,Views,'
                                 b'Reach,Likes,Shares,Comments,Saves,Follows\n')
    assert data.endswith(b"\n") and b"\r" not in data
    rows = _csv_rows(data)[1:]
    assert rows and all(len(r) == 18 for r in rows)
    assert {r[8] for r in rows} == {"IG reel", "IG image", "IG carousel"}
    assert all(r[10] == "Lifetime" and r[3] == DEMO_BRAND and r[2] == "lumitea.official" for r in rows)
    assert all(re.fullmatch(r"\d\d/\d\d/2026 \d\d:\d\d", r[6]) for r in rows)
    assert all((r[5] == "0") == (r[8] != "IG reel") for r in rows)
    assert all((r[17] == "") == (r[8] == "IG reel") for r in rows)
    assert any("\n" in r[4] for r in rows) and any(ord(ch) > 0xFFFF for r in rows for ch in r[4])  # emoji
    for r in rows:
        reach, interactions = int(r[12]), sum(int(r[i]) for i in (13, 14, 15, 16))
        assert 0.005 <= interactions / reach <= 0.09


# ------------------------------------------------------------------------------------------------ TikTok

def test_tiktok_studio_files(demo: Path) -> None:
    headers = {
        "Overview.csv": '"Date","Video Views","Profile Views","Likes","Comments","Shares"',
        "FollowerHistory.csv": '"Date","Followers","Difference in followers from previous day"',
        "Content.csv": '"Time","Video title","Video link","Post time","Total likes","Total comments",'
                       '"Total shares","Total views"',
    }
    for name, header in headers.items():
        data = (demo / name).read_bytes()
        assert data.startswith(BOM + header.encode() + b"\n"), name
        assert not data.endswith(b"\n")
        text = data[3:].decode("utf-8")
        assert all(line.startswith('"') and line.endswith('"') for line in text.split("\n"))
    overview = _csv_rows((demo / "Overview.csv").read_bytes())[1:]
    history = _csv_rows((demo / "FollowerHistory.csv").read_bytes())[1:]
    content = _csv_rows((demo / "Content.csv").read_bytes())[1:]
    assert len(overview) == len(history) == DAYS
    assert overview[0][0] == "May 25" and overview[-1][0] == "November 22"
    yearless = re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|"
                          r"December) \d{1,2}")
    for r in overview + history:
        assert yearless.fullmatch(r[0]) and not re.search(r"\d{4}", r[0])
    assert all(r[0] == "November 22" and yearless.fullmatch(r[3]) for r in content)
    assert history[0][1] == "undefined"
    followers = [int(r[1]) for r in history if r[1] != "undefined"]
    diffs = [int(r[2]) for r in history if r[1] != "undefined"]
    assert all(b - a == d for a, b, d in zip(followers, followers[1:], diffs[1:], strict=False))
    assert any(r[1] == "" for r in content)  # an untitled video
    views = sorted(int(r[7]) for r in content)
    assert views[-1] > 5 * views[len(views) // 2]  # the viral video


# ------------------------------------------------------------------------------------------------ Xiaohongshu

def test_xiaohongshu_note_list(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "笔记列表明细表.xlsx")
    ws = wb.worksheets[0]
    assert ws.title == "Sheet1"
    assert ws["A1"].value == "最多导出排序后前1000条笔记"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:M1"]
    rows = list(ws.iter_rows(min_row=2))
    assert [c.value for c in rows[0]] == ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "封面点击率", "点赞", "评论",
                                          "收藏", "涨粉", "分享", "人均观看时长", "弹幕"]
    data = rows[1:]
    assert len(data) > 40
    times = [c[1].value for c in data]
    assert all(re.fullmatch(r"2026年\d\d月\d\d日\d\d时\d\d分\d\d秒", t) for t in times)
    assert times == sorted(times, reverse=True)
    assert {c[2].value for c in data} == {"图文", "视频"}
    assert all(cell.data_type == "n" for row in data for cell in row[3:])
    assert all(0 < row[5].value < 1 for row in data)


def test_xiaohongshu_followers_30_days(demo: Path) -> None:
    path = demo / "近30日涨粉数据.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["账号总体涨粉数据", "净涨粉趋势", "新增关注趋势", "取消关注趋势", "主页访客趋势", "主页转粉率趋势"]
    summary = dict(_sheet_rows(path, "账号总体涨粉数据")[1:])
    trends = {name: _sheet_rows(path, name) for name in wb.sheetnames[1:]}
    for name, rows in trends.items():
        assert rows[0] == ("日期", "数值") and len(rows) == 31, name
        assert rows[1][0] == "2026年11月22日" and rows[-1][0] == "2026年10月24日"
    assert all(isinstance(v, str) and re.fullmatch(r"\d+%", v) for _, v in trends["主页转粉率趋势"][1:])
    gained = sum(v for _, v in trends["新增关注趋势"][1:])
    lost = sum(v for _, v in trends["取消关注趋势"][1:])
    assert summary["新增关注"] == gained and summary["取消关注"] == lost and summary["净涨粉"] == gained - lost
    assert all(n == g - lost_ for (_, n), (_, g), (_, lost_) in
               zip(trends["净涨粉趋势"][1:], trends["新增关注趋势"][1:], trends["取消关注趋势"][1:], strict=True))


# ------------------------------------------------------------------------------------------------ Douyin

def test_douyin_work_list_all_text(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "作品列表导出.xlsx")
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率",
                                          "封面点击率", "2s跳出率", "平均播放时长", "点赞量", "分享量", "评论量", "收藏量",
                                          "主页访问量", "粉丝增量"]
    assert all(cell.data_type == "s" and isinstance(cell.value, str) for row in rows for cell in row)
    data = [[c.value for c in row] for row in rows[1:]]
    assert {r[2] for r in data} <= {"1min-视频", "1-3min视频", "图文"} and "图文" in {r[2] for r in data}
    assert {r[3] for r in data} == {"公开"}
    assert any(r[7] == "-" for r in data) and any(r[7] != "-" for r in data)
    assert all(re.fullmatch(r"0\.\d{6}", r[5]) for r in data)
    assert all(re.fullmatch(r"2026-\d\d-\d\d \d\d:\d\d:\d\d", r[1]) for r in data)
    assert any("\n" in r[0] for r in data)


def test_douyin_daily_files(demo: Path) -> None:
    total = _sheet_rows(demo / "daily_total_followers.xlsx")
    net = _sheet_rows(demo / "daily_new_followers.xlsx")
    views = _sheet_rows(demo / "daily_views.xlsx")
    assert total[0] == ("日期", "总粉丝量") and net[0] == ("日期", "净增粉丝") and views[0] == ("日期", "播放量")
    expected_dates = [(START + timedelta(days=i)).isoformat() for i in range(DAYS)]
    for rows in (total, net, views):
        assert [r[0] for r in rows[1:]] == expected_dates
    assert any(v < 0 for _, v in net[1:])
    followers = [v for _, v in total[1:]]
    assert all(b - a == n for a, b, (_, n) in zip(followers[:-1], followers[1:], net[2:], strict=True))
    assert followers[-1] > followers[0]


# ------------------------------------------------------------------------------------------------ WeChat

def test_wechat_channels_csv(demo: Path) -> None:
    data = (demo / "视频号动态数据明细.csv").read_bytes()
    header = ('"视频描述","视频ID","发布时间","完播率","平均播放时长","播放量","推荐","喜欢","评论量","分享量","关注量",'
              '"转发聊天和朋友圈","设为铃声","设为状态","设为朋友圈封面"\r\n')
    assert data.startswith(BOM + header.encode())
    assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")
    rows = _csv_rows(data)[1:]
    assert rows and all(len(r) == 15 for r in rows)
    for r in rows:
        assert r[1].startswith("export/Uz")
        assert re.fullmatch(r"2026/\d\d/\d\d", r[2])
        assert re.fullmatch(r"\d+\.\d\d%", r[3]) and re.fullmatch(r"\d+\.\d\d秒", r[4])


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_wechat_official_account_html_xls(demo: Path) -> None:
    data = (demo / "user_analysis.xls").read_bytes()
    assert data.startswith(b"<html>") and b"charset=utf-8" in data
    table = _Table()
    table.feed(data.decode("utf-8"))
    assert len(table.rows[0]) == 1 and "用户增长" in table.rows[0][0]
    assert table.rows[1] == ["时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数"]
    body = table.rows[2:]
    assert len(body) == DAYS and body[0][0] == END.isoformat() and body[-1][0] == START.isoformat()
    for r in body:
        assert int(r[1]) - int(r[2]) == int(r[3])
    cumulative = [int(r[4]) for r in reversed(body)]
    nets = [int(r[3]) for r in reversed(body)]
    assert all(b - a == n for a, b, n in zip(cumulative[:-1], cumulative[1:], nets[1:], strict=True))


# ------------------------------------------------------------------------------------------------ ads

def _num(text: str) -> float:
    return float(text.replace(",", ""))


def test_google_ads_campaign_reports(demo: Path) -> None:
    header = ("Campaign status,Campaign,Budget,Budget name,Budget type,Status,Status reasons,Campaign type,Impr.,CTR,"
              "Currency code,Cost,Clicks,Conv. rate,Conversions,Avg. CPC,Cost / conv.")
    reports = sorted(demo.glob("Campaign report *.csv"))
    assert len(reports) == 7
    spans = []
    for path in reports:
        data = path.read_bytes()
        assert not data.startswith(BOM)
        lines = data.decode("utf-8").split("\n")
        assert lines[0] == "Campaign report"
        m = re.fullmatch(r'"([A-Z][a-z]+ \d{1,2}, \d{4}) - ([A-Z][a-z]+ \d{1,2}, \d{4})"', lines[1])
        assert m, lines[1]
        spans.append(tuple(datetime.strptime(g, "%B %d, %Y").date() for g in m.groups()))
        assert lines[2] == header
        rows = _csv_rows(data, "utf-8")[3:]
        campaigns = [r for r in rows if not r[0].startswith("Total:")]
        totals = {r[0]: r for r in rows if r[0].startswith("Total:")}
        assert len(campaigns) == 4 and {"Total: Campaigns", "Total: Account"} <= set(totals)
        assert rows[-len(totals):] == list(totals.values())  # totals at the bottom
        assert all(r[3] == " --" and r[10] == "CNY" for r in campaigns)
        for label in ("Total: Campaigns", "Total: Account"):
            t = totals[label]
            for col in (8, 11, 12, 14):  # Impr., Cost, Clicks, Conversions
                assert round(sum(_num(r[col]) for r in campaigns), 2) == _num(t[col]), (path.name, label, col)
        assert totals["Total: Campaigns"][1:6] == [" --"] * 5
        assert all(r[9] == " --" or r[9].endswith("%") for r in rows)
    assert spans[0][0] == START and spans[-1][1] == END
    assert all(b + timedelta(days=1) == c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))
    raw = b"".join(p.read_bytes() for p in reports)
    assert re.search(rb',"\d{1,3},\d{3}",', raw)  # quoted thousands
    assert b"Total: Performance Max" in raw and b"Paused" in raw


def test_meta_ads_reports(demo: Path) -> None:
    reports = sorted(demo.glob("Lumi-Tea-Ads-*.xlsx"))
    assert len(reports) == 7
    spend_all, value_all = 0.0, 0.0
    for path in reports:
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        rows = [[c for c in row] for row in ws.iter_rows()]
        header = [c.value for c in rows[0]]
        for col in ("Campaign name", "Ad set name", "Ad name", "Reporting starts", "Reporting ends",
                    "Amount spent (CNY)", "Impressions", "Reach", "Link clicks", "Results", "Result indicator",
                    "Purchases", "Purchases conversion value"):
            assert col in header
        ix = {name: i for i, name in enumerate(header)}
        total, ads = rows[1], rows[2:]
        assert ads and total[ix["Campaign name"]].value is None and total[ix["Ad name"]].value is None
        for row in rows[1:]:
            assert row[ix["Reporting starts"]].data_type == "s" and row[ix["Reporting ends"]].data_type == "s"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", row[ix["Reporting starts"]].value)
        spend = [r[ix["Amount spent (CNY)"]].value for r in ads]
        assert total[ix["Amount spent (CNY)"]].value == pytest.approx(sum(spend))
        assert total[ix["Impressions"]].value == sum(r[ix["Impressions"]].value for r in ads)
        assert total[ix["Reach"]].value < sum(r[ix["Reach"]].value for r in ads)  # reach is de-duplicated
        spend_all += sum(spend)
        value_all += sum(r[ix["Purchases conversion value"]].value or 0 for r in ads)
    assert 0.8 < value_all / spend_all < 3.0  # some campaigns pay back, others do not


# ------------------------------------------------------------------------------------------------ lifecycle

EVENT_HEADER = "event_key,user_id,occurred_at,event_type,channel,revenue,currency,quantity,properties"
ACTIVITY_TYPES = {"signup", "join_group", "message", "like", "comment", "check_in", "view_product", "add_to_cart"}
CHANNELS = {"xiaohongshu", "douyin", "wechat", "instagram", "tiktok", "google_ads", "meta_ads", "organic"}


@pytest.fixture(scope="module")
def events(demo: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    out = []
    for name in ("activity_log.csv", "orders.csv"):
        data = (demo / name).read_bytes()
        assert data.startswith(EVENT_HEADER.encode() + b"\n")
        out.append(list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))))
    return out[0], out[1]


def test_events_layout(events: tuple[list[dict[str, str]], list[dict[str, str]]]) -> None:
    activity, orders = events
    assert {e["event_type"] for e in activity} == ACTIVITY_TYPES
    assert {e["event_type"] for e in orders} == {"purchase"}
    assert {e["channel"] for e in activity} == CHANNELS
    assert len(activity) + len(orders) < 80_000
    keys = [e["event_key"] for e in activity + orders]
    assert len(set(keys)) == len(keys)
    lo, hi = datetime.combine(START, datetime.min.time()), datetime.combine(END + timedelta(days=1),
                                                                           datetime.min.time())
    for e in activity + orders:
        assert e["occurred_at"].endswith("+08:00")
        assert lo <= datetime.fromisoformat(e["occurred_at"]).replace(tzinfo=None) < hi
    assert all(e["revenue"] == e["currency"] == e["quantity"] == "" for e in activity)
    for o in orders:
        assert float(o["revenue"]) > 0 and o["currency"] == "CNY" and int(o["quantity"]) >= 1
        assert "sku" in json.loads(o["properties"])
    assert any(e["properties"].startswith("{") for e in activity) and any(e["properties"] == "" for e in activity)


def test_events_lifecycle_shape(events: tuple[list[dict[str, str]], list[dict[str, str]]]) -> None:
    activity, orders = events
    by_user: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for e in activity + orders:
        by_user[e["user_id"]].append((datetime.fromisoformat(e["occurred_at"]), e["event_type"], e["channel"]))
    assert 3_600 <= len(by_user) <= 4_400
    signups = Counter()
    for evs in by_user.values():
        evs.sort(key=lambda x: x[0])
        assert evs[0][1] == "signup"
        assert len(evs) == 1 or evs[0][0] < evs[1][0]  # strictly first, no tie
        assert sum(1 for e in evs if e[1] == "signup") == 1
        assert len({e[2] for e in evs}) == 1  # channel = acquisition channel
        signups[evs[0][2]] += 1
    assert set(signups) == CHANNELS
    buyers = Counter(o["user_id"] for o in orders)
    assert 0.18 <= len(buyers) / len(by_user) <= 0.32
    assert sum(1 for n in buyers.values() if n > 1) >= 0.15 * len(buyers)  # repeat purchasers
    sizes = sorted(len(v) for v in by_user.values())
    assert sizes[len(sizes) // 2] <= 8 and sizes[-1] >= 40  # many one-off users, a core of regulars
    # some users go silent for a month and come back
    comebacks = 0
    for evs in by_user.values():
        gaps = [(b[0] - a[0]).days for a, b in zip(evs, evs[1:], strict=False)]
        comebacks += any(g >= 28 for g in gaps)
    assert comebacks >= 100
