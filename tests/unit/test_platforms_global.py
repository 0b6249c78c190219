"""Facebook, Instagram, TikTok, YouTube and LinkedIn exports: every sample file, plus synthetic files
for the layouts FORMATS.md describes without a sample (sections 2-6).

Expected values were read from the raw sample files; the comment next to each says where.
The store's time zone is UTC (conftest), so naive export times are stored as written.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from tests.conftest import TODAY, import_one, sample

FB_LEGACY_POSTS = ("facebook/Facebook Insights Data Export (Post Level) - Visualization Studio VIC"
                   " - 2014-08-24 - 2015-02-19.csv")
FB_MBS = "meta_business_suite_facebook/oigetit_fb_Jan-14-2025_Apr-14-2025_1396269028466733.csv"
IG_MBS = "instagram/oigetit_ig_Mar-18-2025_Apr-14-2025_1019826952924933.csv"
LINKEDIN = "linkedin/pro-efficient-data-entry_content_1742193384396.xlsx"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def counts(result) -> tuple:
    return (result.status, result.platform, result.kind, result.rows_read, result.rows_inserted,
            result.rows_skipped)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig", delimiter: str = ",",
              lineterminator: str = "\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return out.getvalue().encode(encoding)


def codes(result) -> set[str]:
    return {w.code for w in result.warnings}


# -- Facebook: legacy Page Insights ----------------------------------------------------------------

def test_facebook_legacy_post_level_sample(store):
    result = import_one(store, sample(FB_LEGACY_POSTS))
    # 100 rows after the BOM header: 1 'Lifetime: ...' description row + 98 posts
    assert counts(result) == ("imported", "facebook", "legacy_posts", 98, 98, 0)
    assert result.account == "Visualization Studio VIC"  # from the file name
    # first data row (line 3): Link, 02/19/2015 11:45:22 PM, reach 371, impressions 1116, engaged 56,
    # stories like/comment/share 37/4/3, consumptions 38
    row = store.rows(
        "SELECT content_type, published_at, reach, impressions, engagements, likes, comments, shares, clicks, "
        "url FROM posts WHERE post_id = ?", ["518995791497187_922831414446954"])
    assert row == [("link", utc(2015, 2, 19, 23, 45, 22), 371, 1116, 56, 37, 4, 3, 38,
                    "https://www.facebook.com/VisualizationStudio/posts/922831414446954")]
    # a video (line 5): 'Lifetime Average time video viewed' 29932 ms; 'Lifetime Organic Video Views'
    # appears twice (565 Total Count, 419 Unique Users): the first wins, + paid 0
    video = store.rows("SELECT content_type, avg_watch_s, video_views FROM posts WHERE post_id = ?",
                       ["518995791497187_922245971172165"])
    assert video == [("video", pytest.approx(29.932), 565)]
    # metrics are as of the end of the period in the file name
    assert store.scalar("SELECT max(metrics_as_of) FROM posts") == utc(2015, 2, 19, 23, 59, 59)


def test_facebook_legacy_page_level_cp1252_two_header_rows(store):
    header = ["Date", "Lifetime Total Likes", "Daily New Likes", "Daily Unlikes", "Daily Page Engaged Users",
              "Weekly Page Engaged Users", "Daily Total Reach", "Daily Total Impressions",
              "Daily Logged-in Page Views", "Daily Logged-in Page Views",
              "Lifetime Likes by City - Barcelona, Cataluña, Spain"]
    descriptions = ["", "Lifetime: The total number of people who have liked your Page. (Unique Users)",
                    "Daily: The number of new people who have liked your Page (Unique Users)",
                    "Daily: The number of Unlikes of your Page (Unique Users)",
                    "Daily: The number of people who engaged with your Page. (Unique Users)",
                    "Weekly: The number of people who engaged with your Page. (Unique Users)",
                    "Daily: The number of people who have seen any content associated with your Page. (Unique Users)",
                    "Daily: The number of impressions seen of any content associated with your Page. (Total Count)",
                    "Daily: Page views from users logged into Facebook (Total Count)",
                    "Daily: Page views from users logged into Facebook (Unique Users)",
                    "Lifetime: Aggregated Facebook location data, sorted by city. (Unique Users)"]
    rows = [header, descriptions,
            ["1/1/2014", "1200", "5", "1", "40", "310", "900", "2500", "30", "20", "12"],
            ["1/2/2014", "1204", "4", "", "35", "300", "850", "2300", "28", "19", "12"]]
    data = csv_bytes(rows, encoding="cp1252", lineterminator="\r\n")
    assert "Cataluña".encode("cp1252") in data
    name = "Facebook Insights Data Export - Visualization Studio VIC - 2014-01-01 - 2014-02-27.csv"
    result = import_one(store, name, data)
    assert counts(result) == ("imported", "facebook", "legacy_page", 2, 2, 0)
    assert store.rows(
        "SELECT account, followers, followers_gained, followers_lost, reach, impressions, engagements, "
        "profile_visits FROM account_daily ORDER BY date") == [
        ("Visualization Studio VIC", 1200, 5, 1, 900, 2500, 40, 30),  # duplicate name: first (Total Count)
        ("Visualization Studio VIC", 1204, 4, None, 850, 2300, 35, 28),  # empty breakdown cell: null
    ]
    assert store.rows("SELECT min(date), max(date) FROM account_daily") == [(date(2014, 1, 1), date(2014, 1, 2))]


def test_facebook_legacy_video_posts(store):
    header = ["Post ID", "Permalink", "Post Message", "Type", "Countries", "Languages", "Posted",
              "Audience Targeting", "Content Tags", "Lifetime Post Total Impressions", "Lifetime Total Video Views",
              "Lifetime Organic Video Views", "Lifetime Post Total Reach",
              "Lifetime Percentage of viewers at each interval (video post) - 0",
              "Lifetime Post Consumptions by type - link clicks", "Lifetime Post Consumptions by type - other clicks",
              "Lifetime Post Consumptions by type - video play", "Lifetime Post Stories by action type - comment",
              "Lifetime Post Stories by action type - like", "Lifetime Post Stories by action type - share"]
    descriptions = [""] * 9 + ["Lifetime: The number of impressions of your Page post. (Total Count)"] * 11
    row = ["518995791497187_880619595334803", "https://www.facebook.com/VisualizationStudio/videos/880619595334803/",
           "Retro Augmented Reality", "Video", "", "", "12/11/2014 02:27:02 PM", " ", " ", "1776", "252", "252",
           "696", "0.8298", "3", "10", "40", "2", "20", ""]
    name = "Facebook Insights Data Export (Video Posts) - Visualization Studio VIC - 2014-08-24 - 2015-02-19.csv"
    result = import_one(store, name, csv_bytes([header, descriptions, row]))
    assert counts(result) == ("imported", "facebook", "legacy_video_posts", 1, 1, 0)
    assert store.rows("SELECT account, content_type, published_at, impressions, video_views, reach, clicks, "
                      "likes, shares FROM posts") == [
        ("Visualization Studio VIC", "video", utc(2014, 12, 11, 14, 27, 2), 1776, 252, 696, 53, 20, None)]


# -- Facebook: Meta Business Suite posts --------------------------------------------------------------

def test_facebook_business_suite_posts_sample(store):
    result = import_one(store, sample(FB_MBS))
    # 262 rows = header + 261 posts; the last 5 rows are ragged (27 of 31 fields)
    assert counts(result) == ("imported", "facebook", "mbs_posts", 261, 261, 0)
    assert result.account == "Oigetit Fake News Filter - South Africa"  # 'Page name'
    # line 2: Photos, '02/16/2025 05:14', Views 40, Reach 15, RCS 3, Reactions 2, Comments 1; caption in Title
    row = store.rows("SELECT content_type, published_at, views, reach, engagements, likes, comments, "
                     "left(text, 24), left(title, 24) FROM posts WHERE post_id = ?", ["939005954986064"])
    assert row == [("image", utc(2025, 2, 16, 5, 14), 40, 15, 3, 2, 1, "Six years into South Afr",
                    "Six years into South Afr")]
    # post 953168130236513 has a 408-char Title and a 432-char Description: text is the longer one
    text, title = store.rows("SELECT text, title FROM posts WHERE post_id = ?", ["953168130236513"])[0]
    assert (len(text), len(title)) == (432, 408)
    assert store.rows("SELECT content_type, count(*) FROM posts GROUP BY ALL ORDER BY 1") == [
        ("image", 254), ("link", 1), ("short_video", 6)]  # Photos / Links / Reels
    # a ragged last row (line 262: 27 fields) still reads its early columns
    assert store.rows("SELECT published_at, views FROM posts WHERE post_id = ?", ["916905143862812"]) == [
        (utc(2025, 1, 14, 13, 34), 39)]


def test_facebook_business_suite_posts_dec_2023_variant(store):
    """Before Meta renamed Impressions -> Views: IMPRESSION:UNIQUE_USERS,Reach,Impressions; 'Photo';
    a 'Data comment' row without a post id and without metrics of its own (dropped, with a warning)."""
    text = (
        '"Post ID","Page ID","Page name",Title,Description,"Duration (sec)","Publish time","Caption type",Permalink,'
        '"Is crosspost","Is share","Post type",Languages,"Custom labels","Funded content status","Data comment",'
        'Date,IMPRESSION:UNIQUE_USERS,Reach,Impressions,"Reactions, Comments and Shares",Reactions,Comments,'
        'Shares,"Total clicks","Matched Audience Targeting Consumption (Photo Click)","Other Clicks",'
        '"Link Clicks","Negative feedback from users: Hide all"\n'
        '1142979803545328,108912897259781,"Психічне здоров\'я для України",,"‼️ UPD: Друзі, …\n\nЗустрінемося '
        'в суботу",0,"12/12/2023 01:12",N/A,https://www.facebook.com/MH4Ukraine/posts/pfbid0dF,0,0,Photo,,,,,'
        'Lifetime,,5969,6970,309,236,9,64,142,32,110,,\n'
        ',,,,,,,,,,,,,,,"An error occurred while computing metadata for content with ID 933528094972880.",'
        'Lifetime,51,,,,,,,,,,,\n'
        '1205224217320886,108912897259781,"Психічне здоров\'я для України",,"👨👩👦 Періодично",0,'
        '"03/01/2024 04:03",N/A,https://www.facebook.com/MH4Ukraine/posts/pfbid0sw,0,0,Photo,,,,,Lifetime,,'
        '3137,3137,88,58,1,29,221,173,48,,\n'
    )
    result = import_one(store, "Dec-12-2023_Mar-06-2024_1032418178499222.csv", "\ufeff".encode() + text.encode())
    assert counts(result) == ("imported", "facebook", "mbs_posts", 3, 2, 0)
    assert "empty_rows_dropped" in codes(result)
    assert store.rows("SELECT post_id, content_type, published_at, reach, impressions, views, engagements, "
                      "clicks FROM posts ORDER BY post_id") == [
        ("1142979803545328", "image", utc(2023, 12, 12, 1, 12), 5969, 6970, None, 309, 142),
        ("1205224217320886", "image", utc(2024, 3, 1, 4, 3), 3137, 3137, None, 88, 221),
    ]


def test_facebook_business_suite_posts_renamed_columns(store):
    """'Duration (secs)', lower-case 'Reactions, comments and shares', a second 'Views', videos/status."""
    header = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (secs)", "Publish time",
              "Permalink", "Post type", "Date", "Views", "Reach", "Reactions, comments and shares", "Reactions",
              "Comments", "Shares", "Total clicks", "3-second video views", "Seconds viewed",
              "Average Seconds viewed", "Views"]
    rows = [header,
            ["1001", "77", "Shop", "Short", "A much longer description", "31", "03/18/2025 12:59",
             "https://www.facebook.com/shop/videos/1001", "Videos", "Lifetime", "500", "300", "12", "8", "3", "1",
             "20", "150", "900.5", "6", "999"],
            ["1002", "77", "Shop", "Only a title", "", "0", "03/19/2025 08:00", "https://www.facebook.com/shop/posts/1002",
             "Status", "Lifetime", "80", "60", "-", "1", "0", "0", "0", "", "", "", "81"]]
    result = import_one(store, "Mar-01-2025_Mar-31-2025_555.csv", csv_bytes(rows))
    assert counts(result) == ("imported", "facebook", "mbs_posts", 2, 2, 0)
    assert store.rows("SELECT post_id, content_type, title, text, views, engagements, video_views, watch_time_s, "
                      "avg_watch_s FROM posts ORDER BY post_id") == [
        ("1001", "video", "Short", "A much longer description", 500, 12, 150, 900.5, 6.0),
        ("1002", "text", "Only a title", "Only a title", 80, None, None, None, None),  # '-' is missing, not 0
    ]


# -- Meta Business Suite daily series (UTF-16, 'sep=,', metric in the title line) ---------------------

def test_meta_daily_follows_sample(store):
    result = import_one(store, sample("meta_page_daily_utf16/oigetit_fb_Follows.csv"))
    # 109 lines: sep=, / "Follows" / header / 105 days / empty last line
    assert counts(result) == ("imported", "facebook", "daily_follows", 105, 105, 0)
    # line 8: "2025-01-05T01:00:00","1"; the last day is "2025-04-15T00:00:00" (the hour drifts with DST)
    assert store.rows("SELECT followers_gained, reach FROM account_daily WHERE date = ?", [date(2025, 1, 5)]) == [
        (1, None)]
    assert store.rows("SELECT min(date), max(date) FROM account_daily") == [(date(2025, 1, 1), date(2025, 4, 15))]


def test_meta_daily_reach_sample_fills_the_same_days(store):
    import_one(store, sample("meta_page_daily_utf16/oigetit_fb_Follows.csv"))
    result = import_one(store, sample("meta_page_daily_utf16/oigetit_fb_Reach.csv"))
    # title line "Facebook reach"; the same 105 days as Follows.csv, so every row is an update
    assert counts(result) == ("imported", "facebook", "daily_reach", 105, 0, 0)
    assert result.rows_updated == 105
    # first and last rows: "2025-01-01T01:00:00","5" and "2025-04-15T00:00:00","43"
    assert store.rows("SELECT date, reach, followers_gained FROM account_daily WHERE date IN (?, ?) ORDER BY date",
                      [date(2025, 1, 1), date(2025, 4, 15)]) == [
        (date(2025, 1, 1), 5, 0), (date(2025, 4, 15), 43, 0)]


@pytest.mark.parametrize(("title", "platform", "kind", "column"), [
    ("Follows", "facebook", "daily_follows", "followers_gained"),
    ("Facebook follows", "facebook", "daily_follows", "followers_gained"),
    ("Facebook reach", "facebook", "daily_reach", "reach"),
    ("Facebook visits", "facebook", "daily_visits", "profile_visits"),
    ("Views", "facebook", "daily_views", "views"),
    ("Viewers", "facebook", "daily_viewers", "reach"),
    ("Content interactions", "facebook", "daily_interactions", "engagements"),
    ("Facebook link clicks", "facebook", "daily_link_clicks", "clicks"),
    ("Instagram reach", "instagram", "daily_reach", "reach"),
    ("Instagram follows", "instagram", "daily_follows", "followers_gained"),
    ("Instagram profile visits", "instagram", "daily_visits", "profile_visits"),
    ("Instagram link clicks", "instagram", "daily_link_clicks", "clicks"),
])
def test_meta_daily_metric_is_decided_by_the_title_line(store, title, platform, kind, column):
    text = f'sep=,\n"{title}"\n"Date","Primary"\n"2025-03-30T00:00:00","7"\n"2025-03-31T01:00:00","9"\n\n'
    result = import_one(store, f"{title}.csv", text.encode("utf-16"))
    assert counts(result) == ("imported", platform, kind, 2, 2, 0)
    assert store.rows(f'SELECT platform, date, "{column}" FROM account_daily ORDER BY date') == [
        (platform, date(2025, 3, 30), 7), (platform, date(2025, 3, 31), 9)]


def test_meta_daily_excel_resaved_semicolon(store):
    data = b"Facebook follows;\nDate;Primary\n2025-10-31T00:00:00;4\n2025-11-01T00:00:00;2\n2025-11-03T01:00:00;0\n"
    result = import_one(store, "Follows.csv", data)
    assert counts(result) == ("imported", "facebook", "daily_follows", 3, 3, 0)
    assert store.rows("SELECT date, followers_gained FROM account_daily ORDER BY date") == [
        (date(2025, 10, 31), 4), (date(2025, 11, 1), 2), (date(2025, 11, 3), 0)]


def test_meta_daily_title_that_names_no_known_metric_is_not_guessed(store):
    text = 'sep=,\n"Facebook something new"\n"Date","Primary"\n"2025-03-30T00:00:00","7"\n'
    result = import_one(store, "New.csv", text.encode("utf-16"))
    assert result.status == "failed"
    assert store.scalar("SELECT count(*) FROM account_daily") == 0


def test_meta_audience_utf16_tab_is_recognised_not_stored(store):
    text = ("sep=\t\r\nFacebook followers\r\nFB_PAGE\tFOLLOW\tUNIQUE_USERS\r\n30222\r\n\r\n"
            "Age & gender\r\n\tWomen\tMen\r\n18-24\t2.5%\t3.1%\r\n25-34\t17.6%\t8.1%\r\n\r\n"
            "Top cities\r\nLviv\t Lviv Oblast\t Ukraine\t8.7%\r\nKyiv\t Ukraine\t6.1%\r\n")
    result = import_one(store, "Audience.csv", text.encode("utf-16"))
    assert (result.status, result.platform, result.kind, result.rows_inserted) == (
        "imported", "facebook", "audience", 0)
    assert "not_stored" in codes(result)
    assert store.scalar("SELECT count(*) FROM account_daily") == 0


def test_meta_audience_utf16_comma_is_recognised_not_stored(store):
    text = ('sep=,\n"Age & gender"\n"","Women","Men"\n"18-24","10.6","6.5"\n"25-34","20.1","9.9"\n\n'
            '"Top countries"\n"South Africa","United States"\n"80.1","5.2"\n\n')
    result = import_one(store, "Audience.csv", text.encode("utf-16"))
    assert (result.status, result.kind, result.rows_inserted) == ("imported", "audience", 0)


# -- Instagram ------------------------------------------------------------------------------------------

def test_instagram_business_suite_sample(store):
    result = import_one(store, sample(IG_MBS))
    assert counts(result) == ("imported", "instagram", "mbs_posts", 78, 78, 0)
    assert result.account == "oigetit_sa"  # 'Account username'
    # line 2: IG reel, '03/18/2025 09:48', Views 52, Reach 37, Likes 3, Shares 0, Comments 0, Saves 0, Follows ''
    assert store.rows("SELECT content_type, published_at, views, reach, likes, shares, comments, saves, follows, "
                      "url FROM posts WHERE post_id = ?", ["18355151116178767"]) == [
        ("short_video", utc(2025, 3, 18, 9, 48), 52, 37, 3, 0, 0, 0, None,
         "https://www.instagram.com/reel/DHWRIh_CLiR/")]
    assert store.rows("SELECT content_type, count(*) FROM posts GROUP BY ALL ORDER BY 1") == [
        ("carousel", 1), ("image", 39), ("short_video", 38)]


def test_instagram_older_impressions_column_order(store):
    """Pre-2024: Impressions instead of Views; Follows before Comments (FORMATS section 3 sample rows)."""
    text = (
        '"Post ID","Account ID","Account username","Account name",Description,"Duration (sec)","Publish time",'
        'Permalink,"Post type","Data comment",Date,Impressions,Reach,Likes,Shares,Follows,Comments,Saves\n'
        '17974697564884257,17841400882674637,elitravelguy,"Eli Facenda","They don’t tell you this about wealth. '
        '\n\nAgree or disagree? 👇🏼",58,"05/26/2026 10:23",https://www.instagram.com/reel/DYz2HS0M2ks/,"IG reel",,'
        'Lifetime,4993,3206,287,56,2,0,7\n'
        '18129029371615857,17841400882674637,elitravelguy,"Eli Facenda","Happy Fathers Day!! …",0,'
        '"06/21/2026 09:49",https://www.instagram.com/p/DZ2u1rOxOkV/,"IG image",,Lifetime,4079,2276,139,30,0,0,25\n'
    )
    result = import_one(store, "May-01-2026_Jun-30-2026_42.csv", "\ufeff".encode() + text.encode())
    assert counts(result) == ("imported", "instagram", "mbs_posts", 2, 2, 0)
    assert store.rows("SELECT post_id, account, content_type, published_at, impressions, views, reach, follows, "
                      "comments, saves FROM posts ORDER BY post_id") == [
        ("17974697564884257", "elitravelguy", "short_video", utc(2026, 5, 26, 10, 23), 4993, None, 3206, 2, 0, 7),
        ("18129029371615857", "elitravelguy", "image", utc(2026, 6, 21, 9, 49), 4079, None, 2276, 0, 0, 25),
    ]


# -- TikTok Studio ----------------------------------------------------------------------------------------

def test_tiktok_overview_sample_infers_years(store):
    result = import_one(store, sample("tiktok/haileytupy_Overview.csv"))
    assert counts(result) == ("imported", "tiktok", "overview", 365, 365, 0)
    # first row "February 28" ... last row "February 27","18237","15","30","0","6" (line 366); with
    # TODAY = 2026-11-24 the last row is 2026-02-27, so the first is 2025-02-28 (365 days, no Feb 29)
    assert TODAY == date(2026, 11, 24)
    assert store.rows("SELECT min(date), max(date), count(DISTINCT date) FROM account_daily") == [
        (date(2025, 2, 28), date(2026, 2, 27), 365)]
    assert store.rows("SELECT views, profile_visits, likes, comments, shares, video_views FROM account_daily "
                      "WHERE date = ?", [date(2026, 2, 27)]) == [(18237, 15, 30, 0, 6, None)]


def test_tiktok_content_sample(store):
    result = import_one(store, sample("tiktok/haileytupy_Content.csv"))
    assert counts(result) == ("imported", "tiktok", "content", 13, 13, 0)
    assert result.account == "haileytupy2.0"  # from tiktok.com/@haileytupy2.0/video/...
    # line 3: Time "February 28", Post time "September 3", likes 109, comments 7, shares 31, views 154414
    assert store.rows("SELECT published_at, metrics_as_of, likes, comments, shares, views, content_type, text "
                      "FROM posts WHERE post_id = ?", ["7546034661705796877"]) == [
        (utc(2025, 9, 3), utc(2026, 2, 28), 109, 7, 31, 154414, "short_video", "BUXOM  PLUMPING LIP GLOSS")]
    # 'February 1' is on or before the export day (Feb 28, 2026); 'December 30' is the year before
    assert store.rows("SELECT post_id, published_at FROM posts WHERE post_id IN (?, ?) ORDER BY post_id",
                      ["7589576040226262285", "7602008805399940407"]) == [
        ("7589576040226262285", utc(2025, 12, 30)), ("7602008805399940407", utc(2026, 2, 1))]
    # line 4 has an empty title
    assert store.scalar("SELECT text FROM posts WHERE post_id = ?", ["7531345990947851551"]) is None


def test_tiktok_viewers_sample(store):
    result = import_one(store, sample("tiktok/haileytupy_Viewers.csv"))
    assert counts(result) == ("imported", "tiktok", "viewers", 365, 365, 0)
    # line 2 "February 28","undefined",..: missing, not 0; line 366 "February 27","15752",...
    assert store.rows("SELECT date, reach FROM account_daily WHERE date IN (?, ?) ORDER BY date",
                      [date(2025, 2, 28), date(2026, 2, 27)]) == [(date(2025, 2, 28), None), (date(2026, 2, 27), 15752)]


def test_tiktok_follower_history_sample(store):
    result = import_one(store, sample("tiktok/haileytupy_FollowerHistory.csv"))
    assert counts(result) == ("imported", "tiktok", "follower_history", 365, 365, 0)
    # lines 364 and 366: "February 25","5011","-1" / "February 27","5013","3"; 'undefined' until line 27
    assert store.rows("SELECT date, followers, followers_net FROM account_daily WHERE date IN (?, ?) ORDER BY date",
                      [date(2026, 2, 25), date(2026, 2, 27)]) == [
        (date(2026, 2, 25), 5011, -1), (date(2026, 2, 27), 5013, 3)]
    assert store.scalar("SELECT count(*) FROM account_daily WHERE followers IS NULL") == 25


def test_tiktok_spanish_dates_across_new_year(store):
    rows = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
            ["30 de diciembre", "10", "1", "2", "0", "0"], ["31 de diciembre", "11", "1", "2", "0", "0"],
            ["1 de enero", "12", "1", "2", "0", "0"], ["8 de marzo", "13", "1", "2", "0", "1"]]
    result = import_one(store, "Overview.csv", csv_bytes(rows))
    assert counts(result) == ("imported", "tiktok", "overview", 4, 4, 0)
    assert store.rows("SELECT date, views FROM account_daily ORDER BY date") == [
        (date(2025, 12, 30), 10), (date(2025, 12, 31), 11), (date(2026, 1, 1), 12), (date(2026, 3, 8), 13)]


@pytest.mark.parametrize(("rows", "kind"), [
    ([["Date", "Hour", "Active followers"], ["February 27", "0", "120"]], "follower_activity"),
    ([["Gender", "Distribution"], ["Female", "0.59"], ["Male", "0.41"]], "follower_gender"),
    ([["Top territories", "Distribution"], ["US", "0.462"], ["NA", "0.01"], ["Others", "0.211"]],
     "follower_territories"),
])
def test_tiktok_follower_breakdowns_are_recognised_not_stored(store, rows, kind):
    result = import_one(store, f"{kind}.csv", csv_bytes(rows))
    assert (result.status, result.platform, result.kind, result.rows_inserted) == ("imported", "tiktok", kind, 0)
    assert "not_stored" in codes(result)


# -- TikTok Business Suite style (FORMATS 4b) ----------------------------------------------------------

def test_tiktok_business_overview(store):
    data = (b"Date,Video views,Reached audience,Profile views,Likes,Shares,Comments,Phone number clicks ,"
            b"Leads submission,Net growth,New followers,Lost followers\n"
            b"2025/10/31,715,NAN,25,26,4,7,0,0,10,10,0\n"
            b"2025/12/23,2224,1906,16,26,8,3,0,0,0,2,2")
    result = import_one(store, "TIKTOK_RAW.csv", data)
    assert counts(result) == ("imported", "tiktok", "business_overview", 2, 2, 0)
    assert store.rows("SELECT date, views, reach, profile_visits, followers_net, followers_gained, followers_lost "
                      "FROM account_daily ORDER BY date") == [
        (date(2025, 10, 31), 715, None, 25, 10, 10, 0),  # NAN: missing
        (date(2025, 12, 23), 2224, 1906, 16, 0, 2, 2),
    ]


def test_tiktok_business_followers(store):
    data = (b"Date,New followers,Total followers,Reached audience,Engaged audience\n"
            b"2025/10/31,10,--,NAN,NAN\n2025/11/01,100,--,75134,1801\n")
    result = import_one(store, "TIKTOK_AUDIENCE_RAW.csv", data)
    assert counts(result) == ("imported", "tiktok", "business_followers", 2, 2, 0)
    assert store.rows("SELECT date, followers, followers_gained, reach, engagements FROM account_daily "
                      "ORDER BY date") == [
        (date(2025, 10, 31), None, 10, None, None), (date(2025, 11, 1), None, 100, 75134, 1801)]


def test_tiktok_business_videos(store):
    data = ("Video title,Video link,Post time,Video views,Likes,Comments,Shares,Add to Favorites\n"
            "Нормален следобед в Плевен 🤷♂️🍝 #плевен,https://www.tiktok.com/@vintagerest.bg/video/7567452112981069079,"
            "2025/10/31 18:19:10,172353,1774,42,413,180\n"
            '"Още малко търпение... ""Отваряме""",https://www.tiktok.com/@vintagerest.bg/photo/7589711711284759830,'
            "2025/12/30 17:57:47,52927,906,12,272,77\n").encode()
    result = import_one(store, "TIKTOK_VIDEO_RAW.csv", data)
    assert counts(result) == ("imported", "tiktok", "business_videos", 2, 2, 0)
    assert result.account == "vintagerest.bg"
    assert store.rows("SELECT post_id, content_type, published_at, views, likes, comments, shares, saves, text "
                      "FROM posts ORDER BY post_id") == [
        ("7567452112981069079", "short_video", utc(2025, 10, 31, 18, 19, 10), 172353, 1774, 42, 413, 180,
         "Нормален следобед в Плевен 🤷♂️🍝 #плевен"),
        ("7589711711284759830", "carousel", utc(2025, 12, 30, 17, 57, 47), 52927, 906, 12, 272, 77,
         'Още малко търпение... "Отваряме"'),
    ]


