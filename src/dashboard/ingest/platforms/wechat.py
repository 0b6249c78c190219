"""WeChat exports (FORMATS.md sections 8c and 8d): Channels 视频号 and the Official Account 公众号.

Channels: 推荐 is the thumbs-up (赞 before 2022, it also recommends the video to friends) and 喜欢
the heart; both are like reactions, so likes = 推荐 + 喜欢. shares = 分享量 only: 转发聊天和朋友圈
(forwards to chats and Moments; the Channels API calls it forwardAggregationCount) breaks down
the same forwards, so adding it would count them twice. It is read only when 分享量 is absent.

Official Account: the 用户分析 table (an HTML page saved as user_analysis.xls) and the 内容分析 /
图文群发每日数据 trend exports of both backends (≤2022 图文页阅读…, 2023+ 阅读次数… by 渠道). Where a
渠道 column is present only the 全部 rows are kept: the other channels break the same day down.
"""

from dashboard.ingest.spec import ExportSpec, col

CHANNELS_VIDEOS = ExportSpec(
    platform="wechat_channels", kind="video_details", table="posts",
    signature=frozenset({"视频描述", "视频ID", "发布时间", "播放量"}),
    columns={
        "post_id": col("视频ID", parse="id"),
        "title": col("视频描述", parse="first_line"),
        "text": col("视频描述", parse="text"),
        "published_at": col("发布时间", parse="datetime"),
        "completion_rate": col("完播率", parse="rate"),
        "avg_watch_s": col("平均播放时长", parse="duration"),
        "views": col("播放量"),
        "likes": col("推荐", "喜欢", combine="sum"),
        "comments": col("评论量"),
        "shares": col("分享量", "转发聊天和朋友圈"),
        "follows": col("关注量"),
    },
    constants={"content_type": "short_video"},
    note="视频ID is an opaque 'export/Uz…' string; 发布时间 is a day ('2025/09/27'); "
         "设为铃声/设为状态/设为朋友圈封面 have no canonical column",
)

OA_USERS = ExportSpec(
    platform="wechat_oa", kind="user_analysis", table="account_daily",
    signature=frozenset({"时间", "新关注人数", "取消关注人数"}),
    columns={
        "date": col("时间", "日期", parse="date"),
        "followers_gained": col("新关注人数"),
        "followers_lost": col("取消关注人数"),
        "followers_net": col("净增关注人数"),
        "followers": col("累积关注人数", "累计关注人数"),
    },
    note="user_analysis.xls is an HTML table with a title row above the header",
)

_OA_CONTENT_COLUMNS = {
    "date": col("日期", "时间", parse="date"),
    "views": col("阅读次数", "图文页阅读次数"),
    "reach": col("阅读人数", "图文页阅读人数"),
    "shares": col("分享次数", "分享转发次数", "分享人数", "分享转发人数"),
    "saves": col("收藏次数", "微信收藏人数", "收藏人数"),
    "clicks": col("阅读原文次数", "原文页阅读次数", "跳转阅读原文", "阅读原文人数", "原文页阅读人数"),
    "posts_published": col("群发篇数", "发表篇数"),
}
_ALL_CHANNELS = {"渠道": frozenset({"全部"})}

OA_CONTENT_BY_CHANNEL = ExportSpec(
    platform="wechat_oa", kind="content_trend", table="account_daily",
    signature=frozenset({"日期", "渠道", "阅读人数"}),
    columns=_OA_CONTENT_COLUMNS, keep_rows=_ALL_CHANNELS,
    note="2023+ backend (tendency_<start>_<end>.xls): one row per day and 渠道; 全部 is the day's total",
)

OA_CONTENT = ExportSpec(
    platform="wechat_oa", kind="content_trend", table="account_daily",
    signature=frozenset({"日期", "阅读次数", "阅读人数"}),
    columns=_OA_CONTENT_COLUMNS, keep_rows=_ALL_CHANNELS,
    note="2023+ backend without a 渠道 column: every row is a day",
)

OA_CONTENT_OLD = ExportSpec(
    platform="wechat_oa", kind="content_trend", table="account_daily",
    signature=frozenset({"图文页阅读人数", "图文页阅读次数"}),
    columns=_OA_CONTENT_COLUMNS, keep_rows=_ALL_CHANNELS,
    note="≤2022 backend 图文分析 (送达人数 has no canonical column)",
)

SPECS = [CHANNELS_VIDEOS, OA_USERS, OA_CONTENT_BY_CHANNEL, OA_CONTENT, OA_CONTENT_OLD]
