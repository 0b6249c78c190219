"""LinkedIn Page analytics (FORMATS.md section 6): content and followers workbooks (.xls/.xlsx).

The Page is named only by the file ('<page-vanity>_content_<epoch-ms>.xls'). Genuine exports may carry
a one-line description above the header; the header search skips it. Rates are fractions and are not
stored (the catalogue derives rates from counts); negative values are corrections and are kept.
"""

from dashboard.ingest.spec import ExportSpec, col

_PAGE = r"^(.+?)_(?:content|followers|visitors|competitor_analytics)_\d{10,}"

METRICS = ExportSpec(
    platform="linkedin", kind="content_metrics", table="account_daily",
    signature=frozenset({"Date", "Impressions (total)", "Clicks (total)", "Reactions (total)"}),
    columns={
        "date": col("Date", parse="date"),  # a TEXT cell '02/19/2025'
        "impressions": col("Impressions (total)"),
        "reach": col("Unique impressions (organic)"),  # the only unique count LinkedIn gives
        "clicks": col("Clicks (total)"),
        "likes": col("Reactions (total)"),
        "comments": col("Comments (total)"),
        "shares": col("Reposts (total)"),
    },
    account_from_file=_PAGE, day_first=False,
    note="sheet 'Metrics'; numbers are floats ('15.0'); engagement rates are fractions (not stored)",
)

_CONTENT_TYPES = {
    "image": "image", "images": "image", "photo": "image", "video": "video", "article": "article",
    "text": "text", "document": "carousel", "carousel": "carousel", "multi-image": "carousel",
    "poll": "other", "link": "link", "url": "link", "event": "other", "live": "live",
    # older files put the distribution in 'Post type': not a content type
    "organic": None, "sponsored": None,
}

POSTS = ExportSpec(
    platform="linkedin", kind="content_posts", table="posts",
    signature=frozenset({"Post title", "Post link", "Created date", "Impressions"}),
    columns={
        # 'https://www.linkedin.com/feed/update/urn:li:activity:7306192134921981953'
        "post_id": col("Post link", parse="id", extract=r"urn:li:[A-Za-z]+:(\d+)"),
        "url": col("Post link", parse="text"),
        "title": col("Post title", parse="text"),  # the full post text
        "published_at": col("Created date", parse="datetime"),  # '03/14/2025'
        "content_type": col("Content Type", "Post type", parse="map", mapping=_CONTENT_TYPES, default="other"),
        "impressions": col("Impressions"),
        "views": col("Views"),
        "clicks": col("Clicks"),
        "likes": col("Likes"),
        "comments": col("Comments"),
        "shares": col("Reposts"),
        "follows": col("Follows"),
    },
    key_from=("published_at", "title"),  # a post link without an urn
    account_from_file=_PAGE, day_first=False,
    note="sheet 'All posts'; CTR and engagement rate are fractions (not stored)",
)

# Followers workbook: the daily sheet counts NEW followers per day (not the running total), so
# 'Total followers' there is followers_gained (sponsored + organic + auto-invited).
FOLLOWERS = ExportSpec(
    platform="linkedin", kind="followers", table="account_daily",
    signature=frozenset({"Date", "Organic followers", "Total followers"}),
    columns={"date": col("Date", parse="date"), "followers_gained": col("Total followers")},
    account_from_file=_PAGE, day_first=False,
    note="daily new followers; Sponsored/Organic/Auto-invited splits are not stored",
)

FOLLOWER_DEMOGRAPHICS = [
    ExportSpec(platform="linkedin", kind="follower_demographics", table=None,
               signature=frozenset({dimension, "Total followers"}), note="recognised, not stored")
    for dimension in ("Location", "Job function", "Seniority", "Industry", "Company size")
]

SPECS = [METRICS, POSTS, FOLLOWERS, *FOLLOWER_DEMOGRAPHICS]
