"""Bytes -> tables of text cells: real export samples plus synthetic files for each quirk."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from dashboard.ingest import read
from dashboard.ingest.read import MAX_ARCHIVE_BYTES, ReadError, Table, expand_archive, read_tables

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
ALL_SAMPLES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix != ".md")

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")


def sample_tables(relative: str) -> list[Table]:
    path = SAMPLES / relative
    return read_tables(path.name, path.read_bytes())


def sample_table(relative: str) -> Table:
    tables = sample_tables(relative)
    assert len(tables) == 1
    return tables[0]


def read_one(data: bytes, name: str = "upload.csv") -> Table:
    tables = read_tables(name, data)
    assert len(tables) == 1
    return tables[0]


def read_error(data: bytes, name: str = "upload.csv") -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_tables(name, data)
    return caught.value


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def make_xlsx(fill) -> bytes:
    workbook = openpyxl.Workbook()
    fill(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------
# Every real sample reads


@needs_samples
def test_samples_are_present():
    assert len(ALL_SAMPLES) >= 22


@needs_samples
@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_sample_reads(path: Path):
    tables = read_tables(path.name, path.read_bytes())
    assert tables
    for table in tables:
        assert table.source == path.name
        assert len(table.rows) == len(table.line_numbers) >= 2
        assert table.line_numbers == sorted(set(table.line_numbers))
        assert all(isinstance(cell, str) for row in table.rows for cell in row)
        assert all(any(cell.strip() for cell in row) for row in table.rows)
        assert not table.rows[0][0].startswith("\ufeff")


@needs_samples
def test_meta_utf16_follows():
    table = sample_table("meta_page_daily_utf16/oigetit_fb_Follows.csv")
    assert table.rows[:3] == [["Follows"], ["Date", "Primary"], ["2025-01-01T01:00:00", "0"]]
    assert table.encoding == "utf-16"
    assert table.delimiter == ","
    assert table.sheet is None
    assert table.line_numbers[:3] == [2, 3, 4]  # line 1 is the dropped "sep=," line
    assert len(table.rows) == 107
    assert table.line_numbers[-1] == 108  # the empty trailing line is not a row


@needs_samples
def test_meta_utf16_reach():
    table = sample_table("meta_page_daily_utf16/oigetit_fb_Reach.csv")
    assert table.rows[:2] == [["Facebook reach"], ["Date", "Primary"]]
    assert (table.encoding, table.delimiter, len(table.rows)) == ("utf-16", ",", 107)


@needs_samples
def test_meta_business_suite_facebook_posts_ragged_and_multiline():
    table = sample_table(
        "meta_business_suite_facebook/oigetit_fb_Jan-14-2025_Apr-14-2025_1396269028466733.csv"
    )
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    assert len(table.rows) == 262
    assert table.rows[0][:3] == ["Post ID", "Page ID", "Page name"]  # BOM stripped
    assert table.rows[0][19] == "Reactions, Comments and Shares"
    assert Counter(len(row) for row in table.rows) == {31: 257, 27: 5}
    assert [len(row) for row in table.rows[-5:]] == [27] * 5  # ragged rows kept, not padded
    first_post = table.rows[1]
    assert first_post[0] == "939005954986064"
    assert first_post[3].startswith("Six years into South Africa’s 4IR journey!")
    assert "\n\nRead Full Article: https://oigetit.app.link/AHYufAG31Qb\n" in first_post[3]
    assert first_post[6] == "02/16/2025 05:14"
    assert table.line_numbers[:3] == [1, 2, 10]  # the caption spans lines 2-9


@needs_samples
def test_instagram_posts():
    table = sample_table("instagram/oigetit_ig_Mar-18-2025_Apr-14-2025_1019826952924933.csv")
    assert (table.encoding, table.delimiter, len(table.rows)) == ("utf-8-sig", ",", 79)
    assert table.rows[0][-4:] == ["Shares", "Comments", "Saves", "Follows"]
    assert table.rows[1][:3] == ["18355151116178767", "17841446494080465", "oigetit_sa"]
    assert table.rows[1][8] == "IG reel"
    assert "\n\n#oigetit #oigetitfakenewsfilter #capetown #tourism" in table.rows[1][4]


@needs_samples
def test_legacy_facebook_post_level():
    table = sample_table(
        "facebook/Facebook Insights Data Export (Post Level) - Visualization Studio VIC - 2014-08-24 - 2015-02-19.csv"
    )
    assert (table.encoding, table.delimiter, len(table.rows)) == ("utf-8-sig", ",", 100)
    assert {len(row) for row in table.rows} == {95}
    assert table.rows[0][0] == "Post ID"
    assert (
        table.rows[1][8]
        == "Lifetime: The total number of people your Page post was served to. (Unique Users)"
    )
    assert table.rows[2][0] == "518995791497187_922831414446954"
    assert table.rows[2][7] == " "  # 'Audience Targeting' is a single space: cells are not stripped
    assert table.line_numbers[-1] == 206


@needs_samples
def test_google_ads_campaign_report_preamble():
    table = sample_table("google_ads/clinic_EUR_Campaign report.csv")
    assert (table.encoding, table.delimiter, len(table.rows)) == ("utf-8", ",", 9)
    assert table.rows[0] == ["Campaign report"]
    assert table.rows[1] == ["March 27, 2026 - April 23, 2026"]
    assert table.rows[2][:2] == ["Campaign status", "Campaign"]
    assert len(table.rows[2]) == 17
    assert table.rows[3][3] == " --"  # leading space kept
    assert table.rows[5][1] == "Οδοντικά Εμφυτεύματα Αθήνα"
    assert table.rows[-1][0] == "Total: Smart"


@needs_samples
def test_google_ads_overview_card():
    table = sample_table("google_ads/londonclean_overview_Time_series(2026.02.05-2026.02.10).csv")
    assert len(table.rows) == 7
    assert table.rows[0] == ["Date", "Clicks", "Impressions", "Avg. CPC", "Cost"]
    assert table.rows[1] == ["Thu, 5 Feb 2026", "0", "0", "US$0.00", "US$0.00"]


@needs_samples
def test_tiktok_studio_files():
    overview = sample_table("tiktok/haileytupy_Overview.csv")
    assert (overview.encoding, overview.delimiter, len(overview.rows)) == ("utf-8-sig", ",", 366)
    assert overview.rows[0] == ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]
    assert overview.rows[1] == ["February 28", "0", "0", "0", "0", "0"]
    viewers = sample_table("tiktok/haileytupy_Viewers.csv")
    assert viewers.rows[1] == ["February 28", "undefined", "0", "0"]
    history = sample_table("tiktok/haileytupy_FollowerHistory.csv")
    assert (len(history.rows), history.rows[0][1]) == (366, "Followers")
    content = sample_table("tiktok/haileytupy_Content.csv")
    assert len(content.rows) == 14
    assert content.rows[1][2] == "https://www.tiktok.com/@haileytupy2.0/video/7527623000473079054"
    assert content.rows[1][3:] == ["July 16", "533", "32", "16", "191265"]


@needs_samples
def test_twitter_files():
    legacy = sample_table("twitter/tweet_activity_metrics_rOpenSci_20190501_20190601_en.csv")
    assert (legacy.encoding, legacy.delimiter, len(legacy.rows)) == ("utf-8", ",", 30)
    assert {len(row) for row in legacy.rows} == {40}
    assert legacy.rows[1][:5] == [
        "1134474618603880448",
        "https://twitter.com/rOpenSci/status/1134474618603880448",
        legacy.rows[1][2],
        "2019-05-31 15:00 +0000",
        "3405.0",  # floats written as text stay as written
    ]
    content = sample_table("twitter/newsnoteworthy_account_analytics_content_2025-11-02_2025-11-09.csv")
    assert (len(content.rows), len(content.rows[0])) == (25, 17)
    assert content.rows[1][:2] == ["1987315260559167965", "Sun, Nov 9, 2025"]
    junk = [row for row in content.rows if row[0] == ""]
    assert len(junk) == 2 and junk[0][3] == "https://x.com/newsnoteworthy/status/undefined"
    overview = sample_table("twitter/koe_account_overview_analytics.csv")
    assert len(overview.rows) == 8
    assert overview.rows[-1][:3] == ["Wed, Aug 20, 2025", "468", "7"]  # no trailing newline


@needs_samples
def test_youtube_files():
    content = sample_table("youtube/suuz_content_Table data.csv")
    assert (content.encoding, len(content.rows)) == ("utf-8", 26)
    assert content.rows[1] == ["Total", "", "", "", "61685", "1384.3735", "281", "843001", "6.31"]
    assert content.rows[2][2] == "Apr 29, 2020"
    totals = sample_table("youtube/codingtrain_geography_Totals.csv")
    assert len(totals.rows) == 366
    assert totals.rows[:2] == [["Date", "Views"], ["2020-12-31", "31964"]]


@needs_samples
def test_douyin_numbers_stored_as_text_are_kept():
    table = sample_table("douyin/video_list.xlsx")
    assert (table.sheet, table.encoding, table.delimiter) == ("Sheet1", None, None)
    assert len(table.rows) == 23
    assert table.rows[0][4] == "播放量"
    assert table.rows[1][1:6] == ["2026-04-03 21:26:39", "图文", "公开", "34606", "0.366807"]
    assert table.line_numbers[:3] == [1, 2, 3]


@needs_samples
def test_douyin_daily_numeric_cells():
    table = sample_table("douyin/daily_new_followers.xlsx")
    assert len(table.rows) == 31
    assert table.rows[:3] == [["日期", "净增粉丝"], ["2026-03-14", "-2"], ["2026-03-15", "6"]]


@needs_samples
def test_xiaohongshu_note_list():
    table = sample_table("xiaohongshu/caser_笔记列表明细表.xlsx")
    assert len(table.rows) == 43
    # the note row is merged across A1:M1; only its first cell shows the text, as in Excel
    assert table.rows[0] == ["最多导出排序后前1000条笔记"] + [""] * 12
    assert table.rows[1][:4] == ["笔记标题", "首次发布时间", "体裁", "曝光"]
    assert table.rows[2] == [
        "学术成果｜李昂然在J. Fam. Issues发表论文",
        "2026年03月16日08时00分29秒",
        "图文",
        "181",
        "57",
        "0.246",
        "5",
        "0",
        "1",
        "0",
        "0",
        "72",
        "0",
    ]


@needs_samples
def test_xiaohongshu_followers_workbook_has_one_table_per_sheet():
    tables = sample_tables("xiaohongshu/caser_近30日涨粉数据.xlsx")
    assert [t.sheet for t in tables] == [
        "账号总体涨粉数据",
        "净涨粉趋势",
        "新增关注趋势",
        "取消关注趋势",
        "主页访客趋势",
        "主页转粉率趋势",
    ]
    assert [len(t.rows) for t in tables] == [11, 31, 31, 31, 31, 31]
    assert tables[0].rows[1] == ["净涨粉", "10"]
    assert tables[5].rows[1] == ["2026年03月16日", "0%"]


@needs_samples
def test_linkedin_workbook_sheets():
    metrics, posts = sample_tables("linkedin/pro-efficient-data-entry_content_1742193384396.xlsx")
    assert (metrics.sheet, posts.sheet) == ("Metrics", "All posts")
    assert (len(metrics.rows), len(posts.rows)) == (31, 9)
    assert metrics.rows[0][:2] == ["Date", "Impressions (organic)"]
    assert metrics.rows[-1][:4] == ["03/15/2025", "11", "0", "11"]
    assert posts.rows[1][5] == "03/14/2025"
    assert posts.rows[1][9:14] == ["26", "", "", "2", "0.07692307978868484"]
    assert "\n\nContact Us : +1201 920 9709\n" in posts.rows[1][0]


@needs_samples
def test_meta_ads_workbook():
    table = sample_table("meta_ads/MH4U-Ads-Feb-11-2021-Mar-11-2024.xlsx")
    assert (table.sheet, len(table.rows)) == ("Worksheet", 52)
    assert table.rows[0][19] == "Amount spent (UAH)"
    assert table.rows[1][13:16] == ["1211188", "3159843", ""]  # account total row
    assert table.rows[2][15] == "2.57017167"
    assert table.rows[2][19] == "1197.7"
    assert table.rows[2][9] == "2023-04-21T14:51:11+0300"


# --------------------------------------------------------------------------------------------------
# Text encodings


def test_utf16le_tab_with_sep_line_and_crlf():
    text = (
        "sep=\t\r\n"
        "Facebook followers\r\n"
        "FB_PAGE\tFOLLOW\tUNIQUE_USERS\r\n"
        "30222\r\n"
        "\r\n"
        "Top cities\r\n"
        "Lviv\t Lviv Oblast\t Ukraine\t8.7%\r\n"
    )
    table = read_one(b"\xff\xfe" + text.encode("utf-16-le"), "Audience.csv")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.rows == [
        ["Facebook followers"],
        ["FB_PAGE", "FOLLOW", "UNIQUE_USERS"],
        ["30222"],
        ["Top cities"],
        ["Lviv", " Lviv Oblast", " Ukraine", "8.7%"],
    ]
    assert table.line_numbers == [2, 3, 4, 6, 7]


def test_utf16be_with_bom():
    table = read_one(b"\xfe\xff" + '"Date","Primary"\n"2025-01-01","3"\n'.encode("utf-16-be"))
    assert table.encoding == "utf-16"
    assert table.rows == [["Date", "Primary"], ["2025-01-01", "3"]]


def test_utf16le_without_bom():
    table = read_one("Date\tViews\n2025-01-01\t12\n".encode("utf-16-le"))
    assert (table.encoding, table.delimiter) == ("utf-16-le", "\t")
    assert table.rows == [["Date", "Views"], ["2025-01-01", "12"]]


def test_gbk_chinese_csv_is_not_read_as_cp1252_or_korean():
    data = "日期,播放量\n2026-03-14,1656\n".encode("gbk")
    assert data.decode("cp1252")  # the trap: these bytes are valid cp1252 (and EUC-KR) too
    table = read_one(data)
    assert table.encoding == "gb18030"
    assert table.rows == [["日期", "播放量"], ["2026-03-14", "1656"]]


def test_gbk_daily_summary_with_explanation_line():
    data = "按天汇总数据，说明：以下为近30日数据\r\n日期,播放量,点赞量\r\n2026-03-14,1656,20\r\n".encode(
        "gbk"
    )
    table = read_one(data)
    assert table.encoding == "gb18030"
    assert table.rows == [
        ["按天汇总数据，说明：以下为近30日数据"],
        ["日期", "播放量", "点赞量"],
        ["2026-03-14", "1656", "20"],
    ]


def test_cp1252_legacy_page_export():
    data = 'Date,"Lifetime Likes by City - Barcelona, Cataluña, Spain"\r\n1/1/2014,5\r\n'.encode("cp1252")
    table = read_one(data)
    assert (table.encoding, table.delimiter) == ("cp1252", ",")
    assert table.rows == [["Date", "Lifetime Likes by City - Barcelona, Cataluña, Spain"], ["1/1/2014", "5"]]


def test_cp1252_typographic_quotes():
    table = read_one("Title,Views\n“Smart” quotes – and €12,5\n".encode("cp1252"))
    assert table.encoding == "cp1252"
    assert table.rows[1] == ["“Smart” quotes – and €12", "5"]


def test_cp1251_bulgarian_excel_resave():
    data = "Възраст;Жени;Мъже\r\n18-24;3.апр;6.5\r\n".encode("cp1251")
    table = read_one(data, "Audience.csv")
    assert (table.encoding, table.delimiter) == ("cp1251", ";")
    assert table.rows == [["Възраст", "Жени", "Мъже"], ["18-24", "3.апр", "6.5"]]


def test_shift_jis():
    table = read_one("ポストID,日付\n1,2\n".encode("shift_jis"))
    assert table.encoding == "shift_jis"
    assert table.rows[0] == ["ポストID", "日付"]


def test_utf8_bom_is_stripped_even_before_a_quoted_header():
    table = read_one(b'\xef\xbb\xbf"Date","Views"\n"March 1","5"\n')
    assert table.encoding == "utf-8-sig"
    assert table.rows == [["Date", "Views"], ["March 1", "5"]]


# --------------------------------------------------------------------------------------------------
# Delimiters and CSV structure


def test_quoted_sep_line_sets_semicolon():
    table = read_one(b'"sep=;"\nDate;Primary\n2025-10-31;4\n')
    assert table.delimiter == ";"
    assert table.rows == [["Date", "Primary"], ["2025-10-31", "4"]]
    assert table.line_numbers == [2, 3]


def test_semicolon_excel_resave_is_sniffed():
    table = read_one(b"Facebook follows;\nDate;Primary\n2025-10-31T00:00:00;4\n2025-11-01T00:00:00;0\n")
    assert (table.encoding, table.delimiter) == ("utf-8", ";")
    assert table.rows == [
        ["Facebook follows", ""],
        ["Date", "Primary"],
        ["2025-10-31T00:00:00", "4"],
        ["2025-11-01T00:00:00", "0"],
    ]


def test_semicolon_with_decimal_commas():
    table = read_one(
        "Date;Montant dépensé (EUR);Reach\n2024-03-01;1 234,56;9,5\n2024-03-02;7,10;3\n".encode()
    )
    assert table.delimiter == ";"
    assert table.rows[1] == ["2024-03-01", "1 234,56", "9,5"]


def test_tab_separated_with_commas_in_cells():
    table = read_one(b"City\tShare\nLviv, Lviv Oblast, Ukraine\t8.7%\nKyiv, Ukraine\t5.1%\n")
    assert table.delimiter == "\t"
    assert table.rows[1] == ["Lviv, Lviv Oblast, Ukraine", "8.7%"]


def test_pipe_separated():
    table = read_one(b"date|views|likes\n2025-01-01|10|2\n2025-01-02|11|3\n")
    assert table.delimiter == "|"
    assert table.rows[2] == ["2025-01-02", "11", "3"]


def test_one_column_file():
    table = read_one(b"Keyword\nshoes\nred shoes\n")
    assert table.delimiter == ","
    assert table.rows == [["Keyword"], ["shoes"], ["red shoes"]]


def test_whole_line_quoted_excel_damage_is_reparsed():
    original = [
        'Video asset ID,"Universal video ID",Title,Views',
        '123,"u-1","Hello, world",5',
        '124,"u-2","Say ""hi""",7',
    ]
    wrapped = "".join('"' + line.replace('"', '""') + '"\r\n' for line in original)
    table = read_one(wrapped.encode())
    assert table.delimiter == ","
    assert table.rows == [
        ["Video asset ID", "Universal video ID", "Title", "Views"],
        ["123", "u-1", "Hello, world", "5"],
        ["124", "u-2", 'Say "hi"', "7"],
    ]
    assert table.line_numbers == [1, 2, 3]


