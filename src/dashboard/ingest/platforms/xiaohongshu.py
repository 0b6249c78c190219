"""Xiaohongshu 小红书 exports (FORMATS.md section 8a): the note list and the 近30日 workbooks.

The 近30日 workbooks hold one summary sheet (指标|数值) and one sheet per metric whose header is
always `日期|数值`: the sheet name says which metric it is, so each trend spec carries a `sheet`
regex. The sheets of one workbook fill the same day's account_daily row (the loader merges rows
of one import by key). Trend sheets are newest first and the newest day is not yet settled; a
later export of the same days overwrites it.
"""

from dashboard.ingest.spec import ExportSpec, col

NOTE_LIST = ExportSpec(
    platform="xiaohongshu", kind="note_list", table="posts",
    signature=frozenset({"笔记标题", "首次发布时间", "体裁", "曝光"}),
    columns={
        "title": col("笔记标题", parse="text"),
        "published_at": col("首次发布时间", parse="datetime"),
        "content_type": col("体裁", parse="map", mapping={"图文": "image", "视频": "video"}, default="other"),
        "impressions": col("曝光"),
        "views": col("观看量", "观看"),
        "likes": col("点赞"),
        "comments": col("评论"),
        "saves": col("收藏"),
        "follows": col("涨粉"),
        "shares": col("分享"),
        "avg_watch_s": col("人均观看时长", parse="duration"),
    },
    key_from=("published_at", "title"),
    note="row 1 is a note (最多导出排序后前1000条笔记); no note id, so the key is publish time + title; "
         "封面点击率 (cover click-through, a fraction) and 弹幕 have no canonical column",
)

_TREND = frozenset({"日期", "数值"})


def _trend(kind: str, sheet: str, column: str | None, parse: str = "int") -> ExportSpec:
    """One 趋势 sheet; column None: a rate or average we do not store (recognised, not stored)."""
    return ExportSpec(
        platform="xiaohongshu", kind=kind, table="account_daily" if column else None,
        signature=_TREND, sheet=rf"^{sheet}$",
        columns={"date": col("日期", parse="date"), column: col("数值", parse=parse)} if column else {},
        note="近30日 trend sheet, newest day first",
    )


TRENDS = [
    # 近30日观看数据
    _trend("views_30d", "曝光趋势", "impressions"),
    _trend("views_30d", "观看趋势", "views"),
    _trend("views_30d", "观看总时长趋势", "watch_time_s", parse="duration"),  # '1030秒'
    _trend("views_30d", "(封面点击率|平均观看时长|视频完播率|完播率)趋势", None),  # '19%', '24秒': not additive
    # 近30日互动数据
    _trend("engagement_30d", "点赞趋势", "likes"),
    _trend("engagement_30d", "评论趋势", "comments"),
    _trend("engagement_30d", "收藏趋势", "saves"),
    _trend("engagement_30d", "分享趋势", "shares"),
    # 近30日发布数据: only the total; the video / image split has no canonical column
    _trend("publishing_30d", "总发布趋势", "posts_published"),
    _trend("publishing_30d", "发布(视频|图文)趋势", None),
    # 近30日涨粉数据
    _trend("followers_30d", "净涨粉趋势", "followers_net"),
    _trend("followers_30d", "新增关注趋势", "followers_gained"),
    _trend("followers_30d", "取消关注趋势", "followers_lost"),
    _trend("followers_30d", "主页访客趋势", "profile_visits"),
    _trend("followers_30d", "主页转粉率趋势", None),
]

SUMMARY = ExportSpec(
    platform="xiaohongshu", kind="summary_30d", table=None,
    signature=frozenset({"指标", "数值"}), sheet=r"^账号总体.*数据$",
    note="30-day totals and period-over-period changes: the trend sheets carry the same numbers per day",
)

SPECS = [NOTE_LIST, *TRENDS, SUMMARY]
