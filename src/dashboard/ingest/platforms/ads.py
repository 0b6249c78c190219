"""Ad spend exports -> ad_stats (FORMATS.md section 7), plus the web channels GA4 and Search Console.

An ad_stats row is one campaign / ad group / ad over a date range (a day when the report has a
day column). Ad names are not unique (Meta lets 14 ads share one name; Google keyword reports
repeat a keyword per device), so the ad specs sum rows of one file that share a key
(`sum_duplicates`): spend, impressions, clicks and conversions add up exactly; reach is then an
upper bound. Totals rows are never imported: `Total: …` labels in column 1 or 2 (Google Ads),
`Total`/`合计` labels, and the Meta summary row with blank names (`blank_means_total`).

Decisions:
- Meta `Results` is not a conversion count: its unit changes row by row with `Result indicator`
  (post engagements, ThruPlays, link clicks in the sample). conversions = Purchases (or Leads)
  where the export has that column, else empty; conversion_value = Purchases conversion value.
- GA4 (platform 'ga4'): views = Views (page/screen views), reach = Total users (or Active users);
  sessions and event counts have no canonical column.
- Search Console Chart.csv (platform 'search_console'): clicks and impressions per day.
"""

from dashboard.ingest.spec import ExportSpec, col

# -- Google Ads (7b) --------------------------------------------------------------------------

_GOOGLE_COLUMNS = {
    "campaign": col("Campaign", parse="text"),
    "ad_group": col("Ad group", parse="text"),
    "ad": col("Keyword", "Search keyword", "Ad", "Headline 1", "Ad ID", parse="text"),
    "date_start": col("Day", "Date", parse="date"),  # segmented by day; else the preamble's range
    "date_end": col("Day", "Date", parse="date"),
    "spend": col("Cost", parse="money"),
    "currency": col("Currency code", parse="text"),
    "impressions": col("Impr.", "Impressions"),
    "clicks": col("Clicks"),
    "conversions": col("Conversions", parse="number"),
    "conversion_value": col("Conv. value", parse="money"),
    "video_views": col("Views", "TrueView views"),
}


def _google(kind: str, signature: set[str], note: str) -> ExportSpec:
    return ExportSpec(
        platform="google_ads", kind=kind, table="ad_stats", signature=frozenset(signature),
        columns=_GOOGLE_COLUMNS, constants={"channel": "google_ads"},
        range_from_preamble=True, sum_duplicates=True, day_first=True, note=note,
    )


GOOGLE_CAMPAIGNS = _google("campaign_report", {"Campaign", "Impr.", "Cost"},
                           "'Campaign report' + quoted date range above the header; Total: rows at the bottom")
GOOGLE_AD_GROUPS = _google("ad_group_report", {"Campaign", "Ad group", "Impr.", "Cost"}, "ad group report")
GOOGLE_ADS = _google("ad_report", {"Campaign", "Ad group", "Ad", "Impr.", "Cost"}, "ad report")
GOOGLE_KEYWORDS = _google("keyword_report", {"Keyword", "Campaign", "Ad group", "Impr.", "Cost"},
                          "keyword report: ad = the keyword as shown ('\"ELD\"' phrase match); rows per device "
                          "are summed; the Total: label sits in column 2")

GOOGLE_OVERVIEW = ExportSpec(
    platform="google_ads", kind="overview_time_series", table="ad_stats",
    signature=frozenset({"Date", "Clicks", "Impressions", "Avg. CPC", "Cost"}),
    columns={
        "date_start": col("Date", parse="date"),
        "spend": col("Cost", parse="money"),  # 'US$50.00': the currency comes from the prefix
        "impressions": col("Impressions"),
        "clicks": col("Clicks"),
        "conversions": col("Conversions", parse="number"),
    },
    constants={"channel": "google_ads"}, day_first=True,
    note="overview card download: one row per day ('Thu, 5 Feb 2026'), whole account (campaign '')",
)

# -- Meta Ads Manager (7a) --------------------------------------------------------------------

_SPENT = r"re:(amount spent|montant dépensé|importe gastado|ausgegebener betrag|importo speso|valor usado)( \(.*\))?"

_META_COLUMNS = {
    "account": col("Account name", "Nom du compte", parse="text"),
    "campaign": col("Campaign name", "Nom de la campagne", parse="text"),
    "ad_group": col("Ad set name", "Nom de l’ensemble de publicités", "Nom de l'ensemble de publicités",
                    parse="text"),
    "ad": col("Ad name", "Nom de la publicité", parse="text"),
    "date_start": col("Reporting starts", "Début des rapports", parse="date"),
    "date_end": col("Reporting ends", "Fin des rapports", parse="date"),
    "spend": col(_SPENT, parse="money"),  # the currency is in the header: 'Amount spent (UAH)'
    "impressions": col("Impressions"),
    "reach": col("Reach", "Couverture"),
    "clicks": col("Link clicks", "Clics sur un lien", "Clicks (all)", "Clics (tous)"),
    "conversions": col("Purchases", "Website purchases", "Leads", "Achats", "Prospects", parse="number"),
    "conversion_value": col("Purchases conversion value", "Website purchases conversion value",
                            "Valeur de conversion des achats", parse="money"),
    "video_views": col("ThruPlays", "ThruPlay"),
}

_META = dict(
    platform="meta_ads", table="ad_stats", columns=_META_COLUMNS, constants={"channel": "meta_ads"},
    blank_means_total=("account", "campaign", "ad_group", "ad"), sum_duplicates=True,
)