def test_cdnow_whitespace_log():
    data = (
        b" 00004 0001 19970101  2\t  29.33\r\n"
        b" 00004 0001 19970118  2   29.73\r\n"
        b" 00004 0001 19970802  1   14.96\r\n"
        b" 00018 0002 19970101  1   11.77\r\n"
    )
    table = read_one(data, "CDNOW_sample.txt")
    assert table.delimiter == " "
    assert table.rows[0] == ["00004", "0001", "19970101", "2", "29.33"]
    assert table.rows[3] == ["00018", "0002", "19970101", "1", "11.77"]
    assert table.line_numbers == [1, 2, 3, 4]


def test_prose_lines_are_not_whitespace_columns():
    table = read_one(b"Notes\nfirst post went well\nsecond post was bad\n")
    assert table.delimiter == ","
    assert table.rows[1] == ["first post went well"]


def test_multiline_cells_blank_rows_and_line_numbers():
    data = b'a,b\n\n1,"x\ny"\n,\n  ,\t\n2,z'
    table = read_one(data)
    assert table.rows == [["a", "b"], ["1", "x\ny"], ["2", "z"]]
    assert table.line_numbers == [1, 3, 7]


def test_unbalanced_quote_past_field_limit_falls_back_to_literal_quotes():
    data = b'a,b\n"x,1\n' + b"1,2\n" * 40_000
    table = read_one(data)
    assert table.rows[:3] == [["a", "b"], ['"x', "1"], ["1", "2"]]
    assert len(table.rows) == 40_002


