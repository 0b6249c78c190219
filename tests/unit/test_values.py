"""Unit tests for dashboard.ingest.values: hand-written expectations, FORMATS.md examples included."""

import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashboard.ingest.values import (
    MISSING_TOKENS,
    CellError,
    Censored,
    PartialDate,
    clean_text,
    currency_from_header,
    detect_day_first,
    infer_years,
    is_missing,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_duration_s,
    parse_int,
    parse_money,
    parse_number,
    parse_rate,
    resolve_partial,
)

KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC_ZONE = ZoneInfo("UTC")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_cell_error(func, *args, code: str, cls: type = CellError, **kwargs) -> CellError:
    with pytest.raises(cls) as info:
        func(*args, **kwargs)
    assert info.value.code == code
    return info.value


# ------------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------------


def test_cell_error_carries_code_params_and_english_message():
    err = CellError("not_a_number", value="abc")
    assert isinstance(err, ValueError)
    assert err.code == "not_a_number"
    assert err.params == {"value": "abc"}
    assert str(err) == "Not a number: 'abc'"


def test_cell_error_unknown_code_still_has_a_message():
    assert "weird_code" in str(CellError("weird_code", x=1))


def test_censored_is_a_cell_error_with_censored_code():
    err = Censored(value="< 10%")
    assert isinstance(err, CellError)
    assert err.code == "censored"
    assert "< 10%" in str(err)


@pytest.mark.parametrize("err", [CellError("not_a_date", value="x"), Censored(value="<5")])
def test_cell_errors_survive_pickling(err):
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert (back.code, back.params, str(back)) == (err.code, err.params, str(err))


# ------------------------------------------------------------------------------------------------
# missing values / text
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [None, "", " ", "  \t", "-", " --", "--", "—", "–", "N/A", "n/a", "#N/A", "undefined", "NAN", "nan",
     "NaN", "null", "NULL", "None", " - "],
)  # fmt: skip
def test_is_missing_true(text):
    assert is_missing(text) is True


@pytest.mark.parametrize(
    "text", ["0", "0.0", "-0", "-2.0", "NA", "(not set)", "Lifetime", "x", "0%", "—5", 0, 0.0]
)
def test_is_missing_false(text):
    assert is_missing(text) is False


def test_is_missing_nan_float():
    assert is_missing(float("nan")) is True


def test_missing_tokens_are_casefolded_and_never_zero():
    assert all(t == t.strip().casefold() for t in MISSING_TOKENS)
    assert "0" not in MISSING_TOKENS


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, None),
        ("", None),
        (" ", None),  # legacy FB 'Audience Targeting' is a single space
        ("-", None),
        ("undefined", None),
        ("N/A", None),  # Meta 'Caption type'
        ("&nbsp;", None),
        ("0", "0"),
        ("NA", "NA"),  # Namibia in TikTok FollowerTopTerritories
        ("(not set)", "(not set)"),  # a real GA4 dimension bucket
        ("Tom &amp; Jerry", "Tom & Jerry"),  # X/Twitter tweet text
        ("  padded  ", "padded"),
        ("line1\r\nline2\rline3", "line1\nline2\nline3"),
        (
            "They don’t tell you this about wealth. \n\nAgree or disagree? 👇🏼",
            "They don’t tell you this about wealth. \n\nAgree or disagree? 👇🏼",
        ),
        ("\ufeffPost ID", "Post ID"),
        ("e\u0301", "é"),  # NFC
        ("𝐑𝐘𝐙𝐄𝐍", "𝐑𝐘𝐙𝐄𝐍"),  # math-bold stays (NFC, not NFKC)
        ("🤔 Як знайти …", "🤔 Як знайти …"),
        ('"quoted"', '"quoted"'),  # quotes are content in free text
        ("学术成果｜李昂然在J. Fam. Issues发表论文", "学术成果｜李昂然在J. Fam. Issues发表论文"),
    ],
)
def test_clean_text(text, expected):
    assert clean_text(text) == expected


