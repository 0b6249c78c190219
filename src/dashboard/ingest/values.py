"""Pure value parsers: one text cell from a platform export -> one typed value.

Everything here is stateless and UI-free (no streamlit) so importers and tests can call it directly.
Layouts and quirks these functions exist for are listed in /work/shared/FORMATS.md (section 0).

Conventions
* A missing token ('', '-', ' --', 'undefined', 'NAN', ...) always gives None, never 0.
* An unreadable cell raises CellError(code, **params); code is an i18n key suffix. Codes used:
  not_a_number, percent_in_number, censored, not_an_integer, number_too_large, not_a_duration, not_a_bool,
  not_a_date.
* Censored (a CellError) marks values the platform hides on purpose ('< 10%', '<5'): store null and warn.
* IDs are never parsed here: callers keep them as text (18-digit ids do not survive float).
* Already-typed cells (numbers / dates from an xlsx reader) are accepted too.
"""

from __future__ import annotations

import calendar
import functools
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

__all__ = [
    "MISSING_TOKENS",
    "CellError",
    "Censored",
    "PartialDate",
    "clean_text",
    "currency_from_header",
    "detect_day_first",
    "infer_years",
    "is_missing",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_duration_s",
    "parse_int",
    "parse_money",
    "parse_number",
    "parse_rate",
    "resolve_partial",
]

# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------

_MESSAGES = {
    "not_a_number": "Not a number: {value!r}",
    "percent_in_number": "Expected a plain number, found a percentage: {value!r}",
    "censored": "The platform hides the exact value ({value!r}); it is stored as empty",
    "not_an_integer": "Expected a whole number: {value!r}",
    "number_too_large": "Too large to be a count: {value!r}",
    "not_a_duration": "Not a duration: {value!r}",
    "not_a_bool": "Not a yes/no value: {value!r}",
    "not_a_date": "Not a date: {value!r}",
}


class CellError(ValueError):
    """A cell that cannot be read. code is an i18n key suffix, params fill the message."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        template = _MESSAGES.get(self.code)
        try:
            return template.format(**self.params) if template else f"{self.code}: {self.params}"
        except (KeyError, IndexError):  # a caller passed other params than the template expects
            return f"{self.code}: {self.params}"

    def __reduce__(self):
        # keep code+params when pickled (e.g. across worker processes)
        return functools.partial(type(self), self.code, **self.params), ()


class Censored(CellError):
    """'< 10%', '> 90%', '<5': the platform hides the exact value -> caller stores null and warns."""

    def __init__(self, code: str = "censored", **params):
        super().__init__(code, **params)


def _fail(code: str, text) -> CellError:
    return CellError(code, value=text)


# --------------------------------------------------------------------------------------------------
# Missing values and text
# --------------------------------------------------------------------------------------------------

# Tokens seen for "no value" across exports (FORMATS.md quirk 11) plus common writer defaults.
# Deliberately NOT here: '0' (a real zero), 'na' (Namibia's ISO code in TikTok territory tables),
# '(not set)' (a real GA4 dimension bucket that must stay visible as its own row).
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "-", "--", "---", "—", "–", "n/a", "#n/a", "undefined", "nan", "null", "none"}
)


def is_missing(text: str | None) -> bool:
    if text is None:
        return True
    if isinstance(text, float):
        return math.isnan(text)
    if not isinstance(text, str):
        return False
    return text.strip().casefold() in MISSING_TOKENS


def clean_text(text: str | None) -> str | None:
    """Free text (captions, titles): unescape entities, unify newlines, NFC; keeps emoji/inner newlines."""
    if text is None:
        return None
    s = html.unescape(str(text))  # X/Twitter writes '&amp;' into tweet text
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = s.strip().strip("\ufeff\u200b").strip()  # stray BOM / zero-width space from re-saves
    s = unicodedata.normalize("NFC", s)  # NFC, not NFKC: keep math-bold letters as the author wrote them
    return None if is_missing(s) else s


_EDGE_JUNK = re.compile(r"^[\s\"'`‘’“”\ufeff\u200b]+|[\s\"'`‘’“”\ufeff\u200b]+$")


def _prep(text) -> str | None:
    """Normalise a value cell: NFKC (full-width digits, NBSP), drop edge space/quotes; None if missing."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text))
    s = _EDGE_JUNK.sub("", s)  # XHS trend sheets write "'19%'" with literal apostrophes
    s = s.replace("\u2212", "-")  # typographic minus sign
    return None if is_missing(s) else s


# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------

# ISO 4217 codes; 'ALL' and 'TOP' are left out because '(ALL)' / '(TOP)' in headers are not money.
_ISO_CODES = frozenset(
    """AED AFN AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND
    VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL""".split()
)

# Symbols as printed next to amounts (after NFKC: full-width '￥' is already '¥').
_CURRENCY_SYMBOLS = {
    "US$": "USD", "HK$": "HKD", "NZ$": "NZD", "NT$": "TWD", "CA$": "CAD", "AU$": "AUD", "MX$": "MXN",
    "A$": "AUD", "C$": "CAD", "R$": "BRL", "S$": "SGD", "$": "USD", "€": "EUR", "£": "GBP",
    "¥": "CNY", "₹": "INR", "₴": "UAH", "₽": "RUB", "₩": "KRW", "₺": "TRY", "₪": "ILS", "₱": "PHP",
    "฿": "THB", "₫": "VND", "zł": "PLN", "грн.": "UAH", "грн": "UAH", "RMB": "CNY", "元": "CNY",
    "円": "JPY",
}  # fmt: skip
_CURRENCIES = {**{c: c for c in _ISO_CODES}, **_CURRENCY_SYMBOLS}
_CUR_ALT = "|".join(re.escape(c) for c in sorted(_CURRENCIES, key=len, reverse=True))

# Count multipliers: 'k' must touch the digits ('1.2k'); CJK 万/亿 may be spaced.
_MULTIPLIERS = {"k": 10**3, "K": 10**3, "M": 10**6, "w": 10**4, "W": 10**4, "万": 10**4, "亿": 10**8}
_UNITS = ("秒", "s", "次", "人", "个", "条")

_CORE = r"(?P<core>[\d.,](?:[\d., ]*[\d.,])?)(?P<exp>[eE][+-]?\d+)?"
_PLAIN_RE = re.compile(rf"(?P<sign>[+-])?{_CORE}")
_AFFIXED_RE = re.compile(
    rf"(?P<sign>[+-])?\s*(?:(?P<pre>{_CUR_ALT})\s*)?(?P<sign2>[+-])?"
    rf"{_CORE}(?P<mult>[kKMwW]|\s*[万亿])?"
    rf"\s*(?:(?P<unit>{'|'.join(_UNITS)})|(?P<post>{_CUR_ALT}))?"
)
_CENSORED_RE = re.compile(r"(?:<=?|>=?|≤|≥)\s*[\d.,\s]+%?")
_INDIAN_GROUPS = re.compile(r"\d{1,2}(?:,\d{2})*,\d{3}")  # en-IN lakh grouping: 1,23,456


def _check_decimal(decimal: str) -> None:
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ',', got {decimal!r}")