def test_one_giant_field_is_not_a_table():
    assert read_error(b"x" * 200_000).code == "binary_file"


def test_ragged_rows_are_not_padded():
    table = read_one(b"a,b,c,d\n1,2,3,4\n5,6\n7,8,9,10\n")
    assert [len(row) for row in table.rows] == [4, 4, 2, 4]


def test_crlf_and_cr_only_line_endings():
    assert read_one(b"a,b\r\n1,2\r\n").rows == [["a", "b"], ["1", "2"]]
    cr_only = read_one(b"a,b\r1,2\r3,4")
    assert cr_only.rows == [["a", "b"], ["1", "2"], ["3", "4"]]
    assert cr_only.line_numbers == [1, 2, 3]


def test_trailing_cr_is_stripped_from_cells():
    table = read_one(b"a,b\r\r\n1,2\r\r\n")
    assert table.rows == [["a", "b"], ["1", "2"]]


def test_unicode_line_separators_inside_cells_do_not_split_rows():
    table = read_one("a,b\n1,x\u2028y\x85z\n2,w\n".encode())
    assert table.rows == [["a", "b"], ["1", "x\u2028y\x85z"], ["2", "w"]]
    assert table.line_numbers == [1, 2, 3]


def test_preamble_with_quoted_commas_does_not_fool_sniffing():
    data = b'Ad report\n"March 27, 2026 - April 23, 2026"\nAd,Impr.,Clicks\nA,"25,881",3\nB,10,1\n'
    table = read_one(data)
    assert table.delimiter == ","
    assert table.rows[1] == ["March 27, 2026 - April 23, 2026"]
    assert table.rows[3] == ["A", "25,881", "3"]