# -- YouTube ---------------------------------------------------------------------------------------------

def test_youtube_table_data_sample(store):
    result = import_one(store, sample("youtube/suuz_content_Table data.csv"))
    # 25 data rows: the 'Total' row (line 2) is dropped, 24 videos stored
    assert counts(result) == ("imported", "youtube", "table_content", 25, 24, 0)
    assert "totals_dropped" in codes(result)
    # line 3: oEDe6JMwL7Q,...,"Apr 29, 2020",292,58005,1321.6783,269,797168,6.32
    assert store.rows("SELECT published_at, views, watch_time_s, follows, impressions, content_type, url "
                      "FROM posts WHERE post_id = ?", ["oEDe6JMwL7Q"]) == [
        (utc(2020, 4, 29), 58005, pytest.approx(1321.6783 * 3600), 269, 797168, "video",
         "https://www.youtube.com/watch?v=oEDe6JMwL7Q")]
    # line 9: WOhmKxVK2YA ... Subscribers -3
    assert store.scalar("SELECT follows FROM posts WHERE post_id = ?", ["WOhmKxVK2YA"]) == -3
    assert store.scalar("SELECT count(*) FROM posts WHERE post_id = 'Total'") == 0


def test_youtube_totals_sample(store):
    result = import_one(store, sample("youtube/codingtrain_geography_Totals.csv"))
    assert counts(result) == ("imported", "youtube", "totals", 365, 365, 0)
    # line 2 '2020-12-31,31964', last line '2021-12-30,39142'
    assert store.rows("SELECT date, views FROM account_daily WHERE date IN (?, ?) ORDER BY date",
                      [date(2020, 12, 31), date(2021, 12, 30)]) == [
        (date(2020, 12, 31), 31964), (date(2021, 12, 30), 39142)]