def _core_to_decimal(core: str, decimal: str) -> Decimal | None:
    """Digits with grouping separators -> Decimal, or None if the grouping is not unambiguous."""
    int_part, _, frac = core.partition(decimal)
    if not (frac == "" or frac.isdigit()) or not (int_part or frac):
        return None
    seps = set(int_part) - set("0123456789")
    if seps:
        # A separator only counts as thousands grouping when every group after the first has 3 digits,
        # so '1,5' (decimal='.') is rejected instead of silently becoming 15.
        sep = seps.pop()
        if seps or sep not in ("," if decimal == "." else ".", " "):
            return None
        if not (
            re.fullmatch(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+", int_part)
            or (sep == "," and _INDIAN_GROUPS.fullmatch(int_part))
        ):
            return None
        int_part = int_part.replace(sep, "")
    return Decimal(f"{int_part or '0'}.{frac or '0'}")


def _match_to_decimal(m: re.Match, decimal: str) -> Decimal | None:
    value = _core_to_decimal(m["core"], decimal)
    if value is None:
        return None
    if m["exp"]:
        if not re.fullmatch(r"\d*\.?\d*", m["core"].replace(decimal, ".")):
            return None  # '1,234e3' is nobody's notation
        value = value.scaleb(int(m["exp"][1:]))
        if value and abs(value.adjusted()) > 300:
            return None  # would overflow/underflow a float
    return value


def _raise_if_censored_or_percent(s: str, original, allow_percent: bool = False) -> None:
    if _CENSORED_RE.fullmatch(s):
        raise Censored(value=original)  # Google Ads impression share, TikTok Ads low volumes
    if "%" in s and not allow_percent:
        raise _fail("percent_in_number", original)


def _to_decimal(text, decimal: str) -> tuple[Decimal | None, str | None]:
    """Shared by parse_number/parse_int/parse_money: returns (value, currency code or None)."""
    _check_decimal(decimal)
    s = _prep(text)
    if s is None:
        return None, None
    _raise_if_censored_or_percent(s, text)
    m = _AFFIXED_RE.fullmatch(s)
    if not m or (m["sign"] and m["sign2"]) or (m["pre"] and (m["post"] or m["unit"])):
        raise _fail("not_a_number", text)
    value = _match_to_decimal(m, decimal)
    if value is None:
        raise _fail("not_a_number", text)
    if m["mult"]:
        value *= _MULTIPLIERS[m["mult"].strip()]
    if "-" in (m["sign"], m["sign2"]):
        value = -value
    cur = m["pre"] or m["post"]
    return value, (_CURRENCIES[cur] if cur else None)


def _to_float(value: Decimal) -> float:
    return float(value) + 0.0  # '+ 0.0' turns '-0' into 0.0


def parse_number(text: str | None, decimal: str = ".") -> float | None:
    """'"25,881"' -> 25881.0, 'US$1.92' -> 1.92, '1.2万' -> 12000.0, '-' -> None. '%' is an error."""
    value, _ = _to_decimal(text, decimal)
    return None if value is None else _to_float(value)


def parse_int(text: str | None, decimal: str = ".") -> int | None:
    """Counts: '1938.0' -> 1938 (Twitter writes floats); 3.5 is an error. Exact for big values."""
    value, _ = _to_decimal(text, decimal)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise _fail("not_an_integer", text)
    if not -(2**63) <= value < 2**63:  # past a 64-bit count column
        raise _fail("number_too_large", text)
    return int(value)


def parse_money(text: str | None, decimal: str = ".") -> tuple[float | None, str | None]:
    """'US$1.92' -> (1.92, 'USD'); plain '1661.67' -> (1661.67, None): the currency is then elsewhere."""
    value, currency = _to_decimal(text, decimal)
    if value is None:
        return None, None
    return _to_float(value), currency


def parse_rate(text: str | None, scale: str = "auto", decimal: str = ".") -> float | None:
    """Always returns a FRACTION. '77.77%' -> 0.7777. Without '%', scale says how to read the number:
    'fraction' as is, 'percent' /100, 'auto' as is when |v| <= 1 else /100 (ambiguous: prefer explicit)."""
    if scale not in ("auto", "fraction", "percent"):
        raise ValueError(f"scale must be 'auto', 'fraction' or 'percent', got {scale!r}")
    _check_decimal(decimal)
    s = _prep(text)
    if s is None:
        return None
    _raise_if_censored_or_percent(s, text, allow_percent=True)
    has_percent = s.endswith("%")
    m = _PLAIN_RE.fullmatch(s.removesuffix("%").rstrip())
    value = _match_to_decimal(m, decimal) if m else None
    if value is None:
        raise _fail("not_a_number", text)
    if m["sign"] == "-":
        value = -value
    if has_percent or scale == "percent" or (scale == "auto" and abs(value) > 1):
        value /= 100
    return _to_float(value)


def currency_from_header(header: str) -> str | None:
    """'Amount spent (UAH)' -> 'UAH'. Only a currency in parentheses counts: '(sec)', '(CTR)' do not."""
    s = unicodedata.normalize("NFKC", header or "")  # full-width '（元）' -> '(元)'
    for token in reversed(re.findall(r"\(\s*([^()]+?)\s*\)", s)):  # the currency is usually last
        if token in _CURRENCIES:
            return _CURRENCIES[token]
    return None


# --------------------------------------------------------------------------------------------------
# Durations and booleans
# --------------------------------------------------------------------------------------------------

_CLOCK_DURATION = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d{1,2}(?:\.\d+)?)")
_N = r"[\d.,]+"
_UNIT_DURATION = re.compile(
    rf"(?:(?P<h>{_N})\s?(?:小时|时|hours?|hrs?|h)\s?)?"
    rf"(?:(?P<m>{_N})\s?(?:分钟|分|minutes?|mins?|m)\s?)?"
    rf"(?:(?P<s>{_N})\s?(?:秒钟|秒|seconds?|secs?|s))?"
)


