"""Channel ROI (DESIGN.md sections 2 and 4): what each channel costs and what it brings back.

Where the figures come from, per channel (and per campaign where the figure has one):
- `ad_stats`: spend, impressions, clicks, and the ad platforms' own conversions and conversion
  value. A row covers a date range; a period (or a time bucket) that covers part of the range takes a
  share by days (a 7-day period inside a 28-day report row takes 7/28 of it), and `spend_prorated`
  says how much of the spend came from rows that reach outside the period.
- `costs`: manual costs (KOL fees, content, tools, staff), prorated the same way.
- `events`: orders (the event types of the `conversion_events` setting), each attributed to its user's
  first-touch channel: the channel of the user's earliest event that names one (an order without a
  user keeps its own channel, else it is 'unattributed'). A new customer is a user whose first order
  ever falls in the period, counted for that first-touch channel.

Money is converted to the workspace currency (`currency` setting) with the editable `fx_rates`. An
amount in a currency without a rate is left out of every figure, never added as if it were the
workspace currency, and is listed by `currency_issues()`; an amount without a currency is taken to
be in the workspace currency and listed there too.

`revenue` and `conversions` follow the `revenue_source` setting: 'orders' (events) or 'platform' (the
ad platforms' reported conversions and conversion value); 'auto' = orders when the workspace has
any. Both stay available as `orders_revenue` / `orders` and `conversion_value` /
`platform_conversions`. Campaign figures can only come from the platforms: orders carry no campaign.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import _null_preserving_sum, evaluate
from dashboard.metrics.lifecycle import _fingerprint as events_state
from dashboard.metrics.memo import memoised
from dashboard.metrics.registry import METRICS, PAID_PAIRS, null_sum, paired_columns
from dashboard.settings import DEFAULTS, get_setting
from dashboard.store.db import Store

GROUPS = ("paid_social", "search", "organic_social", "kol", "community", "direct", "other")
LEVELS = ("channel", "group")
REVENUE_SOURCES = ("orders", "platform")
UNATTRIBUTED = "unattributed"
PAID_KEYS = tuple(key for key, metric in METRICS.items() if metric.source == "paid")
MEASURES = ("spend", "spend_prorated", "manual_cost", "manual_cost_prorated", "ad_impressions", "ad_clicks",
            "platform_conversions", "conversion_value", "orders", "orders_revenue", "new_customers")
_ORDER_MEASURES = ("orders", "orders_revenue", "new_customers")
# columns summed when channel rows are combined (pairs are masked per channel row first)
SUMMED = (*MEASURES, "cost", "conversions", "revenue",
          *(f"{n}__{d}_{side}" for n, d in PAID_PAIRS for side in ("num", "den")))
MIN_SHARE_GAP = 0.10  # budget share vs conversion share: smaller gaps are not worth a sentence
_UNITS = {"day": "DAY", "week": "WEEK", "month": "MONTH"}


# -- settings this module reads -----------------------------------------------------------------

def workspace_currency(store: Store) -> str:
    return str(get_setting(store, "currency") or DEFAULTS["currency"]).strip().upper()


def fx_rates(store: Store) -> dict[str, float]:
    """Currency -> units of the workspace currency per unit; the workspace currency itself is 1."""
    rates = {}
    for code, rate in (get_setting(store, "fx_rates") or {}).items():
        if isinstance(rate, int | float) and math.isfinite(rate) and rate > 0:
            rates[str(code).strip().upper()] = float(rate)
    rates[workspace_currency(store)] = 1.0
    return rates


def conversion_events(store: Store) -> list[str]:
    return [str(e).strip().lower() for e in get_setting(store, "conversion_events") or [] if str(e).strip()]


def has_orders(store: Store) -> bool:
    return bool(store.scalar("SELECT EXISTS (SELECT 1 FROM events WHERE list_contains(?, lower(event_type)))",
                             [conversion_events(store)]))


def revenue_source(store: Store) -> str:
    """'orders' or 'platform': the setting, with 'auto' resolved (orders when there are any)."""
    chosen = get_setting(store, "revenue_source")
    if chosen in REVENUE_SOURCES:
        return chosen
    return "orders" if has_orders(store) else "platform"


def channel_groups(store: Store) -> dict[str, str]:
    """Channel -> group: the defaults, overridden by what the team saved."""
    saved = get_setting(store, "channel_groups") or {}
    merged = {**DEFAULTS["channel_groups"], **saved}
    return {channel: group if group in GROUPS else "other" for channel, group in merged.items()}


def has_channel_data(store: Store) -> bool:
    """Anything this page can show: ad rows, manual costs or orders."""
    return bool(store.scalar("SELECT (SELECT count(*) FROM ad_stats) + (SELECT count(*) FROM costs) > 0")) \
        or has_orders(store)


def channel_data_span(store: Store, tz: str) -> tuple[Any, Any]:
    """First and last day covered by ad rows, manual costs or orders (workspace days)."""
    return tuple(store.rows(
        "SELECT min(d0), max(d1) FROM (SELECT date_start AS d0, date_end AS d1 FROM ad_stats UNION ALL "
        "SELECT date_start, coalesce(date_end, date_start) FROM costs UNION ALL "
        "SELECT CAST(timezone(?, occurred_at) AS DATE), CAST(timezone(?, occurred_at) AS DATE) FROM events "
        "WHERE list_contains(?, lower(event_type)))", [tz, tz, conversion_events(store)])[0])


def known_channels(store: Store) -> list[str]:
    """Every channel the workspace knows: in the data, in costs, in the channel groups."""
    rows = store.rows("SELECT DISTINCT channel FROM (SELECT channel FROM ad_stats UNION ALL SELECT channel FROM "
                      "costs UNION ALL SELECT channel FROM events) WHERE nullif(trim(channel), '') IS NOT NULL")
    return sorted({r[0].strip() for r in rows} | set(channel_groups(store)))


def currencies_in_data(store: Store) -> list[str]:
    """Every currency an amount is stored in (ads, costs, orders)."""
    rows = store.rows("SELECT DISTINCT upper(trim(currency)) FROM (SELECT currency FROM ad_stats UNION ALL SELECT "
                      "currency FROM costs UNION ALL SELECT currency FROM events WHERE revenue IS NOT NULL) "
                      "WHERE nullif(trim(currency), '') IS NOT NULL ORDER BY 1")
    return [r[0] for r in rows]


def event_types(store: Store) -> list[str]:
    return [r[0] for r in store.rows("SELECT DISTINCT lower(event_type) FROM events WHERE event_type IS NOT NULL "
                                     "ORDER BY 1")]


# -- the SQL: every source row cut into its share of each bucket ------------------------------------

def _bind(sql: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
    """`$name` placeholders -> DuckDB's numbered `$n`, so one value can be used many times."""
    names = list(values)
    return re.sub(r"\$([a-z_]+)", lambda m: f"${names.index(m.group(1)) + 1}", sql), list(values.values())