# ------------------------------------------------------------------------------------------------
# numbers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # X / Twitter legacy
        ("1938.0", 1938.0),
        ("18.0", 18.0),
        ('"1938.0"', 1938.0),
        ("0", 0.0),
        ("0.009287925696594427", 0.009287925696594427),
        # X content / overview
        ("480476", 480476.0),
        # Google Ads
        ('"25,881"', 25881.0),
        ("25,881", 25881.0),
        ('"20,127"', 20127.0),
        ("1661.67", 1661.67),
        ("5000.00", 5000.0),
        ("64.20", 64.2),
        ("US$1.92", 1.92),
        ("US$0.00", 0.0),
        ("US$50.00", 50.0),
        # YouTube
        ("1384.3735", 1384.3735),
        ("-3", -3.0),  # Subscribers can be negative
        # Meta Ads / LinkedIn
        ("2.57017167", 2.57017167),
        ("1197.7", 1197.7),
        ("15.0", 15.0),
        # Douyin / XHS / WeChat
        ("8.209459", 8.209459),
        ("32.50秒", 32.5),
        ("'24秒'", 24.0),
        ("'1030秒'", 1030.0),
        ('"1099"', 1099.0),
        ("'19'", 19.0),
        ("-54", -54.0),
        # signs
        ("-2.0", -2.0),
        ("+3", 3.0),
        ("−7", -7.0),  # typographic minus
        ("-0", 0.0),
        # whitespace / NBSP / full-width
        (" 12 ", 12.0),
        ("\u00a012\u00a0", 12.0),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),
        ("1\u202f234", 1234.0),
        ("１２３", 123.0),
        # thousands grouping
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("12,34,567", 1234567.0),  # en-IN lakh grouping
        (".5", 0.5),
        ("5.", 5.0),
        # currencies (value only)
        ("$5", 5.0),
        ("€3.50", 3.5),
        ("£4", 4.0),
        ("¥12", 12.0),
        ("￥12", 12.0),
        ("HK$5", 5.0),
        ("A$5", 5.0),
        ("C$5", 5.0),
        ("R$5", 5.0),
        ("RMB 5", 5.0),
        ("CNY5", 5.0),
        ("12元", 12.0),
        ("12円", 12.0),
        ("₴10", 10.0),
        ("₹10", 10.0),
        ("1197.7 UAH", 1197.7),
        ("-$5", -5.0),
        ("$-5", -5.0),
        # units and multipliers
        ("20.2s", 20.2),
        ("5次", 5.0),
        ("12人", 12.0),
        ("3个", 3.0),
        ("7条", 7.0),
        ("1.2万", 12000.0),
        ("1.2 万", 12000.0),
        ("3亿", 300000000.0),
        ("1.2k", 1200.0),
        ("1.2K", 1200.0),
        ("2.5M", 2500000.0),
        ("1.2w", 12000.0),
        ("1.2万次", 12000.0),
        ("¥1.2万", 12000.0),
        # exponents (Python/Excel writers)
        ("1e-05", 0.00001),
        ("6.49E+17", 6.49e17),
        # CDNOW
        ("29.33", 29.33),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 234,56", 1234.56),  # localized Meta Ads Manager
        ("1.234,56", 1234.56),
        ("1\u00a0234,56", 1234.56),
        ("€3,50", 3.5),
        ("3,50 €", 3.5),
        ("12,5", 12.5),
        ("1.234", 1234.0),
        ("1,234", 1.234),
        ("-0,5", -0.5),
        ("1.234.567", 1234567.0),
    ],
)
def test_parse_number_decimal_comma(text, expected):
    assert parse_number(text, decimal=",") == expected


@pytest.mark.parametrize(
    "text", [None, "", "-", " --", "--", "—", "NAN", "undefined", "N/A", "null", '"-"', "'-'"]
)
def test_parse_number_missing_is_none_not_zero(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    "text, decimal",
    [
        ("1,5", "."),  # not a valid thousands grouping
        ("1,23", "."),
        ("12,3456", "."),
        ("1.5", ","),
        ("1 23", "."),
        (",5", "."),
        ("1.2.3", "."),
        ("1,234.5,6", "."),
        ("=1+2", "."),  # spreadsheet formula
        ("=5", "."),
        ("abc", "."),
        ("Lifetime", "."),
        ("3.апр", "."),  # Excel re-save damage
        ("1.2 k", "."),  # k must touch the number
        ("k", "."),
        ("$", "."),
        ("US$5元", "."),  # two currencies
        ("--5", "."),
        ("+-5", "."),
        ("-$-5", "."),
        ("5 6", "."),
        ("18–24", "."),  # Google Ads age range
        ("2024-03-01", "."),
        ("inf", "."),
        ("1,234e3", "."),
        ("1e999", "."),
        ("€3,50", "."),
        ("1.234,56", "."),
        ("1,234.56", ","),
        ("Total", "."),
    ],
)
def test_parse_number_not_a_number(text, decimal):
    err = assert_cell_error(parse_number, text, decimal=decimal, code="not_a_number")
    assert err.params == {"value": text}


@pytest.mark.parametrize("text", ["77.77%", "0.00%", "11.14%", "'19%'", "2.5%", "5 %"])
def test_parse_number_rejects_percent(text):
    assert_cell_error(parse_number, text, code="percent_in_number")


@pytest.mark.parametrize("text", ["< 10%", "> 90%", "<5", "≤5", "≥ 1,000", ">=5", '"< 10%"'])
def test_parse_number_censored(text):
    err = assert_cell_error(parse_number, text, code="censored", cls=Censored)
    assert err.params == {"value": text}


def test_parse_number_bad_decimal_argument_is_a_programming_error():
    with pytest.raises(ValueError) as info:
        parse_number("1", decimal=";")
    assert not isinstance(info.value, CellError)


