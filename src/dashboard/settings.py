"""Workspace settings (DESIGN.md section 2, `settings` table): one definition with defaults."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dashboard.store.db import Store


def machine_timezone() -> str:
    """The machine's IANA zone name: TZ, else /etc/localtime's target, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = Path("/etc/localtime").resolve()
            name = str(target).split("zoneinfo/", 1)[1] if "zoneinfo/" in str(target) else ""
        except OSError:
            name = ""
    try:
        ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name or "UTC"


DEFAULTS: dict[str, Any] = {
    "timezone": None,  # None: the machine's zone, read when asked
    "currency": "CNY",
    "fx_rates": {},  # currency -> units of the workspace currency per unit
    "conversion_events": ["purchase"],  # event types that are orders (revenue, conversions, new customers)
    "revenue_source": "auto",  # orders | platform | auto (orders when the workspace has any)
    "channel_groups": {  # channel -> group (metrics/channels.py GROUPS); unknown channels: other
        "google_ads": "search", "search_console": "search", "baidu": "search",
        "meta_ads": "paid_social", "tiktok_ads": "paid_social", "ocean_engine": "paid_social",
        "qianchuan": "paid_social",
        "xiaohongshu": "organic_social", "douyin": "organic_social", "tiktok": "organic_social",
        "instagram": "organic_social", "facebook": "organic_social", "x": "organic_social",
        "youtube": "organic_social", "linkedin": "organic_social", "weibo": "organic_social",
        "bilibili": "organic_social", "kuaishou": "organic_social", "zhihu": "organic_social",
        "toutiao": "organic_social", "wechat_channels": "organic_social", "wechat_oa": "organic_social",
        "kol": "kol", "wechat": "community", "community": "community", "wecom": "community",
        "organic": "direct", "ga4": "direct", "website": "direct", "email": "direct",
    },
    "language": None,  # None: from the browser
    "engagement_denominator": "reach",  # reach | impressions | followers
    "lifecycle": {"new_days": 7, "active_days": 7, "churn_days": 30, "activation_days": 7, "retention_days": 7,
                  "activation_events": ["join_group", "message", "check_in", "comment", "like"]},
    "negative_keywords": ["差评", "垃圾", "骗子", "退款", "失望", "scam", "refund", "worst", "terrible", "broken"],
    "demo": False,  # the store holds the demo workspace
    "default_account": "",
    "posting_plan": {},  # platform -> posts planned per week; {} = no plan
    "pseudonymise": False,  # the import option's default: hash user ids with the workspace salt
    "pseudonym_salt": None,  # generated once, on first use (pseudonym_salt)
}


def get_setting(store: Store, key: str) -> Any:
    raw = store.scalar("SELECT value FROM settings WHERE key = ?", [key])
    if raw is None:
        value = DEFAULTS.get(key)
        return machine_timezone() if key == "timezone" and value is None else value
    return json.loads(raw)


def set_setting(store: Store, key: str, value: Any) -> None:
    with store.write() as cur:
        cur.run("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)])


def pseudonym_salt(store: Store) -> str:
    """The workspace's salt for pseudonymised user ids: made once, then always the same one."""
    with store.write(bump=False) as cur:
        cur.run("INSERT INTO settings VALUES ('pseudonym_salt', ?) ON CONFLICT (key) DO NOTHING",
                [json.dumps(secrets.token_hex(16))])
        return json.loads(cur.scalar("SELECT value FROM settings WHERE key = 'pseudonym_salt'"))


def workspace_tz(store: Store) -> ZoneInfo:
    try:
        return ZoneInfo(get_setting(store, "timezone"))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")