def test_youtube_table_data_big_export_ids_and_durations(store):
    data = (b"Content,Video title,Video publish time,Duration,Stayed to watch (%),Unique viewers,Average view duration,"
            b"Average percentage viewed (%),Views,Watch time (hours),Subscribers,Estimated revenue (USD),Impressions,"
            b"Impressions click-through rate (%)\n"
            b"Total,,,,,900,0:03:10,40.1,1000,52.5,4,1.20,20000,5.1\n"
            b" -HHGH-TTqYM,Dash id,\"Jan 2, 2024\",600,55.5,500,0:04:23,43.8,700,51.1,5,1.00,15000,4.66\n"
            b"-a1B2c3D4e5,Second,,300,,,0:01:05,,300,1.4,-1,,5000,6\n")
    result = import_one(store, "Table data.csv", data)
    assert counts(result) == ("imported", "youtube", "table_content", 3, 2, 0)
    assert store.rows("SELECT post_id, published_at, avg_watch_s, completion_rate, views, watch_time_s, follows, url "
                      "FROM posts ORDER BY views DESC") == [
        ("-HHGH-TTqYM", utc(2024, 1, 2), 263.0, pytest.approx(0.438), 700, pytest.approx(51.1 * 3600), 5,
         "https://www.youtube.com/watch?v=-HHGH-TTqYM"),
        ("-a1B2c3D4e5", None, 65.0, None, 300, pytest.approx(1.4 * 3600), -1,
         "https://www.youtube.com/watch?v=-a1B2c3D4e5"),
    ]


