"""TikTok exports (FORMATS.md section 4): TikTok Studio 'Download data' and Business Suite style files.

TikTok Studio prints dates without a year ('February 28', Spanish UI '8 de marzo'); the normaliser
infers the year from the export day (rows oldest first, the last one on or before today).

Views: every TikTok post is a video and TikTok's headline number is the video view, so 'Video views'
is stored as `views`, the column the catalogue's views KPI reads for every platform; `video_views` is
for platforms where video plays are a subset of all views (X, Facebook).
"""

from dashboard.ingest.spec import ExportSpec, col

_HANDLE = r"tiktok\.com/@([^/?#]+)"
_VIDEO_ID = r"/(?:video|photo)/(\d+)"  # the exports have no id column: the link carries it
# photo-mode posts have /photo/ links; everything else on TikTok is a short video
_CONTENT_TYPE = col("Video link", parse="map", extract=r"/(video|photo)/",
                    mapping={"video": "short_video", "photo": "carousel"}, default="short_video")

OVERVIEW = ExportSpec(
    platform="tiktok", kind="overview", table="account_daily",
    signature=frozenset({"Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"}),
    columns={
        "date": col("Date", parse="date"),  # yearless
        "views": col("Video Views"),
        "profile_visits": col("Profile Views"),
        "likes": col("Likes"),
        "comments": col("Comments"),
        "shares": col("Shares"),
    },
)

CONTENT = ExportSpec(
    platform="tiktok", kind="content", table="posts",
    signature=frozenset({"Time", "Video title", "Video link", "Post time"}),
    columns={
        "post_id": col("Video link", parse="id", extract=_VIDEO_ID),
        "url": col("Video link", parse="text"),
        "text": col("Video title", parse="text"),  # the caption; may be empty
        "content_type": _CONTENT_TYPE,
        "metrics_as_of": col("Time", parse="date"),  # the export day, yearless
        "published_at": col("Post time", parse="date"),  # 'July 16': the latest such day <= Time
        "likes": col("Total likes"),
        "comments": col("Total comments"),
        "shares": col("Total shares"),
        "views": col("Total views"),
    },
    anchors={"published_at": "metrics_as_of"},
    account_pattern=_HANDLE,
)

# Total Viewers = unique people who watched the account's videos that day: that is reach.
VIEWERS = ExportSpec(
    platform="tiktok", kind="viewers", table="account_daily",
    signature=frozenset({"Date", "Total Viewers", "New Viewers", "Returning Viewers"}),
    columns={"date": col("Date", parse="date"), "reach": col("Total Viewers")},
    note="'undefined' on early days is missing; New/Returning Viewers are not stored",
)

FOLLOWER_HISTORY = ExportSpec(
    platform="tiktok", kind="follower_history", table="account_daily",
    signature=frozenset({"Date", "Followers", "Difference in followers from previous day"}),
    columns={
        "date": col("Date", parse="date"),
        "followers": col("Followers"),
        "followers_net": col("Difference in followers from previous day"),
    },
)

FOLLOWER_ACTIVITY = ExportSpec(
    platform="tiktok", kind="follower_activity", table=None,
    signature=frozenset({"Date", "Hour", "Active followers"}), note="recognised, not stored",
)
FOLLOWER_GENDER = ExportSpec(
    platform="tiktok", kind="follower_gender", table=None,
    signature=frozenset({"Gender", "Distribution"}), note="recognised, not stored",
)
FOLLOWER_TERRITORIES = ExportSpec(
    platform="tiktok", kind="follower_territories", table=None,
    signature=frozenset({"Top territories", "Distribution"}), note="recognised, not stored",
)

# -- Business Suite style exports (FORMATS 4b): '2025/10/31', NAN and '--' placeholders ----------

BUSINESS_OVERVIEW = ExportSpec(
    platform="tiktok", kind="business_overview", table="account_daily",
    # a superset of the Studio Overview header (names match case-insensitively): the bigger
    # signature wins over OVERVIEW
    signature=frozenset({"Date", "Video views", "Reached audience", "Profile views", "Likes", "Shares",
                         "Comments", "Net growth", "New followers", "Lost followers"}),
    columns={
        "date": col("Date", parse="date"),
        "views": col("Video views"),
        "reach": col("Reached audience"),
        "profile_visits": col("Profile views"),
        "likes": col("Likes"),
        "shares": col("Shares"),
        "comments": col("Comments"),
        "followers_net": col("Net growth"),
        "followers_gained": col("New followers"),
        "followers_lost": col("Lost followers"),
    },
    note="'Phone number clicks ' (trailing space) and 'Leads submission' are not stored",
)

BUSINESS_FOLLOWERS = ExportSpec(
    platform="tiktok", kind="business_followers", table="account_daily",
    signature=frozenset({"Date", "New followers", "Total followers", "Reached audience", "Engaged audience"}),
    columns={
        "date": col("Date", parse="date"),
        "followers_gained": col("New followers"),
        "followers": col("Total followers"),  # often '--': missing, never 0
        "reach": col("Reached audience"),
        "engagements": col("Engaged audience"),
    },
)

BUSINESS_VIDEOS = ExportSpec(
    platform="tiktok", kind="business_videos", table="posts",
    signature=frozenset({"Video title", "Video link", "Post time", "Video views"}),
    columns={
        "post_id": col("Video link", parse="id", extract=_VIDEO_ID),
        "url": col("Video link", parse="text"),
        "text": col("Video title", parse="text"),
        "content_type": _CONTENT_TYPE,
        "published_at": col("Post time", parse="datetime"),  # '2025/10/31 18:19:10'
        "views": col("Video views"),
        "likes": col("Likes"),
        "comments": col("Comments"),
        "shares": col("Shares"),
        "saves": col("Add to Favorites"),
    },
    account_pattern=_HANDLE,
)

SPECS = [OVERVIEW, CONTENT, VIEWERS, FOLLOWER_HISTORY, FOLLOWER_ACTIVITY, FOLLOWER_GENDER,
         FOLLOWER_TERRITORIES, BUSINESS_OVERVIEW, BUSINESS_FOLLOWERS, BUSINESS_VIDEOS]