META_ADS = ExportSpec(
    kind="ads_manager", signature=frozenset({"Reporting starts", "Reporting ends", "Impressions"}), **_META,
    note="row 2 is the account total with blank names; ranges from Reporting starts/ends",
)

META_ADS_FR = ExportSpec(
    kind="ads_manager", signature=frozenset({"Début des rapports", "Fin des rapports", "Impressions"}),
    decimal=",", day_first=True, **_META,
    note="French UI: localised headers, '1 234,56' numbers, often ';' separated",
)

# -- TikTok Ads Manager (secondhand) ----------------------------------------------------------

TIKTOK_ADS = ExportSpec(
    platform="tiktok_ads", kind="ads_report", table="ad_stats",
    signature=frozenset({"Campaign name", "Cost", "Impressions"}),
    columns={
        "campaign": col("Campaign name", parse="text"),
        "ad_group": col("Ad group name", parse="text"),
        "ad": col("Ad name", parse="text"),
        "date_start": col("By Day", "Date", "Day", "Stat time day", parse="date"),
        "date_end": col("By Day", "Date", "Day", "Stat time day", parse="date"),
        "spend": col("Cost", parse="money"),
        "currency": col("Currency", parse="text"),
        "impressions": col("Impressions"),
        "reach": col("Reach"),
        "clicks": col("Clicks (destination)", "Clicks (all)", "Clicks"),
        "conversions": col("Conversions", "Complete payment", "Purchases", parse="number"),
        "conversion_value": col("Total complete payment value", "Complete payment value", "Total purchase value",
                                "Purchase value", "Conversion value", parse="money"),
        "video_views": col("Video views"),
    },
    constants={"channel": "tiktok_ads"}, range_from_file_name=True, sum_duplicates=True,
    blank_means_total=("campaign", "ad_group", "ad"),
    note="'<5' marks masked small numbers (stored empty); without a day column the period comes from the "
         "file name",
)

# -- 巨量引擎 / 千川 (secondhand) --------------------------------------------------------------

_QIANCHUAN_COLUMNS = {
    "campaign": col("计划名称", "推广计划", "计划ID", parse="text"),
    "ad": col("素材名称", "素材ID", parse="text"),
    "date_start": col("日期", "时间", parse="date"),
    "date_end": col("日期", "时间", parse="date"),
    "spend": col("整体消耗", parse="money"),
    "conversion_value": col("整体成交金额", parse="money"),
    "conversions": col("整体成交订单数", parse="number"),
    "impressions": col("整体展现次数"),
    "clicks": col("整体点击次数"),
}
_QIANCHUAN = dict(
    platform="qianchuan", table="ad_stats", columns=_QIANCHUAN_COLUMNS,
    constants={"channel": "qianchuan", "currency": "CNY"}, range_from_file_name=True, sum_duplicates=True,
)

QIANCHUAN_MATERIALS = ExportSpec(
    kind="material_report", signature=frozenset({"素材ID", "整体消耗", "整体展现次数"}), **_QIANCHUAN,
    note="素材 report: ad = 素材名称; money in CNY; without a 日期 column the period comes from the file name",
)
QIANCHUAN_PLANS = ExportSpec(
    kind="plan_report", signature=frozenset({"整体消耗", "整体展现次数"}), **_QIANCHUAN,
    note="计划 / account report with the 整体 metrics",
)

OCEAN_ENGINE = ExportSpec(
    platform="ocean_engine", kind="ad_report", table="ad_stats",
    signature=frozenset({"消耗", "展示数", "点击数"}),
    columns={
        "campaign": col("项目名称", "广告组名称", "广告组", parse="text"),
        "ad_group": col("广告名称", "计划名称", "广告计划", parse="text"),
        "ad": col("素材名称", "创意名称", "素材ID", parse="text"),
        "date_start": col("日期", "时间", parse="date"),
        "date_end": col("日期", "时间", parse="date"),
        "spend": col("消耗", parse="money"),
        "impressions": col("展示数"),
        "clicks": col("点击数"),
        "conversions": col("转化数", parse="number"),
        "conversion_value": col("成交金额", "付费金额", parse="money"),
    },
    constants={"channel": "ocean_engine", "currency": "CNY"}, range_from_file_name=True, sum_duplicates=True,
    note="巨量广告 report (消耗 / 展示数 / 点击数 / 转化数), money in CNY",
)

# -- web channels (7c) ------------------------------------------------------------------------

_GA4_COLUMNS = {
    "date": col("Date", parse="date"),  # '20231010'
    "views": col("Views", "Screen page views", "Page views"),
    "reach": col("Total users", "Active users"),
}
GA4 = [
    ExportSpec(platform="ga4", kind="daily", table="account_daily", signature=frozenset({"Date", users}),
               columns=_GA4_COLUMNS, note="'# …' comment lines above the header; rows sorted by a metric")
    for users in ("Total users", "Active users")
]

SEARCH_CONSOLE = ExportSpec(
    platform="search_console", kind="chart", table="account_daily",
    signature=frozenset({"Date", "Clicks", "Impressions", "CTR", "Position"}),
    columns={"date": col("Date", parse="date"), "clicks": col("Clicks"), "impressions": col("Impressions")},
    note="Chart.csv from the Performance export zip; CTR and Position are ratios, not stored",
)

SPECS = [GOOGLE_CAMPAIGNS, GOOGLE_AD_GROUPS, GOOGLE_ADS, GOOGLE_KEYWORDS, GOOGLE_OVERVIEW, META_ADS, META_ADS_FR,
         TIKTOK_ADS, QIANCHUAN_MATERIALS, QIANCHUAN_PLANS, OCEAN_ENGINE, *GA4, SEARCH_CONSOLE]
