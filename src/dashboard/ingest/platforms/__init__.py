"""Registry of export specs: every module here contributes a SPECS list."""

from dashboard.ingest.platforms import (
    ads,
    canonical,
    douyin,
    facebook,
    instagram,
    linkedin,
    tiktok,
    toutiao,
    wechat,
    x,
    xiaohongshu,
    youtube,
    zhihu,
)
from dashboard.ingest.spec import ExportSpec

# Order breaks ties between equally good matches: platform exports first, templates last.
_MODULES = [x, facebook, instagram, tiktok, youtube, linkedin, xiaohongshu, douyin, wechat, toutiao, zhihu, ads,
            canonical]

ALL_SPECS: list[ExportSpec] = [spec for module in _MODULES for spec in module.SPECS]

# Every platform or channel id the app knows by name (specs may add more).
KNOWN_PLATFORMS: frozenset[str] = frozenset({
    "x", "facebook", "instagram", "tiktok", "youtube", "linkedin", "xiaohongshu", "douyin",
    "wechat_channels", "wechat_oa", "toutiao", "zhihu", "kuaishou", "bilibili", "weibo",
    "google_ads", "meta_ads", "tiktok_ads", "ocean_engine", "qianchuan", "ga4", "search_console",
    "custom",
} | {spec.platform for spec in ALL_SPECS})