def test_youtube_shorts_table_data(store):
    data = (b"Content,Video title,Video publish time,New viewers,Returning viewers,Likes,Subscribers gained,"
            b"Shown in feed,Viewed (vs. swiped away) (%),Average percentage viewed (%),Views,Watch time (hours),"
            b"Subscribers,Impressions,Impressions click-through rate (%)\n"
            b"Total,,,,,200,5,20000,40.1,98.2,9000,30.5,5,1000,4.4\n"
            b'M1fTBQ96BRM,just a normal guy. #selfimprovement  #motivation,"Dec 15, 2023",,,134,3,11304,42.68,102.69,'
            b"4835,19.3082,3,618,4.53\n")
    result = import_one(store, "Table data.csv", data)
    assert counts(result) == ("imported", "youtube", "table_content", 2, 1, 0)
    assert store.rows("SELECT post_id, published_at, likes, views, follows, impressions, completion_rate "
                      "FROM posts") == [
        ("M1fTBQ96BRM", utc(2023, 12, 15), 134, 4835, 3, 618, pytest.approx(1.0269))]  # x100 in the export


def test_youtube_chart_data_is_recognised_not_stored(store):
    data = (b"Date,Content,Video title,Video publish time,Duration,Views\n"
            b"2020-12-31,oEDe6JMwL7Q,Study room,\"Apr 29, 2020\",292,12\n"
            b"2021-01-01,oEDe6JMwL7Q,Study room,\"Apr 29, 2020\",292,15\n")
    result = import_one(store, "Chart data.csv", data)
    assert (result.status, result.platform, result.kind, result.rows_inserted) == (
        "imported", "youtube", "chart_content", 0)
    assert store.scalar("SELECT count(*) FROM posts") + store.scalar("SELECT count(*) FROM account_daily") == 0