def _duration_part(part: str | None, text) -> Decimal:
    if part is None:
        return Decimal(0)
    value = _core_to_decimal(part, ".")  # '1,030秒' uses thousands grouping
    if value is None:
        raise _fail("not_a_duration", text)
    return value


def parse_duration_s(text: str | None) -> float | None:
    """Seconds: '0:04:23' / '4:23' -> 263, '1分30秒' -> 90, '32.50秒' -> 32.5, '8.209459' -> 8.209459."""
    s = _prep(text)
    if s is None:
        return None
    s = s.casefold()
    if m := _CLOCK_DURATION.fullmatch(s):
        h, mi, sec = int(m["h"] or 0), int(m["m"]), Decimal(m["s"])
        if sec >= 60 or (m["h"] is not None and mi >= 60):
            raise _fail("not_a_duration", text)
        return _to_float(h * 3600 + mi * 60 + sec)
    if m := _PLAIN_RE.fullmatch(s):  # bare number = seconds (YouTube 'Duration', Douyin 平均播放时长)
        value = _match_to_decimal(m, ".")
        if value is None or m["sign"] == "-":
            raise _fail("not_a_duration", text)
        return _to_float(value)
    m = _UNIT_DURATION.fullmatch(s)
    if not m or not any(m.groups()):
        raise _fail("not_a_duration", text)
    h, mi, sec = (_duration_part(m[k], text) for k in "hms")
    return _to_float(h * 3600 + mi * 60 + sec)


_TRUE = frozenset({"1", "1.0", "true", "t", "yes", "y", "是"})
_FALSE = frozenset({"0", "0.0", "false", "f", "no", "n", "否"})


