"""The canonical CSV templates (one per table, English or Chinese headers) read back as exports.

The downloadable templates and these specs come from the same table definitions, so a filled-in
template always imports.
"""

from dashboard.ingest.mapping import CONTENT_TYPE_WORDS, default_parse, mappable_columns
from dashboard.ingest.spec import ExportSpec, col
from dashboard.store.schema import CANONICAL

# Chinese header for each canonical column (the English header is the column name itself).
ZH_HEADERS = {
    "platform": "平台", "account": "账号", "date": "日期", "followers": "粉丝总数",
    "followers_gained": "新增粉丝", "followers_lost": "取消关注", "followers_net": "净增粉丝",
    "impressions": "曝光", "reach": "触达", "views": "观看", "profile_visits": "主页访问",
    "engagements": "互动", "likes": "点赞", "comments": "评论", "shares": "分享", "saves": "收藏",
    "clicks": "点击", "video_views": "视频播放", "watch_time_s": "观看时长(秒)", "posts_published": "发布数",
    "post_id": "内容ID", "published_at": "发布时间", "content_type": "内容类型", "title": "标题",
    "text": "正文", "url": "链接", "follows": "带来关注", "avg_watch_s": "平均观看时长(秒)",
    "completion_rate": "完播率", "is_paid": "是否付费", "metrics_as_of": "数据截至",
    "channel": "渠道", "campaign": "广告系列", "ad_group": "广告组", "ad": "广告", "date_start": "开始日期",
    "date_end": "结束日期", "spend": "花费", "currency": "币种", "conversions": "转化",
    "conversion_value": "转化价值", "event_key": "事件ID", "user_id": "用户ID", "occurred_at": "发生时间",
    "event_type": "事件类型", "revenue": "收入", "quantity": "数量", "properties": "属性",
    "comment_id": "评论ID", "author": "作者", "created_at": "评论时间", "replied_at": "回复时间",
    "is_negative": "是否负面",
}

# A template is recognised by its key columns plus the columns no platform export uses together.
_REQUIRED = {
    "account_daily": ("platform", "account", "date"),
    "posts": ("platform", "post_id", "published_at"),
    "ad_stats": ("channel", "campaign", "date_start"),
    "events": ("user_id", "occurred_at", "event_type"),
    "comments": ("platform", "post_id", "comment_id"),
}


def template_headers(table: str, language: str = "en") -> list[str]:
    columns = mappable_columns(table)
    return columns if language == "en" else [ZH_HEADERS[c] for c in columns]


def _spec(table: str, language: str) -> ExportSpec:
    def header(c: str) -> str:
        return c if language == "en" else ZH_HEADERS[c]

    columns = {}
    for c in mappable_columns(table):
        parse = default_parse(table, c)
        options = {"mapping": CONTENT_TYPE_WORDS, "default": "other"} if parse == "map" else {}
        columns[c] = col(c, ZH_HEADERS[c], parse=parse, **options)
    return ExportSpec(
        platform="custom", kind=f"template_{table}", table=table,
        signature=frozenset(header(c) for c in _REQUIRED[table]),
        columns=columns,
        key_from=("published_at", "title") if table == "posts" else (),
        note="canonical template",
    )


SPECS = [_spec(t, lang) for t in CANONICAL for lang in ("en", "zh")]
