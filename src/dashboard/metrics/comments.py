"""Comment figures (DESIGN.md section 6): negative share and reply times from the `comments` table.

Negative comments are decided at query time, never stored: a comment is negative when the file
said so (a non-empty `is_negative` column in the canonical template is a person's judgement and
wins), otherwise when its text contains one of the workspace's negative keywords (setting
`negative_keywords`). Editing the keyword list therefore changes every figure at once, with
nothing to re-flag. Text and keywords are compared after the same normalisation: Unicode NFKC
(fullwidth ＲＥＦＵＮＤ -> REFUND, ligatures split) then case folding (lowercase, with ß -> ss and
final ς -> σ as Python's str.casefold does), so 「退款」, 'Refund' and 'ＲＥＦＵＮＤ' all match.

Reply time is replied_at - created_at in minutes, for comments replied at or after they were
written (a reply stamped before its comment is a data error and counts as unknown). The crisis
reply time (`crisis_reply_minutes`, a target metric, lower is better) is the median reply time of
the negative comments that were replied; unreplied negative comments are counted apart
(`negative_unreplied`) and never within the target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from dashboard.metrics.filters import Filters
from dashboard.settings import get_setting
from dashboard.store.db import Store

REPLY_TARGET_MINUTES = 30.0  # the default crisis-reply target, also the "replied within" line

_COMMENT_SCHEMA = {
    "platform": pl.String, "post_id": pl.String, "comment_id": pl.String, "author": pl.String,
    "text": pl.String, "created_at": pl.Datetime("us", "UTC"), "replied_at": pl.Datetime("us", "UTC"),
    "day": pl.Date, "reply_minutes": pl.Float64, "is_negative": pl.Boolean, "flagged_by": pl.String,
    "matched": pl.String,
}


def fold(expr: pl.Expr) -> pl.Expr:
    """NFKC then case folding, vectorised (the one normalisation for texts and keywords)."""
    return (expr.str.normalize("NFKC").str.to_lowercase()
            .str.replace_all("ß", "ss", literal=True).str.replace_all("ς", "σ", literal=True))


def fold_text(text: str) -> str:
    return pl.select(fold(pl.lit(text, dtype=pl.String))).item()


def clean_keywords(keywords: Iterable[Any]) -> list[str]:
    """Folded, stripped, de-duplicated keywords in their first order; empty entries dropped."""
    raw = [str(k).strip() for k in keywords if k is not None and str(k).strip()]
    if not raw:
        return []
    folded = pl.select(fold(pl.Series(raw, dtype=pl.String))).to_series().to_list()
    return list(dict.fromkeys(k.strip() for k in folded if k.strip()))


def workspace_keywords(store: Store) -> list[str]:
    value = get_setting(store, "negative_keywords")
    return clean_keywords(value if isinstance(value, list) else [])


def has_comments(store: Store) -> bool:
    return bool(store.scalar("SELECT count(*) FROM comments"))


def comments_frame(store: Store, filters: Filters, keywords: Sequence[str] | None = None) -> pl.DataFrame:
    """The comments written in the period (workspace days), one row each, with the local day,
    reply minutes, is_negative and how it was decided ('file' or 'keyword', null when not
    negative) and the keywords that matched."""
    words = clean_keywords(keywords) if keywords is not None else workspace_keywords(store)
    scope, params = ("list_contains(?, platform)", [list(filters.platforms)]) if filters.platforms else ("TRUE", [])
    frame = store.frame(
        f"""SELECT platform, post_id, comment_id, author, text, created_at, replied_at,
                   CAST(timezone(?, created_at) AS DATE) AS day,
                   CASE WHEN replied_at >= created_at
                        THEN epoch(replied_at - created_at) / 60.0 END AS reply_minutes,
                   is_negative AS file_flag
            FROM comments
            WHERE created_at IS NOT NULL AND CAST(timezone(?, created_at) AS DATE) BETWEEN ? AND ? AND {scope}
            ORDER BY created_at, platform, post_id, comment_id""",
        [filters.tz, filters.tz, filters.start, filters.end, *params])
    if frame.is_empty():
        return pl.DataFrame(schema=_COMMENT_SCHEMA)
    text = fold(pl.col("text").fill_null(""))
    matches = text.str.extract_many(words) if words else pl.lit([], dtype=pl.List(pl.String))
    frame = frame.with_columns(matches.alias("_matches"))
    keyword_hit = pl.col("_matches").list.len() > 0
    return frame.with_columns(
        pl.col("created_at", "replied_at").dt.convert_time_zone("UTC"),
        pl.coalesce(pl.col("file_flag"), keyword_hit).alias("is_negative"),
        pl.when(pl.col("file_flag").is_not_null()).then(pl.when(pl.col("file_flag")).then(pl.lit("file")))
        .when(keyword_hit).then(pl.lit("keyword")).alias("flagged_by"),
        pl.when(pl.col("file_flag").is_null() & keyword_hit)
        .then(pl.col("_matches").list.unique(maintain_order=True).list.join(", ")).alias("matched"),
    ).select(list(_COMMENT_SCHEMA)).cast(_COMMENT_SCHEMA)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def comment_stats(store: Store, filters: Filters, keywords: Sequence[str] | None = None,
                  reply_target_minutes: float = REPLY_TARGET_MINUTES) -> dict[str, Any]:
    """Period figures: comments, negative, negative_share, replied, reply_median_minutes,
    replied_within_share (replied within the target over all comments), negative_replied,
    crisis_reply_minutes (median over replied negatives), negative_within_share,
    negative_unreplied. Shares and medians are None when there is nothing to divide."""
    frame = comments_frame(store, filters, keywords)
    negative = frame.filter(pl.col("is_negative"))
    replied = frame.filter(pl.col("reply_minutes").is_not_null())
    negative_replied = negative.filter(pl.col("reply_minutes").is_not_null())
    within = replied.filter(pl.col("reply_minutes") <= reply_target_minutes).height
    negative_within = negative_replied.filter(pl.col("reply_minutes") <= reply_target_minutes).height
    return {
        "comments": frame.height,
        "negative": negative.height,
        "negative_share": _share(negative.height, frame.height),
        "replied": replied.height,
        "reply_median_minutes": replied["reply_minutes"].median() if replied.height else None,
        "replied_within_share": _share(within, frame.height),
        "negative_replied": negative_replied.height,
        "crisis_reply_minutes": negative_replied["reply_minutes"].median() if negative_replied.height else None,
        "negative_within_share": _share(negative_within, negative.height),
        "negative_unreplied": negative.height - negative.filter(pl.col("replied_at").is_not_null()).height,
        "reply_target_minutes": reply_target_minutes,
    }


def negative_comment_share(store: Store, filters: Filters) -> float | None:
    """Target metric `negative_comment_share`: negative comments ÷ comments written in the period."""
    return comment_stats(store, filters)["negative_share"]


def crisis_reply_minutes(store: Store, filters: Filters) -> float | None:
    """Target metric `crisis_reply_minutes`: median minutes from a negative comment to its reply."""
    return comment_stats(store, filters)["crisis_reply_minutes"]


def daily_comment_stats(store: Store, filters: Filters, keywords: Sequence[str] | None = None) -> pl.DataFrame:
    """Per day and platform: comments, negative, negative_share."""
    frame = comments_frame(store, filters, keywords)
    schema = {"day": pl.Date, "platform": pl.String, "comments": pl.UInt32, "negative": pl.UInt32,
              "negative_share": pl.Float64}
    if frame.is_empty():
        return pl.DataFrame(schema=schema)
    return (frame.group_by("day", "platform").agg(pl.len().alias("comments"),
                                                  pl.col("is_negative").sum().cast(pl.UInt32).alias("negative"))
            .with_columns((pl.col("negative") / pl.col("comments")).alias("negative_share"))
            .sort("day", "platform").cast(schema))