def parse_bool(text: str | None) -> bool | None:
    """Flags such as Meta 'Is crosspost' (0/1)."""
    if isinstance(text, bool):
        return text
    s = _prep(text)
    if s is None:
        return None
    key = s.casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _fail("not_a_bool", text)


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A date printed without a year ('February 28', '8 de marzo', '3月16日'); see infer_years."""

    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0

    def __post_init__(self):
        # validate against a leap year: Feb 29 is a legal yearless date
        if not 1 <= self.month <= 12 or not 1 <= self.day <= calendar.monthrange(2000, self.month)[1]:
            raise ValueError(f"invalid month/day: {self.month}/{self.day}")
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60 and 0 <= self.second < 60):
            raise ValueError(f"invalid time: {self.hour}:{self.minute}:{self.second}")


_MONTHS_BY_LANGUAGE = {
    "en": "january february march april may june july august september october november december",
    "en_abbr": "jan feb mar apr may jun jul aug sep oct nov dec",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "es_abbr": "ene feb mar abr may jun jul ago sep oct nov dic",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "pt_abbr": "jan fev mar abr mai jun jul ago set out nov dez",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "fr_abbr": "janv févr mars avr mai juin juil août sept oct nov déc",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "de_abbr": "jan feb mär apr mai jun jul aug sep okt nov dez",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
_MONTH_EXTRAS = {  # spelling variants: 'sept', setiembre, unaccented French/German, Austrian Jänner
    "sept": 9, "setiembre": 9, "fevrier": 2, "fev": 2, "fevr": 2, "aout": 8, "decembre": 12,
    "dec": 12, "marz": 3, "maerz": 3, "jänner": 1, "jän": 1, "marco": 3, "mrt": 3,
}  # fmt: skip
_MONTHS: dict[str, int] = {
    name: i for names in _MONTHS_BY_LANGUAGE.values() for i, name in enumerate(names.split(), 1)
} | _MONTH_EXTRAS

_WEEKDAY = r"(?:[^\W\d_]{2,}\.?,?\s)?"  # 'Sun, ' / 'Thu, ' (any language; the month name is checked)
_DATE_PATTERNS = (
    # '2026-03-14', '2025/10/31', '2026.02.05' (+ time)
    ("ymd", re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})")),
    # '02/19/2015', '1/1/2014', '05.02.2026', '01-29-2016' (order decided by day_first)
    ("abY", re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})")),
    # '2026年03月16日', '3月16日'
    ("ymd", re.compile(r"(?:(?P<y>\d{4})\s?年\s?)?(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?[日号]")),
    # 'Sun, Nov 9, 2025', 'Apr 29, 2020', 'February 28'
    ("name", re.compile(
        rf"{_WEEKDAY}(?P<mon>[^\W\d_]+)\.?\s?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s(?P<y>\d{{4}}))?")),
    # 'Thu, 5 Feb 2026', '8 de marzo', '5. März 2026', '1er mars' ('1º' is '1o' after NFKC)
    ("name", re.compile(
        rf"{_WEEKDAY}(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th|er|o)?\s?(?:de\s)?(?P<mon>[^\W\d_]+)\.?"
        rf"(?:,?\s(?:del?\s)?(?P<y>\d{{4}}))?")),
)  # fmt: skip
_COMPACT_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})")  # GA4 '20231010'

_TIME = re.compile(  # matched from the end of the date; '(?<=日)': XHS glues the time to the date
    r"(?:t|\s|,\s?|(?<=日))"
    r"(?:(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?(?:\s?(?P<ap>[ap])\.?m\.?)?"
    r"|(?P<cH>\d{1,2})[时点](?:(?P<cM>\d{1,2})分(?:(?P<cS>\d{1,2})秒)?)?)"
    r"(?:\s?(?P<tz>z|(?:utc|gmt)?\s?[+-]\d{1,2}(?::?\d{2})?|utc|gmt))?"
)


@dataclass(frozen=True)
class _Parts:
    year: int | None
    month: int
    day: int
    time: tuple[int, int, int, int] = (0, 0, 0, 0)  # hour, minute, second, microsecond
    offset: timedelta | None = None  # set when the text carries its own UTC offset


def _order_ab(a: int, b: int, sep: str, day_first: bool | None) -> tuple[int, int]:
    """(month, day) for 'a/b/yyyy'. Slash/dash default to US month-first, dots to European day-first."""
    if day_first is None:
        day_first = b <= 12 if sep == "." else a > 12
    return (b, a) if day_first else (a, b)


def _match_date(s: str, day_first: bool | None) -> tuple[int | None, int, int, int] | None:
    """(year, month, day, end of the date part) from the first pattern that fits, or None."""
    if m := _COMPACT_DATE.fullmatch(s):
        return int(m["y"]), int(m["m"]), int(m["d"]), len(s)
    for kind, pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        year = int(m["y"]) if m["y"] else None
        if kind == "abY":
            month, day = _order_ab(int(m["a"]), int(m["b"]), m["sep"], day_first)
        elif kind == "name":
            month = _MONTHS.get(m["mon"])
            if month is None:
                continue  # 'Thu' or a word that is no month: try the next layout
            day = int(m["d"])
        else:
            month, day = int(m["m"]), int(m["d"])
        return year, month, day, m.end()
    return None


def _parse_offset(tz: str) -> timedelta:
    body = re.sub(r"^(?:utc|gmt)\s?", "", tz)
    if tz == "z" or not body:
        return timedelta(0)
    sign = -1 if body[0] == "-" else 1
    digits = body[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    return sign * timedelta(hours=hours, minutes=minutes)


def _parse_time(s: str, pos: int, text) -> tuple[tuple[int, int, int, int], timedelta | None]:
    """Optional clock time (+ offset) after the date part, which ends at pos."""
    if pos == len(s):
        return (0, 0, 0, 0), None
    m = _TIME.fullmatch(s, pos)
    if not m:
        raise _fail("not_a_date", text)
    if m["cH"] is not None:  # '08时00分29秒'
        hour, minute, second, micro = int(m["cH"]), int(m["cM"] or 0), int(m["cS"] or 0), 0
    else:
        hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"] or 0)
        micro = int((m["f"] or "0").ljust(6, "0")[:6])  # nanoseconds are truncated
        if m["ap"]:  # 12-hour clock: '11:45:22 PM'
            if hour > 12 or (hour == 0 and m["ap"] == "p"):
                raise _fail("not_a_date", text)
            hour = hour % 12 + (12 if m["ap"] == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _fail("not_a_date", text)
    offset = _parse_offset(m["tz"]) if m["tz"] else None
    if offset is not None and abs(offset) >= timedelta(hours=24):
        raise _fail("not_a_date", text)
    return (hour, minute, second, micro), offset


def _parse_parts(text, day_first: bool | None) -> _Parts | None:
    s = _prep(text)
    if s is None:
        return None
    s = re.sub(r"\s+", " ", s).casefold()
    found = _match_date(s, day_first)
    if found is None:
        raise _fail("not_a_date", text)
    year, month, day, end = found
    time, offset = _parse_time(s, end, text)
    try:  # validate here so both public functions report the same error
        if year is None:
            PartialDate(month, day)
        else:
            date(year, month, day)
    except ValueError:
        raise _fail("not_a_date", text) from None
    return _Parts(year, month, day, time, offset)


def parse_date(text: str | None, day_first: bool | None = None) -> date | PartialDate | None:
    """The calendar date as printed; any time/offset is dropped ('2025-01-01T01:00:00' -> 2025-01-01,
    which floors Meta daily rows whose hour drifts with DST). Yearless text gives a PartialDate."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    p = _parse_parts(text, day_first)
    if p is None:
        return None
    return date(p.year, p.month, p.day) if p.year is not None else PartialDate(p.month, p.day)