@pytest.mark.parametrize(
    "value, expected", [(5, 5.0), (1938.0, 1938.0), (-2.5, -2.5), (float("nan"), None), (None, None)]
)
def test_parse_number_accepts_typed_cells(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1938.0", 1938),
        ("0", 0),
        ('"25,881"', 25881),
        ("-3", -3),
        ("1.2万", 12000),
        ("1.2k", 1200),
        ("12345678901234567", 12345678901234567),  # exact, no float rounding
        ("1e3", 1000),
        (" -- ", None),
        ("undefined", None),
        (7, 7),
    ],
)
def test_parse_int(text, expected):
    result = parse_int(text)
    assert result == expected
    assert result is None or type(result) is int


def test_parse_int_decimal_comma():
    assert parse_int("1.234", decimal=",") == 1234


@pytest.mark.parametrize("text", ["3.5", "0.1", "1.2345k", "-0.5"])
def test_parse_int_not_an_integer(text):
    assert_cell_error(parse_int, text, code="not_an_integer")


def test_parse_int_errors_from_parse_number():
    assert_cell_error(parse_int, "<5", code="censored", cls=Censored)
    assert_cell_error(parse_int, "5%", code="percent_in_number")
    assert_cell_error(parse_int, "x", code="not_a_number")


# ------------------------------------------------------------------------------------------------
# rates
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("77.77%", 0.7777),
        ("0.00%", 0.0),
        ("11.14%", 0.1114),
        ('"11.14%"', 0.1114),
        ("10.92%", 0.1092),
        ("47.78%", 0.4778),
        ("0.07%", 0.0007),
        ("'19%'", 0.19),
        ("'0%'", 0.0),
        ("'25.00%'", 0.25),
        ("0%", 0.0),
        ("2.5%", 0.025),
        ("8.7%", 0.087),
        ("100%", 1.0),
        ("150%", 1.5),
        ("-12%", -0.12),
        ("5 %", 0.05),
        ("５０％", 0.5),  # full-width
        # no % sign, scale='auto'
        ("0.246", 0.246),  # XHS 封面点击率 (fraction)
        ("0.074074", 0.074074),  # Douyin 完播率
        ("0.009287925696594427", 0.009287925696594427),
        ("0.0667", 0.0667),  # LinkedIn
        ("0.59", 0.59),  # TikTok FollowerGender
        ("1", 1.0),
        ("6.31", 0.0631),  # YouTube CTR (%)
        ("42.68", 0.4268),
        ("10.8", 0.108),  # XHS 封面点击率(%)
        ("-54", -0.54),  # XHS 曝光环比(%)
        ("-", None),
        (" --", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_rate_auto(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize(
    "text, scale, expected",
    [
        ("0.246", "fraction", 0.246),
        ("6.31", "fraction", 6.31),
        ("6.31", "percent", 0.0631),
        ("0.5", "percent", 0.005),
        ("1", "percent", 0.01),
        ("0", "percent", 0.0),
        ("77.77%", "fraction", 0.7777),  # an explicit % always wins
        ("77.77%", "percent", 0.7777),
        ("-", "percent", None),
    ],
)
def test_parse_rate_scale(text, scale, expected):
    assert parse_rate(text, scale) == expected


def test_parse_rate_decimal_comma():
    assert parse_rate("25,5%", decimal=",") == 0.255
    assert parse_rate("0,5", "fraction", decimal=",") == 0.5


@pytest.mark.parametrize("text", ["< 10%", "> 90%", "<5", "≤5"])
def test_parse_rate_censored(text):
    assert_cell_error(parse_rate, text, code="censored", cls=Censored)


@pytest.mark.parametrize("text", ["%", "abc", "$5", "5秒", "5%%", "5%3", "1,5%", "=1/2", "x%"])
def test_parse_rate_not_a_number(text):
    assert_cell_error(parse_rate, text, code="not_a_number")


def test_parse_rate_bad_scale_argument():
    with pytest.raises(ValueError):
        parse_rate("1", scale="ratio")


# ------------------------------------------------------------------------------------------------
# money
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("US$1.92", (1.92, "USD")),
        ("US$0.00", (0.0, "USD")),
        ("$5", (5.0, "USD")),
        ("¥12", (12.0, "CNY")),
        ("￥12", (12.0, "CNY")),
        ("RMB 12", (12.0, "CNY")),
        ("12元", (12.0, "CNY")),
        ("12円", (12.0, "JPY")),
        ("₴10", (10.0, "UAH")),
        ("10 грн", (10.0, "UAH")),
        ("₹10", (10.0, "INR")),
        ("£4.20", (4.2, "GBP")),
        ("HK$5", (5.0, "HKD")),
        ("A$5", (5.0, "AUD")),
        ("C$5", (5.0, "CAD")),
        ("R$5", (5.0, "BRL")),
        ("€3.50", (3.5, "EUR")),
        ("1197.7 UAH", (1197.7, "UAH")),
        ("USD 5", (5.0, "USD")),
        ("-US$1.50", (-1.5, "USD")),
        ("1661.67", (1661.67, None)),  # Google Ads: currency is in 'Currency code'
        ('"2,565.92"', (2565.92, None)),
        ("0", (0.0, None)),
        ("-", (None, None)),
        (" --", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("€3,50", (3.5, "EUR")), ("1 234,56 €", (1234.56, "EUR")), ("1.234,56", (1234.56, None))],
)
def test_parse_money_decimal_comma(text, expected):
    assert parse_money(text, decimal=",") == expected


def test_parse_money_errors():
    assert_cell_error(parse_money, "<5", code="censored", cls=Censored)
    assert_cell_error(parse_money, "5%", code="percent_in_number")
    assert_cell_error(parse_money, "five dollars", code="not_a_number")


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Amount spent (UAH)", "UAH"),
        ("Amount spent (USD)", "USD"),
        ("Estimated earnings (USD)", "USD"),
        ("Ad CPM (USD)", "USD"),
        ("Estimated revenue (USD)", "USD"),
        ("Montant dépensé (EUR)", "EUR"),
        ("CPM (cost per 1,000 impressions) (USD)", "USD"),
        ("消耗（元）", "CNY"),
        ("Cost", None),
        ("Cost / conv.", None),
        ("Duration (sec)", None),
        ("Duration (secs)", None),
        ("Click through rate (CTR)", None),
        ("Impressions click-through rate (%)", None),
        ("Watch Time (ms)", None),
        ("Clicks (ALL)", None),
        ("Impr. (Top) %", None),
        ("Amount spent (usd)", None),  # ISO codes are upper case
        ("Amount spent UAH", None),
        ("", None),
    ],
)
def test_currency_from_header(header, expected):
    assert currency_from_header(header) == expected