def test_youtube_geography_is_recognised_not_stored(store):
    chart = import_one(store, "Chart data.csv", b"Date,Geography,Views\n2020-12-31,US,100\n2020-12-31,IN,50\n")
    assert (chart.status, chart.kind, chart.rows_inserted) == ("imported", "chart_geography", 0)
    table = import_one(store, "Table data.csv",
                       b"Geography,Views,Watch time (hours)\nTotal,150,3.5\nUS,100,2.5\nIN,50,1.0\n")
    assert (table.status, table.kind, table.rows_inserted) == ("imported", "table_geography", 0)


def test_youtube_totals_other_metrics(store):
    result = import_one(store, "Totals.csv", b"Date,Subscribers\n2021-01-01,5\n2021-01-02,-2\n2021-01-03,\n")
    assert counts(result) == ("imported", "youtube", "totals", 3, 3, 0)
    assert store.rows("SELECT date, followers_net FROM account_daily ORDER BY date") == [
        (date(2021, 1, 1), 5), (date(2021, 1, 2), -2), (date(2021, 1, 3), None)]
    watch = import_one(store, "export.zip/Totals.csv", b"Date,Watch time (hours)\n2021-01-01,2.5\n")
    assert watch.kind == "totals"
    assert store.scalar("SELECT watch_time_s FROM account_daily WHERE date = ?", [date(2021, 1, 1)]) == 9000.0