def parse_datetime(
    text: str | None, tz: tzinfo, day_first: bool | None = None
) -> datetime | PartialDate | None:
    """Aware UTC datetime. A printed offset wins; naive text is wall time in tz (date-only = local
    midnight). Yearless text gives a PartialDate holding the local wall time (no year -> no UTC yet)."""
    if isinstance(text, datetime):
        local = text if text.tzinfo else text.replace(tzinfo=tz)
        return local.astimezone(UTC)
    if isinstance(text, date):
        return datetime(text.year, text.month, text.day, tzinfo=tz).astimezone(UTC)
    p = _parse_parts(text, day_first)
    if p is None:
        return None
    if p.year is None:
        return PartialDate(p.month, p.day, *p.time[:3])
    zone = timezone(p.offset) if p.offset is not None else tz
    try:
        return datetime(p.year, p.month, p.day, *p.time, tzinfo=zone).astimezone(UTC)
    except (ValueError, OverflowError):  # offset >= 24h or a date at the edge of the calendar
        raise _fail("not_a_date", text) from None


_AB_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.]\d{4}")


def detect_day_first(texts: Iterable[str]) -> bool | None:
    """Decide a column's a/b/yyyy order from values that can only be read one way.
    True if some first part > 12, False if some second part > 12, None if neither (or both: mixed)."""
    day_first = month_first = False
    for text in texts:
        s = _prep(text)
        m = _AB_DATE.match(s) if s else None
        if m:
            day_first |= int(m[1]) > 12
            month_first |= int(m[2]) > 12
    if day_first == month_first:
        return None
    return day_first


def _latest_leap_year(year: int) -> int:
    while not calendar.isleap(year):
        year -= 1
    return year


def resolve_partial(value: PartialDate, anchor: date) -> date:
    """Latest date with value's month/day that is <= anchor (TikTok 'Post time' vs the export day)."""
    year = anchor.year if (value.month, value.day) <= (anchor.month, anchor.day) else anchor.year - 1
    if (value.month, value.day) == (2, 29):
        year = _latest_leap_year(year)
    return date(year, value.month, value.day)


def infer_years(values: Sequence[date | PartialDate | None], anchor: date) -> list[date | None]:
    """Years for yearless dates listed OLDEST FIRST (TikTok Studio: 'February 28' ... 'February 27').
    The last PartialDate gets the latest year <= anchor; walking backwards the year drops by one
    whenever a (month, day) is later than the next row's. Full dates pass through and reset the year."""
    result: list[date | None] = [None] * len(values)
    year: int | None = None
    next_md: tuple[int, int] | None = None
    for i in range(len(values) - 1, -1, -1):
        v = values[i]
        if v is None:
            continue
        if isinstance(v, date):
            result[i], year, next_md = v, v.year, (v.month, v.day)
            continue
        md = (v.month, v.day)
        if year is None:
            year = resolve_partial(v, anchor).year
        elif md > next_md:
            year -= 1  # crossed a year boundary going back in time
        if md == (2, 29):
            year = _latest_leap_year(year)
        result[i], next_md = date(year, v.month, v.day), md
    return result