def _buckets(granularity: str | None) -> str:
    if granularity is None:  # one bucket over the whole period (kpis' convention: 1970-01-01)
        return "SELECT DATE '1970-01-01' AS bucket, CAST($start AS DATE) AS lo, CAST($end AS DATE) AS hi"
    unit = _UNITS[granularity]
    return (f"SELECT CAST(b AS DATE) AS bucket, greatest(CAST(b AS DATE), CAST($start AS DATE)) AS lo, "
            f"least(CAST(b + INTERVAL 1 {unit} - INTERVAL 1 DAY AS DATE), CAST($end AS DATE)) AS hi "
            f"FROM generate_series(date_trunc('{unit.lower()}', CAST($start AS DATE)), CAST($end AS DATE), "
            f"INTERVAL 1 {unit}) t(b)")


_IN_SCOPE = "(len(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), {column}))"
_CURRENCY = "upper(coalesce(nullif(trim({column}), ''), $currency))"
_PARTS = """
WITH fx AS (SELECT unnest(CAST($fx_codes AS VARCHAR[])) AS code, unnest(CAST($fx_rates AS DOUBLE[])) AS rate),
buckets AS ({buckets}),
ads AS (
    SELECT channel, campaign, date_start, date_end, spend, impressions, clicks, conversions, conversion_value,
           {ad_currency} AS currency, nullif(trim(currency), '') IS NULL AS assumed,
           (date_start < CAST($start AS DATE) OR date_end > CAST($end AS DATE)) AS partial,
           CAST(date_end - date_start + 1 AS DOUBLE) AS row_days
    FROM ad_stats
    WHERE date_end >= CAST($start AS DATE) AND date_start <= CAST($end AS DATE) AND {ad_scope}
),
ad_parts AS (
    SELECT b.bucket, a.*, fx.rate, (least(a.date_end, b.hi) - greatest(a.date_start, b.lo) + 1) / a.row_days AS share
    FROM ads a JOIN buckets b ON a.date_start <= b.hi AND a.date_end >= b.lo LEFT JOIN fx ON fx.code = a.currency
),
manual AS (
    SELECT channel, date_start, coalesce(date_end, date_start) AS date_end, amount,
           {cost_currency} AS currency, nullif(trim(currency), '') IS NULL AS assumed,
           (date_start < CAST($start AS DATE) OR coalesce(date_end, date_start) > CAST($end AS DATE)) AS partial,
           CAST(coalesce(date_end, date_start) - date_start + 1 AS DOUBLE) AS row_days
    FROM costs
    WHERE date_start IS NOT NULL AND coalesce(date_end, date_start) >= CAST($start AS DATE)
      AND date_start <= CAST($end AS DATE) AND {cost_scope}
),
cost_parts AS (
    SELECT b.bucket, c.*, fx.rate, (least(c.date_end, b.hi) - greatest(c.date_start, b.lo) + 1) / c.row_days AS share
    FROM manual c JOIN buckets b ON c.date_start <= b.hi AND c.date_end >= b.lo LEFT JOIN fx ON fx.code = c.currency
),
conv AS (
    SELECT user_id, revenue, day, channel, {event_currency} AS currency, raw_currency IS NULL AS assumed, is_first
    FROM channel_orders WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
order_parts AS (
    SELECT b.bucket, c.*, fx.rate
    FROM conv c JOIN buckets b ON c.day BETWEEN b.lo AND b.hi LEFT JOIN fx ON fx.code = c.currency
    WHERE {order_scope}
)
"""