def test_youtube_weak_header_needs_the_totals_file_name(store):
    result = import_one(store, "something.csv", b"Date,Views\n2021-01-01,5\n")
    assert result.platform != "youtube"


# -- LinkedIn ---------------------------------------------------------------------------------------------

def test_linkedin_content_workbook_sample(store):
    result = import_one(store, sample(LINKEDIN))
    # sheet Metrics: 30 days (02/14/2025 .. 03/15/2025); sheet All posts: 8 posts
    assert counts(result) == ("imported", "linkedin", "content_metrics", 38, 38, 0)
    assert result.account == "pro-efficient-data-entry"  # from the file name
    # Metrics row '03/14/2025': Impressions (total) 34, Unique impressions (organic) 4, Clicks (total) 2
    assert store.rows("SELECT impressions, reach, clicks, likes, comments, shares FROM account_daily "
                      "WHERE date = ?", [date(2025, 3, 14)]) == [(34, 4, 2, 0, 0, 0)]
    assert store.rows("SELECT min(date), max(date), count(*) FROM account_daily") == [
        (date(2025, 2, 14), date(2025, 3, 15), 30)]
    # All posts row 2: urn:li:activity:7306192134921981953, 03/14/2025, Impressions 26, Clicks 2
    assert store.rows("SELECT published_at, impressions, clicks, likes, left(title, 13), account FROM posts "
                      "WHERE post_id = ?", ["7306192134921981953"]) == [
        (utc(2025, 3, 14), 26, 2, 0, "Here's hoping", "pro-efficient-data-entry")]


