"""X / Twitter exports (FORMATS.md section 1)."""

from dashboard.ingest.spec import ExportSpec, col

_HANDLE = r"(?:twitter|x)\.com/([^/]+)/status"

# Legacy analytics.twitter.com "By Tweet" export; pre-Nov-2015 files say favorites for likes.
TWEET_ACTIVITY = ExportSpec(
    platform="x", kind="tweet_activity", table="posts",
    signature=frozenset({"Tweet id", "Tweet permalink", "time", "impressions"}),
    columns={
        "post_id": col("Tweet id", parse="id"),
        "url": col("Tweet permalink", parse="text"),
        "text": col("Tweet text", parse="text"),
        "published_at": col("time", parse="datetime"),
        "impressions": col("impressions", parse="number"),
        "engagements": col("engagements", parse="number"),
        "shares": col("retweets", parse="number"),
        "comments": col("replies", parse="number"),
        "likes": col("likes", "favorites", parse="number"),
        "clicks": col("url clicks", parse="number"),
        "follows": col("follows", parse="number"),
        "video_views": col("media views", parse="number"),
    },
    account_pattern=_HANDLE,
    note="metrics are written as floats ('1938.0'); promoted columns are '-' without ads",
)

_CONTENT_COLUMNS = {
    "post_id": col("Post id", "ポストID", parse="id"),
    "published_at": col("Date", "日付", parse="datetime"),
    "text": col("Post text", "ポスト本文", parse="text"),
    "url": col("Post Link", "Link", "ポストのリンク", parse="text"),
    "impressions": col("Impressions", "インプレッション数"),
    "likes": col("Likes", "いいね"),
    "engagements": col("Engagements", "エンゲージメント"),
    "saves": col("Bookmarks", "ブックマーク"),
    # the catalogue counts reposts as shares
    "shares": col("Shares", "Share", "共有された回数", "Reposts", "リポスト", combine="sum"),
    "follows": col("New follows", "新しいフォロー"),
    "comments": col("Replies", "返信"),
    "clicks": col("URL Clicks", "URLのクリック数"),
}

CONTENT = ExportSpec(
    platform="x", kind="content", table="posts",
    signature=frozenset({"Post id", "Date", "Impressions", "Engagements"}),
    columns=_CONTENT_COLUMNS, account_pattern=_HANDLE,
    note="junk rows with an empty id and .../status/undefined are skipped as rows without a key",
)

CONTENT_JA = ExportSpec(
    platform="x", kind="content", table="posts",
    signature=frozenset({"ポストID", "日付", "インプレッション数"}),
    columns=_CONTENT_COLUMNS, account_pattern=_HANDLE, note="Japanese-locale header",
)

OVERVIEW = ExportSpec(
    platform="x", kind="account_overview", table="account_daily",
    signature=frozenset({"Date", "Impressions", "New follows", "Unfollows"}),
    columns={
        "date": col("Date", parse="date"),
        "impressions": col("Impressions"),
        "likes": col("Likes"),
        "engagements": col("Engagements"),
        "saves": col("Bookmarks"),
        "shares": col("Shares", "Reposts", combine="sum"),
        "followers_gained": col("New follows"),
        "followers_lost": col("Unfollows"),
        "comments": col("Replies"),
        "profile_visits": col("Profile visits"),
        "posts_published": col("Create Post"),
        "video_views": col("Video views"),
    },
)

VIDEO_OVERVIEW = ExportSpec(
    platform="x", kind="video_overview", table="account_daily",
    signature=frozenset({"Date", "Views", "Watch Time (ms)", "Completion Rate"}),
    columns={
        "date": col("Date", parse="date"),
        "video_views": col("Views"),
        "watch_time_s": col("Watch Time (ms)", parse="number", scale=0.001),
    },
)

SPECS = [TWEET_ACTIVITY, CONTENT, CONTENT_JA, OVERVIEW, VIDEO_OVERVIEW]