# ------------------------------------------------------------------------------------------------
# durations / booleans
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0:04:23", 263.0),  # YouTube 'Average view duration'
        ("4:23", 263.0),
        ("1:02:03", 3723.0),
        ("1:02:03.5", 3723.5),
        ("75:00", 4500.0),
        ("32.50秒", 32.5),  # WeChat Channels
        ('"29.25秒"', 29.25),
        ("24秒", 24.0),
        ("'24秒'", 24.0),  # XHS trend sheet
        ("'1030秒'", 1030.0),
        ("1,030秒", 1030.0),
        ("1分30秒", 90.0),
        ("1分钟30秒", 90.0),
        ("1小时2分", 3720.0),
        ("2分", 120.0),
        ("20.2s", 20.2),
        ("20.2 s", 20.2),
        ("1h30m", 5400.0),
        ("2 min", 120.0),
        ("8.209459", 8.209459),  # Douyin 平均播放时长
        ("72", 72.0),  # XHS 人均观看时长
        ("292", 292.0),  # YouTube Duration
        ("0", 0.0),
        ("-", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_duration_s(text, expected):
    assert parse_duration_s(text) == expected


@pytest.mark.parametrize("text", ["abc", "1:70", "1:60:00", "-5", "5 apples", "1,5秒", "秒", "1:2:3:4", "5%"])
def test_parse_duration_s_errors(text):
    assert_cell_error(parse_duration_s, text, code="not_a_duration")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", True),
        ("0", False),
        ("1.0", True),
        ("0.0", False),
        ("true", True),
        ("FALSE", False),
        ("True", True),
        ("yes", True),
        ("No", False),
        ("Y", True),
        ("n", False),
        ("是", True),
        ("否", False),
        ('"1"', True),
        (True, True),
        (False, False),
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["2", "maybe", "on", "Lifetime"])
def test_parse_bool_errors(text):
    assert_cell_error(parse_bool, text, code="not_a_bool")


