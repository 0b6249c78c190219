"""Zhihu 知乎 creator-centre 日报表 (FORMATS.md section 8e, secondhand).

The file is named .xls but is UTF-8 CSV text; read.py sniffs the content, not the extension.
Reads (阅读) and video plays (播放) are both views, so views = 阅读 + 播放 and video_views = 播放;
点赞 (赞同, the upvote) and 喜欢 (the heart) are both likes.
"""

from dashboard.ingest.spec import ExportSpec, col

DAILY = ExportSpec(
    platform="zhihu", kind="daily_report", table="account_daily",
    signature=frozenset({"日期", "阅读", "点赞", "收藏"}),
    columns={
        "date": col("日期", parse="date"),
        "views": col("阅读", "播放", combine="sum"),
        "video_views": col("播放"),
        "likes": col("点赞", "赞同", "喜欢", combine="sum"),
        "comments": col("评论"),
        "saves": col("收藏"),
        "shares": col("分享"),
    },
    note="日报表.xls (CSV text)",
)

SPECS = [DAILY]