def test_linkedin_followers_workbook_with_description_row(store):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "New followers"
    sheet.append(["Daily new followers of your Page, by how they followed"])  # description row
    sheet.append(["Date", "Sponsored followers", "Organic followers", "Auto-invited followers", "Total followers"])
    sheet.append(["02/19/2025", 0, 3, 1, 4])
    sheet.append(["02/20/2025", 0, -1, 0, -1])  # a correction
    location = book.create_sheet("Location")
    location.append(["Location", "Total followers"])
    location.append(["Mumbai, Maharashtra", 12])
    seniority = book.create_sheet("Seniority")
    seniority.append(["Seniority", "Total followers"])
    seniority.append(["Entry", 30])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_one(store, "pro-efficient-data-entry_followers_1742193384396.xlsx", buffer.getvalue())
    assert (result.status, result.platform, result.kind, result.rows_inserted) == (
        "imported", "linkedin", "followers", 2)
    assert store.rows("SELECT account, date, followers_gained, followers FROM account_daily ORDER BY date") == [
        ("pro-efficient-data-entry", date(2025, 2, 19), 4, None),
        ("pro-efficient-data-entry", date(2025, 2, 20), -1, None)]
    assert "not_stored" in codes(result)


# -- re-import ---------------------------------------------------------------------------------------------

def test_reimporting_a_sample_is_a_duplicate_and_writes_nothing(store):
    first = import_one(store, sample("tiktok/haileytupy_Content.csv"))
    assert first.status == "imported"
    version = store.data_version
    again = import_one(store, sample("tiktok/haileytupy_Content.csv"))
    assert (again.status, again.rows_inserted, again.rows_updated) == ("duplicate", 0, 0)
    assert store.data_version == version
    assert store.scalar("SELECT count(*) FROM posts") == 13
