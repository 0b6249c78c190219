"""Facebook exports (FORMATS.md section 2): legacy Page Insights, Meta Business Suite posts and daily series.

Meta Business Suite's Instagram content export lives in instagram.py; its daily series files (one metric
per file, the metric named only in the title line above the header) are all here, for both platforms.
"""

from dashboard.ingest.spec import ExportSpec, Field, col

# 'Facebook Insights Data Export (Post Level) - Visualization Studio VIC - 2014-08-24 - 2015-02-19.csv':
# legacy files carry the Page only in their name (permalinks of events and albums do not show it).
_LEGACY_ACCOUNT = r"^Facebook Insights Data Export(?: \([^)]*\))? - (.+?) - \d{4}-\d{2}-\d{2} - \d{4}-\d{2}-\d{2}"

_POST_TYPES = {
    "photo": "image", "photos": "image", "video": "video", "videos": "video", "reel": "short_video",
    "reels": "short_video", "link": "link", "links": "link", "status": "text", "text": "text",
    "album": "carousel", "albums": "carousel", "live": "live", "live video": "live", "note": "article",
    "event": "other", "offer": "other",
}

# Stories (actions) rather than 'Talking About This' (people): the catalogue counts actions.
_LEGACY_POST_COMMON: dict[str, Field] = {
    "post_id": col("Post ID", parse="id"),  # '<pageid>_<postid>', kept whole
    "url": col("Permalink", parse="text"),
    "text": col("Post Message", parse="text"),
    "content_type": col("Type", parse="map", mapping=_POST_TYPES, default="other"),
    "published_at": col("Posted", parse="datetime"),  # '02/19/2015 11:45:22 PM', page time zone
    "reach": col("Lifetime Post Total Reach"),
    "impressions": col("Lifetime Post Total Impressions"),
    "likes": col("Lifetime Post Stories by action type - like"),
    "comments": col("Lifetime Post Stories by action type - comment"),
    "shares": col("Lifetime Post Stories by action type - share"),
    # the Graph API metric behind it (post_video_avg_time_watched) is in milliseconds
    "avg_watch_s": col("Lifetime Average time video viewed", parse="number", scale=0.001),
}

LEGACY_POSTS = ExportSpec(
    platform="facebook", kind="legacy_posts", table="posts",
    signature=frozenset({"Post ID", "Permalink", "Posted", "Lifetime Post Total Reach"}),
    columns={
        **_LEGACY_POST_COMMON,
        "engagements": col("Lifetime Engaged Users"),
        "clicks": col("Lifetime Post Consumptions"),  # clicks anywhere in the post
        # duplicate names (Total Count, then Unique Users): the first one, the count, wins
        "video_views": col("Lifetime Organic Video Views", "Lifetime Paid Video Views", combine="sum"),
    },
    account_from_file=_LEGACY_ACCOUNT, day_first=False,
    note="row 2 holds 'Lifetime: ...' descriptions, dropped by the normaliser; duplicate names: first wins",
)

LEGACY_VIDEO_POSTS = ExportSpec(
    platform="facebook", kind="legacy_video_posts", table="posts",
    signature=frozenset({"Post ID", "Permalink", "Posted", "Lifetime Post Total Reach",
                         "Lifetime Total Video Views"}),
    columns={
        **_LEGACY_POST_COMMON,
        "video_views": col("Lifetime Total Video Views"),
        "clicks": col("re:lifetime post consumptions by type - .*", combine="sum"),
    },
    account_from_file=_LEGACY_ACCOUNT, day_first=False,
    note="168 columns, 123 of them viewer-retention intervals (not stored)",
)

LEGACY_PAGE = ExportSpec(
    platform="facebook", kind="legacy_page", table="account_daily",
    signature=frozenset({"Date", "Lifetime Total Likes", "Daily New Likes", "Daily Total Reach"}),
    columns={
        "date": col("Date", parse="date"),  # '1/1/2014'
        "followers": col("Lifetime Total Likes"),  # Page likes were the follower count then
        "followers_gained": col("Daily New Likes"),
        "followers_lost": col("Daily Unlikes"),
        "reach": col("Daily Total Reach"),
        "impressions": col("Daily Total Impressions"),
        "engagements": col("Daily Page Engaged Users"),
        "profile_visits": col("Daily Logged-in Page Views", "Daily Total Page Views"),
    },
    account_from_file=_LEGACY_ACCOUNT, day_first=False,
    note="cp1252, CRLF, 644 columns, description row under the header; duplicate names: first wins",
)

