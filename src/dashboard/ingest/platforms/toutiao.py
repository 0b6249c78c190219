"""Toutiao 今日头条 exports (FORMATS.md section 8e, secondhand): 数据趋势, 粉丝趋势 and 作品列表.

The xlsx files are written by WPS; the workbook reader (calamine) opens them. The first data row
of 数据趋势 is `累计` (the period total) and is dropped as a totals row.
"""

from dashboard.ingest.spec import ExportSpec, col

TREND = ExportSpec(
    platform="toutiao", kind="data_trend", table="account_daily",
    signature=frozenset({"时间", "展现量", "阅读(播放)量"}),
    columns={
        "date": col("时间", "日期", parse="date"),
        "impressions": col("展现量"),
        "views": col("阅读(播放)量", "阅读量"),
        "likes": col("点赞量"),
        "comments": col("评论量"),
        "shares": col("分享量", "转发量"),
        "saves": col("收藏量"),
    },
    note="数据趋势_<uid>_<start>-<end>.xlsx; 粉丝展现量 / 粉丝阅读(播放)量 (the followers' share) are not stored",
)

FOLLOWERS = ExportSpec(
    platform="toutiao", kind="follower_trend", table="account_daily",
    signature=frozenset({"时间", "总粉丝数", "新增粉丝数"}),
    columns={
        "date": col("时间", "日期", parse="date"),
        "followers": col("总粉丝数"),
        "followers_net": col("粉丝变化数"),
        "followers_gained": col("新增粉丝数"),
        "followers_lost": col("流失粉丝数"),
    },
    note="粉丝趋势_<start>-<end>.xlsx; 活跃粉丝数 and 总铁粉数 have no canonical column",
)

_TYPES = {"文章": "article", "图文": "article", "视频": "video", "小视频": "short_video", "微头条": "text",
          "问答": "text", "图集": "carousel", "直播": "live"}

WORKS = ExportSpec(
    platform="toutiao", kind="work_list", table="posts",
    signature=frozenset({"标题", "发布时间", "ID", "展现量"}),
    columns={
        "post_id": col("ID", parse="id"),
        "title": col("标题", parse="text"),
        "published_at": col("发布时间", parse="datetime"),
        "content_type": col("体裁", "类型", "作品类型", parse="map", mapping=_TYPES, default="other"),
        "impressions": col("展现量"),
        "views": col("阅读量", "阅读(播放)量", "播放量"),
        "avg_watch_s": col("平均阅读时长", "平均播放时长", parse="duration"),
        "likes": col("点赞量"),
        "comments": col("评论量"),
        "shares": col("分享量", "转发量"),
        "saves": col("收藏量"),
    },
    note="作品列表; 点击率 (= 阅读量 / 展现量) and 粉丝展现量 are not stored",
)

SPECS = [TREND, FOLLOWERS, WORKS]