# --------------------------------------------------------------------------------------------------
# HTML saved as .xls


WECHAT_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta charset="utf-8"><style>td { color: red; }</style></head>
<body>
<table border="1">
  <tr><th colspan="5">用户分析 &amp; 增长</th></tr>
  <tr><td>时间</td><td>新关注人数</td><td>取消关注人数</td><td>净增关注人数</td><td>累积关注人数</td></tr>
  <tr><td>2025-01-01</td><td>12</td><td>3</td><td>9</td><td>1,024</td></tr>
  <tr><td>&nbsp;</td><td></td><td></td><td></td><td></td></tr>
  <tr>
    <td rowspan="2">2025-01-02</td><td>  5 </td><td>1</td><td>4</td><td>1,028</td>
  </tr>
  <tr><td>6</td><td>0</td><td>6</td><td>1,034</td></tr>
  <tr><td>备注</td><td>第一行<br>第二行</td></tr>
</table>
</body></html>
"""


def test_html_table_saved_as_xls():
    table = read_one(WECHAT_HTML.encode("utf-8"), "user_analysis.xls")
    assert (table.sheet, table.delimiter, table.encoding) == (None, None, "utf-8")
    assert table.rows == [
        ["用户分析 & 增长", "", "", "", ""],
        ["时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数"],
        ["2025-01-01", "12", "3", "9", "1,024"],
        ["2025-01-02", "5", "1", "4", "1,028"],
        ["", "6", "0", "6", "1,034"],
        ["备注", "第一行 第二行"],
    ]
    assert table.line_numbers == [5, 6, 7, 9, 12, 13]


def test_html_in_gbk_with_two_tables():
    page = "<table><tr><td>日期</td><td>阅读人数</td></tr><tr><td>2025-01-01</td><td>7</td></tr></table>\n"
    page += "<table><tr><td>渠道</td></tr><tr><td>搜一搜</td></tr></table>"
    tables = read_tables("tendency.xls", page.encode("gbk"))
    assert [t.rows for t in tables] == [
        [["日期", "阅读人数"], ["2025-01-01", "7"]],
        [["渠道"], ["搜一搜"]],
    ]
    assert tables[0].encoding == "gb18030"


def test_html_rowspan_in_last_column_and_cells_without_tr():
    page = (
        b"<table><tr><td>a</td><td rowspan=2>b</td></tr><tr><td>c</td></tr>"
        b"<tr><td colspan=2 rowspan=2>d</td><td>e</td></tr><tr><td>f</td></tr></table>"
        b"<table><td>loose</td><td>cells</td></table>"
    )
    first, second = read_tables("page.html", page)
    assert first.rows == [["a", "b"], ["c", ""], ["d", "", "e"], ["", "", "f"]]
    assert second.rows == [["loose", "cells"]]


def test_xhtml_with_xml_prolog_is_html():
    page = b'<?xml version="1.0"?>\n<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>'
    assert read_one(page, "user_analysis.xls").rows == [["a", "b"]]


def test_html_without_table():
    assert (
        read_error(b"<html><body><p>Session expired</p></body></html>", "user_analysis.xls").code
        == "no_table"
    )


# --------------------------------------------------------------------------------------------------
# Workbooks


def test_xlsx_cell_types_positions_merges_and_empty_sheets():
    def fill(workbook):
        sheet = workbook.active
        sheet.title = "Data"
        sheet["C3"] = "Report note"
        sheet.merge_cells("C3:E3")
        sheet.append([])
        sheet["C5"], sheet["D5"], sheet["E5"] = "text 0012", 1938.0, 0.246
        sheet["C6"], sheet["D6"], sheet["E6"] = (
            dt.datetime(2026, 3, 14, 19, 31, 43),
            dt.date(2026, 3, 14),
            True,
        )
        sheet["C8"], sheet["D8"], sheet["E8"] = dt.time(19, 31, 43), -2, False
        workbook.create_sheet("Empty")
        workbook.create_sheet("Second")["A1"] = "only"

    tables = read_tables("book.xlsx", make_xlsx(fill))
    assert [t.sheet for t in tables] == ["Data", "Second"]
    data = tables[0]
    assert (data.source, data.encoding, data.delimiter) == ("book.xlsx", None, None)
    assert data.rows == [
        ["", "", "Report note", "", ""],
        ["", "", "text 0012", "1938", "0.246"],
        ["", "", "2026-03-14 19:31:43", "2026-03-14", "TRUE"],
        ["", "", "19:31:43", "-2", "FALSE"],
    ]
    assert data.line_numbers == [3, 5, 6, 8]
    assert tables[1].rows == [["only"]]


def test_xlsx_detected_by_content_not_extension():
    data = make_xlsx(lambda wb: wb.active.append(["a", 1.5]))
    assert read_one(data, "report.csv").rows == [["a", "1.5"]]


def test_workbook_with_only_empty_sheets():
    assert read_error(make_xlsx(lambda wb: None), "blank.xlsx").code == "no_table"


def test_truncated_xlsx():
    data = make_xlsx(lambda wb: wb.active.append(["a", 1]))
    truncated = data[: len(data) // 2]
    assert read_error(truncated, "report.xlsx").code == "corrupt_workbook"
    assert read_error(truncated, "upload.bin").code == "corrupt_workbook"
    assert expand_archive("report.xlsx", truncated) == [("report.xlsx", truncated)]


def test_xlsx_with_broken_xml():
    data = make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook"})
    assert read_error(data, "report.xlsx").code == "corrupt_workbook"


def test_corrupt_biff_xls():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4
    assert read_error(data, "linkedin_content.xls").code == "corrupt_workbook"


# --------------------------------------------------------------------------------------------------
# Archives


def test_zip_of_two_csvs():
    data = make_zip(
        {
            "a.csv": b"Date,Views\n2020-12-31,5\n",
            "b.csv": b"Date,Likes\n2020-12-31,2\n",
            "__MACOSX/._a.csv": b"\x00\x05\x16\x07junk",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "sub/": b"",
        }
    )
    assert expand_archive("x.zip", data) == [
        ("x.zip/a.csv", b"Date,Views\n2020-12-31,5\n"),
        ("x.zip/b.csv", b"Date,Likes\n2020-12-31,2\n"),
    ]
    tables = read_tables("x.zip", data)
    assert [(t.source, t.rows) for t in tables] == [
        ("x.zip/a.csv", [["Date", "Views"], ["2020-12-31", "5"]]),
        ("x.zip/b.csv", [["Date", "Likes"], ["2020-12-31", "2"]]),
    ]


def test_youtube_style_zip_with_folder_and_unreadable_member():
    data = make_zip(
        {
            "Content 2020-01-01_2020-12-31 Channel/Table data.csv": b"Content,Views\nTotal,5\n",
            "Content 2020-01-01_2020-12-31 Channel/readme.pdf": b"%PDF-1.4 ...",
        }
    )
    tables = read_tables("Content.zip", data)
    assert [t.source for t in tables] == ["Content.zip/Content 2020-01-01_2020-12-31 Channel/Table data.csv"]


def test_zip_whose_members_all_fail_reports_the_member_error():
    error = read_error(make_zip({"scan.png": b"\x89PNG\r\n\x1a\n" + bytes(20)}), "x.zip")
    assert (error.code, error.params["kind"], error.params["name"]) == (
        "unsupported_format",
        "image",
        "x.zip/scan.png",
    )


def test_nested_zip_is_expanded_one_level():
    inner = make_zip({"a.csv": b"a,b\n1,2\n"})
    deepest = make_zip({"deep.csv": b"x\n1\n"})
    outer = make_zip(
        {"inner.zip": inner, "c.csv": b"c,d\n3,4\n", "two/levels.zip": make_zip({"d.zip": deepest})}
    )
    members = expand_archive("outer.zip", outer)
    assert [name for name, _ in members] == [
        "outer.zip/inner.zip/a.csv",
        "outer.zip/c.csv",
        "outer.zip/two/levels.zip/d.zip",
    ]
    tables = read_tables("outer.zip", outer)
    assert [(t.source, t.rows[1]) for t in tables] == [
        ("outer.zip/inner.zip/a.csv", ["1", "2"]),
        ("outer.zip/c.csv", ["3", "4"]),
    ]


def test_xlsx_inside_zip_stays_a_workbook():
    book = make_xlsx(lambda wb: wb.active.append(["Date", "Views"]))
    members = expand_archive("export.zip", make_zip({"Overview.xlsx": book}))
    assert members == [("export.zip/Overview.xlsx", book)]
    (table,) = read_tables("export.zip", make_zip({"Overview.xlsx": book}))
    assert (table.source, table.sheet, table.rows) == (
        "export.zip/Overview.xlsx",
        "Sheet",
        [["Date", "Views"]],
    )


def test_workbook_and_plain_files_are_not_expanded():
    book = make_xlsx(lambda wb: None)
    assert expand_archive("book.xlsx", book) == [("book.xlsx", book)]
    assert expand_archive("a.csv", b"a,b\n") == [("a.csv", b"a,b\n")]


def zip_with_raw_name(raw_name: bytes, content: bytes) -> bytes:
    """A zip whose member name is raw bytes without the UTF-8 flag, as old Windows tools write it."""
    placeholder = b"X" * len(raw_name)
    data = make_zip({placeholder.decode(): content})
    assert data.count(placeholder) == 2  # local header and central directory
    return data.replace(placeholder, raw_name)


def test_gbk_member_names_from_chinese_windows_zip():
    data = zip_with_raw_name("作品数据.csv".encode("gbk"), b"a\n1\n")
    assert expand_archive("导出.zip", data) == [("导出.zip/作品数据.csv", b"a\n1\n")]


def test_utf8_member_names_without_flag():
    data = zip_with_raw_name("données.csv".encode(), b"a\n1\n")
    assert [name for name, _ in expand_archive("x.zip", data)] == ["x.zip/données.csv"]


def test_cp437_member_names_stay_cp437_when_not_utf8_or_gbk():
    raw = "café.csv".encode("cp437")  # 0x82 then '.': neither UTF-8 nor GBK
    data = zip_with_raw_name(raw, b"a\n1\n")
    assert [name for name, _ in expand_archive("x.zip", data)] == ["x.zip/café.csv"]


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """One member of zeros just over the limit: ~200 KB compressed."""
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("bomb.csv", "w", force_zip64=True) as member:
            for _ in range(MAX_ARCHIVE_BYTES // len(chunk) + 1):
                member.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_without_inflating(zip_bomb, monkeypatch):
    assert len(zip_bomb) < 1024 * 1024

    def no_inflating(*args, **kwargs):
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(zipfile.ZipFile, "read", no_inflating)
    with pytest.raises(ReadError) as caught:
        expand_archive("bomb.zip", zip_bomb)
    assert caught.value.code == "archive_too_large"
    assert caught.value.params == {"name": "bomb.zip", "limit_mb": 200}
    assert read_error(zip_bomb, "bomb.zip").code == "archive_too_large"


def test_archive_limit_counts_all_members_and_nested_zips(monkeypatch):
    monkeypatch.setattr(read, "MAX_ARCHIVE_BYTES", 1000)
    assert len(expand_archive("ok.zip", make_zip({"a.csv": b"a\n" * 300, "b.csv": b"b\n" * 200}))) == 2
    too_big = make_zip({"a.csv": b"a\n" * 300, "b.csv": b"b\n" * 300})
    assert read_error(too_big, "big.zip").code == "archive_too_large"
    nested = make_zip({"a.csv": b"a\n" * 200, "in.zip": make_zip({"b.csv": b"b\n" * 400})})
    with pytest.raises(ReadError) as caught:
        expand_archive("nested.zip", nested)
    assert caught.value.code == "archive_too_large"


def test_corrupt_zip():
    data = b"PK\x03\x04" + bytes(range(200))
    with pytest.raises(ReadError) as caught:
        expand_archive("x.zip", data)
    assert caught.value.code == "corrupt_archive"
    assert read_error(data, "x.zip").code == "corrupt_archive"


def test_empty_zip():
    assert read_error(make_zip({}), "x.zip").code == "no_table"


# --------------------------------------------------------------------------------------------------
# Files that are not tables


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n\t\n",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf\r\n",
        b"\xff\xfe",
        b"\xff\xfe" + " \n".encode("utf-16-le"),
    ],
    ids=["zero-bytes", "whitespace", "utf8-bom", "utf8-bom-newline", "utf16-bom", "utf16-whitespace"],
)
def test_empty_files(data):
    error = read_error(data, "Follows.csv")
    assert error.code == "empty_file"
    assert error.params == {"name": "Follows.csv"}


@pytest.mark.parametrize("data", [b"sep=,\n", b",,,\n,,\n \n", b'"",""\n'])
def test_no_data_rows(data):
    assert read_error(data).code == "no_table"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"GIF89a\x01\x00\x01\x00", "image"),
        (make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), "word"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100) + "WordDocument".encode("utf-16-le"), "word"),
    ],
    ids=["pdf", "png", "jpeg", "gif", "docx", "doc"],
)
def test_unsupported_formats(data, kind):
    error = read_error(data, "report.csv")
    assert error.code == "unsupported_format"
    assert error.params == {"name": "report.csv", "kind": kind}


def test_xml_spreadsheet_is_unsupported():
    data = (
        b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">\n'
        b'<Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">Date</Data></Cell></Row>'
        b"</Table></Worksheet></Workbook>\n"
    )
    error = read_error(data, "tendency.xls")
    assert (error.code, error.params["kind"]) == ("unsupported_format", "xml")


def test_docx_is_not_expanded_as_archive():
    docx = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert expand_archive("report.docx", docx) == [("report.docx", docx)]


def test_random_binary():
    assert read_error(random.Random(1).randbytes(4096), "data.csv").code == "binary_file"


def test_binary_without_nul_bytes():
    junk = bytes(b for b in random.Random(2).randbytes(8192) if b)
    assert read_error(junk, "data.csv").code == "binary_file"


def test_control_characters_mean_binary():
    assert read_error(b"a,b\n" + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 10, "x.csv").code == "binary_file"


# --------------------------------------------------------------------------------------------------
# API details


def test_read_error_carries_code_params_and_english_message():
    error = ReadError("unsupported_format", name="deck.pdf", kind="pdf")
    assert (error.code, error.params) == ("unsupported_format", {"name": "deck.pdf", "kind": "pdf"})
    assert str(error) == "deck.pdf is a pdf file, not a table. Export the data as CSV or Excel instead."
    assert (
        str(ReadError("archive_too_large", name="x.zip", limit_mb=200))
        == "x.zip unpacks to more than 200 MB."
    )
    assert "{name}" in str(ReadError("no_table"))  # a missing param never breaks the message


def test_table_is_frozen():
    table = read_one(b"a,b\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.rows = []  # type: ignore[misc]


def test_max_archive_bytes():
    assert MAX_ARCHIVE_BYTES == 200 * 1024 * 1024