_MEASURES_SQL = """
SELECT bucket, channel, campaign,
       sum(spend * rate * share) AS spend,
       sum(spend * rate * share) FILTER (WHERE partial) AS spend_prorated,
       sum(impressions * share) AS ad_impressions, sum(clicks * share) AS ad_clicks,
       sum(conversions * share) AS platform_conversions, sum(conversion_value * rate * share) AS conversion_value
FROM ad_parts WHERE rate IS NOT NULL GROUP BY ALL
UNION ALL BY NAME
SELECT bucket, channel, CAST(NULL AS VARCHAR) AS campaign, sum(amount * rate * share) AS manual_cost,
       sum(amount * rate * share) FILTER (WHERE partial) AS manual_cost_prorated
FROM cost_parts WHERE rate IS NOT NULL GROUP BY ALL
UNION ALL BY NAME
SELECT bucket, channel, CAST(NULL AS VARCHAR) AS campaign, CAST(count(*) AS DOUBLE) AS orders,
       sum(revenue * rate) AS orders_revenue,
       CAST(count(DISTINCT user_id) FILTER (WHERE is_first) AS DOUBLE) AS new_customers
FROM order_parts GROUP BY ALL
"""

_ISSUES_SQL = """
SELECT 'ad_stats' AS source, channel, currency, rate IS NULL AS no_rate, sum(spend * share) AS amount,
       sum(conversion_value * share) AS conversion_value, count(*) AS rows
FROM ad_parts WHERE rate IS NULL OR assumed GROUP BY ALL
UNION ALL BY NAME
SELECT 'costs' AS source, channel, currency, rate IS NULL AS no_rate, sum(amount * share) AS amount, count(*) AS rows
FROM cost_parts WHERE rate IS NULL OR assumed GROUP BY ALL
UNION ALL BY NAME
SELECT 'events' AS source, channel, currency, rate IS NULL AS no_rate, sum(revenue) AS amount, count(*) AS rows
FROM order_parts WHERE rate IS NULL OR assumed GROUP BY ALL
"""


# -- orders, derived from events ---------------------------------------------------------------------

