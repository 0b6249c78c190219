"""Douyin 抖音 exports (FORMATS.md section 8b): the 作品列表 and the account's daily files.

Every cell of the 作品列表 is text and '-' means missing (never 0). The daily files are two
columns, 日期 + one metric, a signature weak enough to match other exports, so those specs are
`closed_header`: a file with any other column is not one of them.
"""

from dashboard.ingest.spec import ExportSpec, col

# Douyin is a short-video platform: every 体裁 except 图文 ('1min-视频', '1-3min视频', ...) is a short video.
_GENRES = {"图文": "image", "图集": "image", "1min-视频": "short_video", "1-3min视频": "short_video",
           "视频": "short_video", "直播": "live"}

VIDEO_LIST = ExportSpec(
    platform="douyin", kind="video_list", table="posts",
    signature=frozenset({"作品名称", "发布时间", "体裁", "播放量"}),
    columns={
        "title": col("作品名称", parse="first_line"),
        "text": col("作品名称", parse="text"),
        "published_at": col("发布时间", parse="datetime"),
        "content_type": col("体裁", parse="map", mapping=_GENRES, default="short_video"),
        "views": col("播放量"),
        "completion_rate": col("完播率", parse="fraction"),
        "avg_watch_s": col("平均播放时长", parse="duration"),
        "likes": col("点赞量"),
        "shares": col("分享量"),
        "comments": col("评论量"),
        "saves": col("收藏量"),
        "follows": col("粉丝增量"),
    },
    key_from=("published_at", "title"),
    note="作品名称 is title + body in one cell: title = its first line, text = all of it; no work id, so "
         "the key is publish time + title; 5s完播率, 2s跳出率, 封面点击率 and 主页访问量 have no post column",
)


def _daily(kind: str, metric: str, column: str | None) -> ExportSpec:
    return ExportSpec(
        platform="douyin", kind=kind, table="account_daily" if column else None,
        signature=frozenset({"日期", metric}), closed_header=True,
        columns={"date": col("日期", parse="date"), column: col(metric)} if column else {},
        note="30-day daily file (日期 + one metric)",
    )


DAILY = [
    _daily("daily_views", "播放量", "views"),
    _daily("daily_net_followers", "净增粉丝", "followers_net"),
    _daily("daily_followers", "总粉丝量", "followers"),
    _daily("daily_cover_ctr", "封面点击率", None),  # '25.00%': a rate, not stored
]

# The account's daily summary, also downloaded as a GBK CSV with an explanatory first line.
DAILY_SUMMARY = ExportSpec(
    platform="douyin", kind="daily_summary", table="account_daily",
    signature=frozenset({"日期", "播放量", "点赞量"}),
    columns={
        "date": col("日期", parse="date"),
        "views": col("播放量"),
        "likes": col("点赞量"),
        "comments": col("评论量"),
        "shares": col("分享量"),
        "saves": col("收藏量"),
        "followers_net": col("净增粉丝", "粉丝净增量", "净增粉丝数"),
        "followers_gained": col("新增粉丝", "新增粉丝数", "新增关注"),
        "followers_lost": col("取关粉丝", "取关粉丝数", "取消关注", "掉粉数"),
        "followers": col("总粉丝量", "粉丝总量", "总粉丝数"),
        "profile_visits": col("主页访问量", "主页访问", "主页访问人数"),
        "posts_published": col("投稿量", "投稿数", "发布作品数"),
    },
    note="GBK CSV; line 1 explains the file (说明行), the header follows",
)

SPECS = [VIDEO_LIST, *DAILY, DAILY_SUMMARY]