# ------------------------------------------------------------------------------------------------
# dates
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2016-12-23 18:50 +0000", date(2016, 12, 23)),
        ("2021-12-01 16:00 +0000", date(2021, 12, 1)),
        ("Sun, Nov 9, 2025", date(2025, 11, 9)),
        ('"Sun, Nov 9, 2025"', date(2025, 11, 9)),
        ("Sat, Nov 8, 2025", date(2025, 11, 8)),
        ("Fri, Feb 6, 2026", date(2026, 2, 6)),
        ("Tue, Aug 26, 2025", date(2025, 8, 26)),
        ("Thu, 5 Feb 2026", date(2026, 2, 5)),
        ("Mon, 9 Feb 2026", date(2026, 2, 9)),
        ("02/19/2015 11:45:22 PM", date(2015, 2, 19)),
        ("1/1/2014", date(2014, 1, 1)),
        ("02/19/2025", date(2025, 2, 19)),  # LinkedIn
        ("05/26/2026 10:23", date(2026, 5, 26)),
        ("03/18/2025 12:59", date(2025, 3, 18)),
        ("12/12/2023 01:12", date(2023, 12, 12)),
        ("01-29-2016 0:00", date(2016, 1, 29)),  # Excel-mangled Twitter file
        ("2025-01-01T01:00:00", date(2025, 1, 1)),  # Meta daily row, DST drift
        ("2025-01-05T01:00:00", date(2025, 1, 5)),
        ("2025-10-31T00:00:00", date(2025, 10, 31)),
        ("20231010", date(2023, 10, 10)),  # GA4
        ("20230708", date(2023, 7, 8)),
        ("19970101", date(1997, 1, 1)),  # CDNOW
        ("2025/10/31 18:19:10", date(2025, 10, 31)),
        ("2025/10/31", date(2025, 10, 31)),
        ("2025/09/27", date(2025, 9, 27)),
        ("2025/9/7", date(2025, 9, 7)),
        ("Apr 29, 2020", date(2020, 4, 29)),
        ("Dec 15, 2023", date(2023, 12, 15)),
        ("April 29, 2020", date(2020, 4, 29)),
        ("Sept. 5, 2025", date(2025, 9, 5)),
        ("March 1st, 2026", date(2026, 3, 1)),
        ("2026年03月16日08时00分29秒", date(2026, 3, 16)),
        ("2026年03月16日", date(2026, 3, 16)),
        ("2026年3月6日 08:00", date(2026, 3, 6)),
        ("2026年3月6日08:00", date(2026, 3, 6)),
        ("2026-03-14", date(2026, 3, 14)),
        ("2026-04-13", date(2026, 4, 13)),
        ("2020-12-31", date(2020, 12, 31)),
        ("2026-03-14 19:31:43", date(2026, 3, 14)),
        ("2025-09-26 19:30:00", date(2025, 9, 26)),
        ("2026-03-14 00:00:00", date(2026, 3, 14)),  # Excel-written
        ("2026-03-14T19:31:43.123456", date(2026, 3, 14)),
        ("2026-03-14T19:31:43.123456789Z", date(2026, 3, 14)),
        ("2023-04-21T14:51:11+0300", date(2023, 4, 21)),
        ("2026.02.05", date(2026, 2, 5)),
        ("2024-02-29", date(2024, 2, 29)),
        # other languages with a year
        ("8 de marzo de 2026", date(2026, 3, 8)),
        ("jueves, 5 de febrero de 2026", date(2026, 2, 5)),
        ("5 févr. 2026", date(2026, 2, 5)),
        ("5. März 2026", date(2026, 3, 5)),
        ("5 Okt 2025", date(2025, 10, 5)),
        ("5 de março de 2026", date(2026, 3, 5)),
        ("12 déc. 2025", date(2025, 12, 12)),
        ("12 Dez. 2025", date(2025, 12, 12)),
        ("THU, 5 FEB 2026", date(2026, 2, 5)),
        # full-width digits
        ("２０２６年３月１６日", date(2026, 3, 16)),
        # missing
        ("", None),
        ("-", None),
        (None, None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("February 28", PartialDate(2, 28)),
        ('"February 28"', PartialDate(2, 28)),
        ("Feb 28", PartialDate(2, 28)),
        ("feb. 28", PartialDate(2, 28)),
        ("March 1", PartialDate(3, 1)),
        ("July 16", PartialDate(7, 16)),  # TikTok Content 'Post time'
        ("September 3", PartialDate(9, 3)),
        ("December 2", PartialDate(12, 2)),
        ("February 29", PartialDate(2, 29)),
        ("8 de marzo", PartialDate(3, 8)),  # TikTok Studio, Spanish UI
        ("1 de enero", PartialDate(1, 1)),
        ("31 de diciembre", PartialDate(12, 31)),
        ("15 de setiembre", PartialDate(9, 15)),
        ("8 de março", PartialDate(3, 8)),  # Portuguese
        ("1º de março", PartialDate(3, 1)),
        ("8 mars", PartialDate(3, 8)),  # French
        ("1er janvier", PartialDate(1, 1)),
        ("3 août", PartialDate(8, 3)),
        ("8. März", PartialDate(3, 8)),  # German
        ("8 Mär.", PartialDate(3, 8)),
        ("8. Jänner", PartialDate(1, 8)),
        ("8 Mai", PartialDate(5, 8)),
        ("8 MARZO", PartialDate(3, 8)),
        ("3月16日", PartialDate(3, 16)),
        ("03月16日", PartialDate(3, 16)),
        ("Feb 28 10:30", PartialDate(2, 28)),  # parse_date drops the time
    ],
)
def test_parse_date_yearless(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, day_first, expected",
    [
        ("05/02/2026", None, date(2026, 5, 2)),  # slash: month-first by default
        ("05/02/2026", False, date(2026, 5, 2)),
        ("05/02/2026", True, date(2026, 2, 5)),
        ("13/02/2026", None, date(2026, 2, 13)),  # first part > 12: must be day-first
        ("13/02/2026", True, date(2026, 2, 13)),
        ("02/13/2026", None, date(2026, 2, 13)),
        ("02/13/2026", False, date(2026, 2, 13)),
        ("05-02-2026", None, date(2026, 5, 2)),
        ("05.02.2026", None, date(2026, 2, 5)),  # dots are European: day-first by default
        ("05.02.2026", False, date(2026, 5, 2)),
        ("05.13.2026", None, date(2026, 5, 13)),
        ("5/2/2026 10:00", True, date(2026, 2, 5)),
        ("2026-02-05", True, date(2026, 2, 5)),  # day_first only concerns a/b/yyyy
        ("Thu, 5 Feb 2026", False, date(2026, 2, 5)),
    ],
)
def test_parse_date_day_first(text, day_first, expected):
    assert parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize(
    "text, day_first",
    [
        ("13/02/2026", False),
        ("02/13/2026", True),
        ("13/13/2020", None),
        ("02/30/2026", None),
        ("Feb 30", None),
        ("February 30, 2026", None),
        ("2025-02-29", None),  # not a leap year
        ("2026-13-01", None),
        ("2026-00-10", None),
        ("20231310", None),
        ("18991231", None),  # 8-digit form only for 19xx/20xx... 1899 is not one
        ("2026-03-14 25:00", None),
        ("2026-03-14 10:60", None),
        ("02/19/2015 13:45:22 PM", None),
        ("03-16", None),  # yearless numeric is ambiguous
        ("3/16", None),
        ("16.03", None),
        ("32 de marzo", None),
        ("Lifetime", None),  # Meta 'Date' column
        ("Total", None),
        ("March 27, 2026 - April 23, 2026", None),  # Google Ads date-range line
        ("2024-03-01 - 2024-03-11", None),  # Meta Ads breakdown 'Month'
        ("Thu, 5 Fob 2026", None),
        ("Smarch 5", None),
        ("2026-03-14 garbage", None),
        ("1234567", None),
        ("12:30", None),
        ("3.1", None),
        ("3.апр", None),  # Excel re-save damage
        ("2026/03-14", None),
    ],
)
def test_parse_date_errors(text, day_first):
    err = assert_cell_error(parse_date, text, day_first=day_first, code="not_a_date")
    assert err.params == {"value": text}


