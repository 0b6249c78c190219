"""Every user-visible string, in Chinese (zh) and English (en), and number/date formatting.

`t(key, lang, **params)` looks a string up; a missing key is a bug caught by the tests, and shows
as the key itself rather than crashing a page.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from dashboard.i18n.strings import STRINGS

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def normalise_language(value: str | None) -> str:
    """'zh-CN', 'zh_TW', 'en-US' ... -> 'zh' / 'en'."""
    if not value:
        return DEFAULT_LANGUAGE
    return "en" if value.lower().startswith("en") else "zh" if value.lower().startswith("zh") else DEFAULT_LANGUAGE


def t(key: str, lang: str, **params: Any) -> str:
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str) -> bool:
    return key in STRINGS


def fmt_number(value: float | int | None, lang: str, digits: int = 1) -> str:
    """Compact numbers: 1.2万 / 1.2亿 in Chinese, 12.3K / 1.2M in English; '—' for no data."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "—"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if lang == "zh":
        units = ((1e8, 1e8, "亿"), (1e4, 1e4, "万"))
    else:  # below 10,000 the full number reads better than 1.0K
        units = ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "K"))
    for threshold, divisor, suffix in units:
        if size >= threshold:
            return f"{sign}{size / divisor:.{digits}f}{suffix}"
    if float(size).is_integer():
        return f"{sign}{int(size):,}"
    return f"{sign}{size:,.{max(digits, 2)}f}"


def fmt_percent(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "—"
    return f"{value * 100:.{digits}f}%"


def fmt_date(value: date | None, lang: str) -> str:
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()


def describe_issue(issue: Any, lang: str) -> str:
    """An import issue as a sentence that names the file, the row and the column where known."""
    where = [issue.source]
    if issue.line:
        where.append(t("issue.where_row", lang, line=issue.line))
    if issue.column:
        where.append(t("issue.where_column", lang, column=issue.column))
    params = dict(issue.params or {})
    if "reason_code" in params:
        params["reason"] = t(f"issue.{params['reason_code']}", lang, **params)
    body = t(f"issue.{issue.code}", lang, **params)
    separator = "，" if lang == "zh" else ", "
    return separator.join(where) + ("：" if lang == "zh" else ": ") + body
