"""Instagram exports (FORMATS.md section 3): the Meta Business Suite content export.

Columns are mapped by name, so both orders ('…,Likes,Shares,Follows,Comments,Saves' and the 2025
'…,Likes,Shares,Comments,Saves,Follows') read alike. Daily series files are in facebook.py.
"""

from dashboard.ingest.spec import ExportSpec, col

_POST_TYPES = {
    "ig reel": "short_video", "ig image": "image", "ig carousel": "carousel", "ig video": "video",
    "ig story": "other", "ig live": "live",
}

MBS_POSTS = ExportSpec(
    platform="instagram", kind="mbs_posts", table="posts",
    signature=frozenset({"Post ID", "Account username", "Publish time", "Post type"}),
    columns={
        "post_id": col("Post ID", parse="id"),
        "account": col("Account username", parse="text"),
        "text": col("Description", parse="text"),
        "published_at": col("Publish time", parse="datetime"),  # '05/26/2026 10:23', no time zone
        "url": col("Permalink", parse="text"),
        "content_type": col("Post type", parse="map", mapping=_POST_TYPES, default="other"),
        "views": col("Views"),
        "impressions": col("Impressions"),  # pre-2024 exports: Impressions instead of Views
        "reach": col("Reach"),
        "likes": col("Likes"),
        "shares": col("Shares"),
        "comments": col("Comments"),
        "saves": col("Saves"),
        "follows": col("Follows"),  # empty for reels in 2025 files: stays null
    },
    day_first=False,
    note="Date is literally 'Lifetime'; Duration (sec) is 0 for images (not stored)",
)

SPECS = [MBS_POSTS]