def test_parse_date_typed_cells():
    assert parse_date(datetime(2026, 3, 14, 23, 59)) == date(2026, 3, 14)
    assert parse_date(date(2026, 3, 14)) == date(2026, 3, 14)


@pytest.mark.parametrize(
    "text, tz, expected",
    [
        # printed offsets win over tz
        ("2016-12-23 18:50 +0000", NEW_YORK, utc(2016, 12, 23, 18, 50)),
        ("2023-04-21T14:51:11+0300", NEW_YORK, utc(2023, 4, 21, 11, 51, 11)),
        ("2023-04-21T14:51:11+03:00", UTC_ZONE, utc(2023, 4, 21, 11, 51, 11)),
        ("2023-04-21T14:51:11-05", UTC_ZONE, utc(2023, 4, 21, 19, 51, 11)),
        ("2026-03-14T19:31:43Z", KYIV, utc(2026, 3, 14, 19, 31, 43)),
        ("2026-03-14T19:31:43.123456Z", KYIV, utc(2026, 3, 14, 19, 31, 43, 123456)),
        ("2026-03-14T19:31:43.5+00:00", KYIV, utc(2026, 3, 14, 19, 31, 43, 500000)),
        ("2026-03-14 10:00 UTC", KYIV, utc(2026, 3, 14, 10, 0)),
        ("2026-03-14 10:00 UTC+8", KYIV, utc(2026, 3, 14, 2, 0)),
        ("2026-03-14 10:00 GMT+05:30", KYIV, utc(2026, 3, 14, 4, 30)),
        # naive text = wall time in the workspace zone
        ("03/18/2025 12:59", NEW_YORK, utc(2025, 3, 18, 16, 59)),  # EDT (UTC-4)
        ("12/12/2023 01:12", NEW_YORK, utc(2023, 12, 12, 6, 12)),  # EST (UTC-5)
        ("05/26/2026 10:23", LOS_ANGELES, utc(2026, 5, 26, 17, 23)),
        ("02/19/2015 11:45:22 PM", LOS_ANGELES, utc(2015, 2, 20, 7, 45, 22)),
        ("02/19/2015 11:45:22 AM", LOS_ANGELES, utc(2015, 2, 19, 19, 45, 22)),
        ("01/01/2020 12:00 AM", UTC_ZONE, utc(2020, 1, 1, 0, 0)),
        ("01/01/2020 12:30 PM", UTC_ZONE, utc(2020, 1, 1, 12, 30)),
        ("01/01/2020 12:30 p.m.", UTC_ZONE, utc(2020, 1, 1, 12, 30)),
        ("2025/10/31 18:19:10", SHANGHAI, utc(2025, 10, 31, 10, 19, 10)),
        ("2025-09-26 19:30:00", SHANGHAI, utc(2025, 9, 26, 11, 30)),
        ("2026年03月16日08时00分29秒", SHANGHAI, utc(2026, 3, 16, 0, 0, 29)),
        ("2026年3月6日 08:00", SHANGHAI, utc(2026, 3, 6, 0, 0)),
        ("2026年3月6日8点", SHANGHAI, utc(2026, 3, 6, 0, 0)),
        ("2026-03-14 19:31:43", UTC_ZONE, utc(2026, 3, 14, 19, 31, 43)),
        ("2025-01-01T01:00:00", KYIV, utc(2024, 12, 31, 23, 0)),  # kept as printed; parse_date floors
        # date only = local midnight
        ("Sun, Nov 9, 2025", NEW_YORK, utc(2025, 11, 9, 5, 0)),
        ("Tue, Aug 26, 2025", NEW_YORK, utc(2025, 8, 26, 4, 0)),
        ("Thu, 5 Feb 2026", UTC_ZONE, utc(2026, 2, 5)),
        ("1/1/2014", LOS_ANGELES, utc(2014, 1, 1, 8, 0)),
        ("20231010", UTC_ZONE, utc(2023, 10, 10)),
        ("2025/09/27", SHANGHAI, utc(2025, 9, 26, 16, 0)),
        ("Apr 29, 2020", UTC_ZONE, utc(2020, 4, 29)),
        ("2026年03月16日", SHANGHAI, utc(2026, 3, 15, 16, 0)),
        ("2026.02.05", KYIV, utc(2026, 2, 4, 22, 0)),
        ("2026-03-14 00:00:00", KYIV, utc(2026, 3, 13, 22, 0)),
    ],
)
def test_parse_datetime(text, tz, expected):
    result = parse_datetime(text, tz)
    assert result == expected
    assert result.utcoffset() == timedelta(0)
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    "text, expected",
    [
        ("February 28", PartialDate(2, 28)),
        ("8 de marzo", PartialDate(3, 8)),
        ("3月16日", PartialDate(3, 16)),
        ("3月16日 08:05:09", PartialDate(3, 16, 8, 5, 9)),
        ("3月16日08时05分", PartialDate(3, 16, 8, 5, 0)),
        ("Feb 28 10:30 PM", PartialDate(2, 28, 22, 30, 0)),
    ],
)
def test_parse_datetime_yearless_keeps_local_wall_time(text, expected):
    assert parse_datetime(text, KYIV) == expected