# Meta Business Suite -> Insights -> Content -> Export, Facebook posts (2023+). Column sets vary.
MBS_POSTS = ExportSpec(
    platform="facebook", kind="mbs_posts", table="posts",
    signature=frozenset({"Post ID", "Page ID", "Publish time", "Post type"}),
    columns={
        "post_id": col("Post ID", parse="id"),
        "account": col("Page name", parse="text"),
        # the caption sits in Title or in Description: text is the longer one, title the Title
        "text": col("Description", "Title", parse="text", combine="longest"),
        "title": col("Title", parse="text"),
        "published_at": col("Publish time", parse="datetime"),  # '03/18/2025 12:59', page time zone
        "url": col("Permalink", parse="text"),
        "content_type": col("Post type", parse="map", mapping=_POST_TYPES, default="other"),
        "views": col("Views"),  # a second 'Views' column: the first wins
        "impressions": col("Impressions"),  # before Meta renamed Impressions -> Views (Dec-2023 files)
        "reach": col("Reach", "IMPRESSION:UNIQUE_USERS"),
        "engagements": col("Reactions, Comments and Shares"),  # any case: headers are case-folded
        "likes": col("Reactions"),
        "comments": col("Comments"),
        "shares": col("Shares"),
        "clicks": col("Total clicks", "Link Clicks"),
        "video_views": col("3-second video views"),
        "watch_time_s": col("Seconds viewed", parse="number"),
        "avg_watch_s": col("Average Seconds viewed", parse="number"),
    },
    day_first=False,
    note="Date is literally 'Lifetime'; 'Caption type' N/A; ragged last rows; IDs kept as text",
)


# -- Meta Business Suite daily series: 'sep=,' / title line / "Date","Primary" ----------------------

def _daily(platform: str, metric: str, title: str, column: str) -> ExportSpec:
    return ExportSpec(
        platform=platform, kind=f"daily_{metric}", table="account_daily",
        signature=frozenset({"Date", "Primary"}),
        preamble=title,
        columns={
            "date": col("Date", parse="date"),  # '2025-01-01T01:00:00': the hour drifts with DST, floored
            column: col("Primary"),
        },
        note="the header is only Date,Primary: the title line above it says which metric this is",
    )


# (metric, title pattern for Facebook, for Instagram, canonical column). An unprefixed title
# ('Follows', 'Views', 'Content interactions') comes from the Facebook Page view of the Business Suite.
_DAILY_METRICS = [
    ("follows", r"(facebook )?(page )?follows", r"instagram follows", "followers_gained"),
    ("unfollows", r"(facebook )?(page )?unfollows", r"instagram unfollows", "followers_lost"),
    ("reach", r"(facebook )?reach", r"instagram reach", "reach"),
    # Meta replaced Reach by Viewers (unique people who saw content) in 2025: the same measure
    ("viewers", r"(facebook )?viewers", r"instagram viewers", "reach"),
    ("visits", r"(facebook )?(page )?visits", r"instagram (profile )?visits", "profile_visits"),
    ("views", r"(facebook )?views", r"instagram views", "views"),
    ("interactions", r"(facebook )?(content )?interactions", r"instagram (content )?interactions",
     "engagements"),
    ("link_clicks", r"(facebook )?link clicks", r"instagram link clicks", "clicks"),
]

DAILY = [
    spec
    for metric, fb_title, ig_title, column in _DAILY_METRICS
    for spec in (_daily("facebook", metric, fb_title, column), _daily("instagram", metric, ig_title, column))
]

# Audience.csv: stacked blocks ('Age & gender' / "","Women","Men" / ..., 'Top countries', 'Top cities'),
# also the 2024 TAB variant with a 'Facebook followers' / FB_PAGE FOLLOW UNIQUE_USERS block.
AUDIENCE = ExportSpec(
    platform="facebook", kind="audience", table=None,
    signature=frozenset({"Women", "Men"}),
    note="audience breakdowns: recognised, not stored",
)
AUDIENCE_FOLLOWERS = ExportSpec(
    platform="facebook", kind="audience", table=None,
    signature=frozenset({"FB_PAGE", "FOLLOW", "UNIQUE_USERS"}),
    note="audience breakdowns: recognised, not stored",
)

SPECS = [LEGACY_POSTS, LEGACY_VIDEO_POSTS, LEGACY_PAGE, MBS_POSTS, *DAILY, AUDIENCE, AUDIENCE_FOLLOWERS]