ORDERS_RECIPE = 1  # bump when the way channel_orders is built changes
_ORDERS_KEY = "__channel_orders"
_ORDERS_REBUILD = f"""
INSERT INTO channel_orders
WITH touch AS (
    SELECT user_id, arg_min(trim(channel), occurred_at) AS first_channel FROM events
    WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL AND nullif(trim(channel), '') IS NOT NULL
    GROUP BY user_id
)
SELECT e.user_id, e.occurred_at, CAST(timezone($1, e.occurred_at) AS DATE) AS day,
       coalesce(t.first_channel, nullif(trim(e.channel), ''), '{UNATTRIBUTED}') AS channel, e.revenue,
       nullif(trim(e.currency), '') AS raw_currency,
       e.user_id IS NOT NULL AND e.occurred_at = min(e.occurred_at) OVER (PARTITION BY e.user_id) AS is_first
FROM events e LEFT JOIN touch t ON t.user_id = e.user_id
WHERE list_contains(CAST($2 AS VARCHAR[]), lower(e.event_type)) AND e.occurred_at IS NOT NULL
"""


def ensure_orders(store: Store, tz: str, events: list[str]) -> bool:
    """Rebuild `channel_orders` (every order with its workspace day, its user's first-touch channel
    and whether it is the user's first order) when the events, the time zone or the conversion event
    types changed; True if it rebuilt. Like lifecycle.ensure_activity: one transaction under the
    write lock, no data version bump (the data did not change)."""
    wanted = json.dumps([ORDERS_RECIPE, sorted(events), events_state(store, tz)])
    if store.scalar(f"SELECT value FROM settings WHERE key = '{_ORDERS_KEY}'") == json.dumps(wanted):
        return False
    with store.write(bump=False) as cur:
        wanted = json.dumps([ORDERS_RECIPE, sorted(events), events_state(cur, tz)])
        if cur.scalar(f"SELECT value FROM settings WHERE key = '{_ORDERS_KEY}'") == json.dumps(wanted):
            return False
        cur.run("DELETE FROM channel_orders")
        cur.run(_ORDERS_REBUILD, [tz, list(events)])
        cur.run("INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [_ORDERS_KEY, json.dumps(wanted)])
    return True


@memoised  # a page asks for the same period's measures several times (tiles, trend, table, advice)
def _query(store: Store, filters: Filters, granularity: str | None, body: str) -> pl.DataFrame:
    events = conversion_events(store)
    ensure_orders(store, filters.tz, events)
    rates = fx_rates(store)
    parts = _PARTS.format(
        buckets=_buckets(granularity), unattributed=UNATTRIBUTED,
        ad_currency=_CURRENCY.format(column="currency"), cost_currency=_CURRENCY.format(column="currency"),
        event_currency=_CURRENCY.format(column="raw_currency"),
        ad_scope=_IN_SCOPE.format(column="channel"), cost_scope=_IN_SCOPE.format(column="channel"),
        order_scope=_IN_SCOPE.format(column="c.channel"))
    sql, params = _bind(parts + body, {
        "start": filters.start, "end": filters.end, "currency": workspace_currency(store),
        "fx_codes": list(rates), "fx_rates": list(rates.values()), "channels": list(filters.platforms)})
    return store.frame(sql, params)


# -- measures per (bucket, channel[, campaign]) ------------------------------------------------------

def _rows(store: Store, filters: Filters, granularity: str | None, campaigns: bool = False) -> pl.DataFrame:
    """Summed measures per bucket and channel (campaigns: per ad campaign, ad rows only), with the
    chosen revenue source, the cost, and every pair masked per row."""
    raw = _query(store, filters, granularity, _MEASURES_SQL)
    raw = raw.with_columns(pl.col(MEASURES).cast(pl.Float64))
    if campaigns:
        rows = raw.filter(pl.col("campaign").is_not_null()).group_by(
            ["bucket", "channel", "campaign"], maintain_order=True).agg(*[_null_preserving_sum(c) for c in MEASURES])
        rows = rows.with_columns(pl.col("platform_conversions").alias("conversions"),
                                 pl.col("conversion_value").alias("revenue"))
    else:
        rows = raw.group_by(["bucket", "channel"], maintain_order=True).agg(
            *[_null_preserving_sum(c) for c in MEASURES])
        if has_orders(store):  # the workspace has orders: a channel without any in a bucket has 0, not 'unknown'
            rows = rows.with_columns(pl.col(_ORDER_MEASURES).fill_null(0.0))
        orders = revenue_source(store) == "orders"
        rows = rows.with_columns(pl.col("orders" if orders else "platform_conversions").alias("conversions"),
                                 pl.col("orders_revenue" if orders else "conversion_value").alias("revenue"))
    rows = rows.with_columns(null_sum("spend", "manual_cost").alias("cost"))
    return rows.with_columns(*paired_columns(PAID_PAIRS)).sort([c for c in ("bucket", "channel", "campaign")
                                                                 if c in rows.columns])


def _combine(rows: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return rows.group_by(by, maintain_order=True).agg(*[_null_preserving_sum(c) for c in SUMMED]).sort(by)


def paid_measures(store: Store, filters: Filters, granularity: str | None, by_platform: bool) -> pl.DataFrame:
    """The 'paid' base-measure source of kpis.py: per bucket (and channel, as `platform`)."""
    rows = _rows(store, filters, granularity).rename({"channel": "platform"})
    return _combine(rows, ["bucket", "platform"] if by_platform else ["bucket"])


def _by_level(store: Store, rows: pl.DataFrame, level: str) -> pl.DataFrame:
    if level == "group":
        groups = channel_groups(store)
        return rows.with_columns(pl.col("channel").replace_strict(groups, default="other", return_dtype=pl.String)
                                 .alias("group"))
    return rows


def channel_table(store: Store, filters: Filters, level: str = "channel") -> pl.DataFrame:
    """One row per channel (or channel group) for the period: every paid metric, the raw revenue of
    both sources, the share of spend that was prorated, and budget share vs conversion share
    (over the channels that cost something), sorted by cost."""
    if level not in LEVELS:
        raise ValueError(f"level {level!r}")
    summed = _combine(_by_level(store, _rows(store, filters, None), level), [level])
    table = pl.concat([evaluate(summed, filters.denominator, PAID_KEYS, keep=[level]),
                       summed.select("orders_revenue", "orders", "platform_conversions", "spend_prorated",
                                     "manual_cost_prorated")], how="horizontal")
    paying = pl.col("cost") > 0
    total_cost = table.filter(paying)["cost"].sum()
    total_conversions = table.filter(paying)["conversions"].sum()
    return table.with_columns(
        _share(pl.col("spend_prorated").fill_null(0), pl.col("spend")).alias("prorated_share"),
        _share(pl.col("manual_cost_prorated").fill_null(0), pl.col("manual_cost")).alias("manual_cost_prorated_share"),
        pl.when(paying).then(_share(pl.col("cost"), pl.lit(total_cost))).alias("cost_share"),
        pl.when(paying).then(_share(pl.col("conversions"), pl.lit(total_conversions))).alias("conversion_share"),
    ).sort(["cost", level], descending=[True, False], nulls_last=True)


def _share(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    return pl.when(whole > 0).then(part / whole).otherwise(None)


def channel_trend(store: Store, filters: Filters, keys: tuple[str, ...], level: str = "channel") -> pl.DataFrame:
    """Paid metrics per time bucket (filters.granularity) and channel or group."""
    rows = _by_level(store, _rows(store, filters, filters.granularity), level)
    return evaluate(_combine(rows, ["bucket", level]), filters.denominator, keys, keep=["bucket", level])


CAMPAIGN_KEYS = ("spend", "ad_impressions", "ad_clicks", "ad_click_rate", "cpm", "cpc", "conversions", "cvr", "cpa",
                 "conversion_value", "roas", "roi")


def campaign_table(store: Store, filters: Filters) -> pl.DataFrame:
    """Cost against return per ad campaign (the platforms' conversions and conversion value; the cost
    of a campaign is its spend), sorted by spend."""
    summed = _combine(_rows(store, filters, None, campaigns=True), ["channel", "campaign"])
    table = evaluate(summed, filters.denominator, CAMPAIGN_KEYS, keep=["channel", "campaign"])
    return table.with_columns(summed["spend_prorated"]).with_columns(
        _share(pl.col("spend_prorated").fill_null(0), pl.col("spend")).alias("prorated_share"),
    ).sort(["spend", "channel", "campaign"], descending=[True, False, False], nulls_last=True)


def currency_issues(store: Store, filters: Filters) -> pl.DataFrame:
    """Amounts of the period that were not simply added: `no_rate` (a currency without a rate: left
    out) or assumed to be in the workspace currency (no currency given). Amounts in their own
    currency, prorated like the figures they belong to."""
    frame = _query(store, filters, None, _ISSUES_SQL)
    return frame.sort(["no_rate", "source", "channel", "currency"], descending=[True, False, False, False])


def unconverted(store: Store, filters: Filters) -> list[dict[str, Any]]:
    """What was left out for want of a rate: source, channel, currency, amount, rows."""
    frame = currency_issues(store, filters).filter(pl.col("no_rate"))
    return frame.select("source", "channel", "currency", "amount", "rows").to_dicts()


# -- recommendations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recommendation:
    """A sentence built from the numbers: i18n key `channels.rec.<kind>` with raw parameters.
    Parameter names say how to show them: channel (a channel or group key), campaign (text),
    *_share / roi (fractions), roas (a multiple), *_amount (money in the workspace currency)."""
    kind: str
    tone: str  # good | bad
    params: dict[str, Any]


def recommendations(store: Store, filters: Filters, level: str = "channel") -> list[Recommendation]:
    table = channel_table(store, filters, level)
    bad: list[Recommendation] = []
    good: list[Recommendation] = []
    for row in table.iter_rows(named=True):
        name, cost, conversions = row[level], row["cost"], row["conversions"]
        if not cost or cost <= 0:
            continue
        if conversions == 0:
            bad.append(Recommendation("no_conversions", "bad", {"channel": name, "cost_amount": cost}))
            continue
        cost_share, conversion_share = row["cost_share"], row["conversion_share"]
        if cost_share is not None and conversion_share is not None:
            if cost_share - conversion_share >= MIN_SHARE_GAP:
                bad.append(Recommendation("spend_heavy", "bad", {"channel": name, "cost_share": cost_share,
                                                                 "conversion_share": conversion_share}))
            elif conversion_share - cost_share >= MIN_SHARE_GAP:
                good.append(Recommendation("converts_well", "good", {"channel": name, "cost_share": cost_share,
                                                                     "conversion_share": conversion_share}))
        if row["roi"] is not None and row["roi"] < 0:
            bad.append(Recommendation("negative_roi", "bad", {"channel": name, "roi": row["roi"],
                                                              "revenue_amount": row["revenue"], "cost_amount": cost}))
    good += _cheapest_customers(table, level)
    campaign_bad, campaign_good = _campaign_extremes(campaign_table(store, filters))
    return bad + campaign_bad + good + campaign_good


def _cheapest_customers(table: pl.DataFrame, level: str) -> list[Recommendation]:
    known = table.filter(pl.col("cac").is_not_null()).sort("cac")
    if known.height < 2:
        return []
    best = known.row(0, named=True)
    average = known["cost"].sum() / known["new_customers"].sum()
    if best["cac"] >= average:
        return []
    return [Recommendation("cheapest_customers", "good", {"channel": best[level], "cac_amount": best["cac"],
                                                          "average_amount": average})]


def _campaign_extremes(campaigns: pl.DataFrame) -> tuple[list[Recommendation], list[Recommendation]]:
    rated = campaigns.filter(pl.col("roas").is_not_null() & (pl.col("spend") > 0)).sort(
        ["roas", "spend"], descending=[True, True])
    if rated.height < 2:
        return [], []
    best, worst = rated.row(0, named=True), rated.row(-1, named=True)
    if best["roas"] == worst["roas"]:
        return [], []

    def params(row: dict[str, Any]) -> dict[str, Any]:
        return {"campaign": row["campaign"], "channel": row["channel"], "roas": row["roas"],
                "spend_amount": row["spend"]}

    return ([Recommendation("worst_campaign", "bad", params(worst))],
            [Recommendation("best_campaign", "good", params(best))])