def test_parse_datetime_day_first_and_missing():
    assert parse_datetime("05/02/2026 10:00", UTC_ZONE, day_first=True) == utc(2026, 2, 5, 10, 0)
    assert parse_datetime("05/02/2026 10:00", UTC_ZONE) == utc(2026, 5, 2, 10, 0)
    assert parse_datetime("-", UTC_ZONE) is None
    assert parse_datetime(None, UTC_ZONE) is None


@pytest.mark.parametrize(
    "text", ["Lifetime", "13/13/2020", "2026-03-14 24:00", "Feb 30 10:00", "2026-03-14 10:00 +2500"]
)
def test_parse_datetime_errors(text):
    assert_cell_error(parse_datetime, text, KYIV, code="not_a_date")


def test_parse_datetime_typed_cells():
    assert parse_datetime(datetime(2026, 3, 14, 10, 0), KYIV) == utc(2026, 3, 14, 8, 0)
    assert parse_datetime(datetime(2026, 3, 14, 10, 0, tzinfo=UTC), KYIV) == utc(2026, 3, 14, 10, 0)
    assert parse_datetime(date(2026, 3, 14), KYIV) == utc(2026, 3, 13, 22, 0)


@pytest.mark.parametrize(
    "texts, expected",
    [
        (["02/19/2015 11:45:22 PM", "1/1/2014"], False),
        (["01/02/2025", "03/18/2025 12:59"], False),
        (["19/02/2015", "1/1/2014"], True),
        (["05.02.2026", "13.02.2026"], True),
        (["01-29-2016 0:00"], False),
        (["1/1/2014", "2/3/2014"], None),
        (["13/01/2020", "01/13/2020"], None),  # contradicting evidence
        (["2026-03-14", "2025/10/31", "20231010"], None),  # year-first forms are unambiguous
        ([None, "", "-", "February 28", "19/02/2015"], True),
        ([], None),
    ],
)
def test_detect_day_first(texts, expected):
    assert detect_day_first(texts) is expected


def test_detect_day_first_accepts_a_generator():
    assert detect_day_first(t for t in ["1/2/2020", "1/25/2020"]) is False


# ------------------------------------------------------------------------------------------------
# yearless dates
# ------------------------------------------------------------------------------------------------


def test_partial_date_validation():
    assert PartialDate(2, 29).day == 29
    assert PartialDate(3, 16, 8, 0, 29).second == 29
    for args in [(2, 30), (13, 1), (0, 1), (4, 31), (1, 0), (1, 1, 24), (1, 1, 0, 60), (1, 1, 0, 0, 60)]:
        with pytest.raises(ValueError):
            PartialDate(*args)


def test_partial_date_is_hashable_and_comparable_by_value():
    assert PartialDate(2, 28) == PartialDate(2, 28, 0, 0, 0)
    assert len({PartialDate(2, 28), PartialDate(2, 28)}) == 1


@pytest.mark.parametrize(
    "value, anchor, expected",
    [
        (PartialDate(7, 16), date(2026, 2, 28), date(2025, 7, 16)),  # TikTok 'Post time' vs export day
        (PartialDate(2, 28), date(2026, 2, 28), date(2026, 2, 28)),  # same day counts
        (PartialDate(3, 1), date(2026, 2, 28), date(2025, 3, 1)),
        (PartialDate(1, 1), date(2026, 1, 1), date(2026, 1, 1)),
        (PartialDate(12, 31), date(2026, 1, 1), date(2025, 12, 31)),
        (PartialDate(2, 29), date(2026, 3, 1), date(2024, 2, 29)),
        (PartialDate(2, 29), date(2024, 2, 29), date(2024, 2, 29)),
        (PartialDate(2, 29), date(2024, 2, 28), date(2020, 2, 29)),
        (PartialDate(2, 29), date(2101, 3, 1), date(2096, 2, 29)),  # 2100 is not a leap year
        (PartialDate(9, 3, 23, 59), date(2025, 9, 3), date(2025, 9, 3)),
    ],
)
def test_resolve_partial(value, anchor, expected):
    assert resolve_partial(value, anchor) == expected


def test_infer_years_tiktok_studio_365_rows():
    # 'February 28' ... 'February 27' exported on 2026-02-28
    real = [date(2025, 2, 28) + timedelta(days=i) for i in range(365)]
    assert real[-1] == date(2026, 2, 27)
    yearless = [PartialDate(d.month, d.day) for d in real]
    assert infer_years(yearless, anchor=date(2026, 2, 28)) == real


def test_infer_years_from_parsed_text():
    texts = ["December 30", "December 31", "January 1", "January 2"]
    values = [parse_date(t) for t in texts]
    assert infer_years(values, date(2026, 1, 5)) == [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 2),
    ]


def test_infer_years_spanish_rows():
    values = [parse_date(t) for t in ["30 de diciembre", "31 de diciembre", "1 de enero", "8 de marzo"]]
    assert infer_years(values, date(2026, 3, 8)) == [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 3, 8),
    ]


@pytest.mark.parametrize(
    "values, anchor, expected",
    [
        ([], date(2026, 1, 1), []),
        ([None, None], date(2026, 1, 1), [None, None]),
        # last row later in the year than the anchor -> previous year
        ([PartialDate(3, 1)], date(2026, 2, 28), [date(2025, 3, 1)]),
        # None stays None and does not disturb the walk
        (
            [PartialDate(12, 31), None, PartialDate(1, 1)],
            date(2026, 1, 5),
            [date(2025, 12, 31), None, date(2026, 1, 1)],
        ),
        # repeated days (one row per hour) share a year
        (
            [PartialDate(12, 31, 22), PartialDate(12, 31, 23), PartialDate(1, 1, 0), PartialDate(1, 1, 1)],
            date(2026, 1, 1),
            [date(2025, 12, 31), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 1)],
        ),
        # full dates pass through and reset the walk's year
        (
            [PartialDate(12, 31), date(2020, 1, 1), PartialDate(1, 2)],
            date(2030, 6, 1),
            [date(2019, 12, 31), date(2020, 1, 1), date(2030, 1, 2)],
        ),
        (
            [PartialDate(6, 1), PartialDate(6, 2), date(2022, 6, 3)],
            date(2030, 1, 1),
            [date(2022, 6, 1), date(2022, 6, 2), date(2022, 6, 3)],
        ),
        # more than a year of rows: the year drops at every wrap
        (
            [PartialDate(6, 1), PartialDate(1, 1), PartialDate(6, 1), PartialDate(1, 1)],
            date(2026, 3, 1),
            [date(2024, 6, 1), date(2025, 1, 1), date(2025, 6, 1), date(2026, 1, 1)],
        ),
        # Feb 29 inside a leap year
        (
            [PartialDate(2, 28), PartialDate(2, 29), PartialDate(3, 1)],
            date(2024, 3, 1),
            [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)],
        ),
        # Feb 29 that would land in a non-leap year steps back to a leap year
        ([PartialDate(2, 29)], date(2026, 3, 1), [date(2024, 2, 29)]),
        (
            [PartialDate(2, 28), PartialDate(2, 29), PartialDate(3, 1)],
            date(2025, 3, 10),
            [date(2024, 2, 28), date(2024, 2, 29), date(2025, 3, 1)],
        ),
    ],
)
def test_infer_years(values, anchor, expected):
    assert infer_years(values, anchor) == expected


def test_infer_years_does_not_mutate_and_passes_datetimes_through():
    moment = datetime(2026, 1, 1, 12, 0)
    values = [PartialDate(12, 31), moment]
    assert infer_years(values, date(2026, 2, 1)) == [date(2025, 12, 31), moment]
    assert values == [PartialDate(12, 31), moment]


# ------------------------------------------------------------------------------------------------
# module hygiene
# ------------------------------------------------------------------------------------------------


def test_module_does_not_import_streamlit():
    import ast

    import dashboard.ingest.values as values

    tree = ast.parse(open(values.__file__, encoding="utf-8").read())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported, "sanity: the module has imports"
    assert not [name for name in imported if name.split(".")[0] == "streamlit"]
