"""Deterministic demo workspace: a fictional tea brand's six months, written as the platforms' own exports.

`generate_demo_files(out_dir, end)` writes the files a small brand owner would really download from X,
Instagram / Meta Business Suite, TikTok Studio, Xiaohongshu, Douyin, WeChat Channels, the WeChat Official
Account backend, Google Ads and Meta Ads Manager, plus an activity log and an order list in the canonical
`events` template layout. Every file follows the byte layout documented in FORMATS.md, quirks included
(BOMs, UTF-16 `sep=,` series, preambles, totals rows, missing tokens, yearless dates, text-typed xlsx
cells), so loading the demo goes through the real importer.

One simulated "world" drives every file, so the numbers agree with each other: a post's lifetime metrics
are spread over the days after it was published and feed the daily account series; follows from posts
feed the follower curves; a couple of viral posts and one controversial post (a price increase, followed
by a week of unfollows) show up on the platforms, in sign-ups and in churn; ad clicks bring users.

Output is byte-identical for the same (end, seed, days): every random draw comes from `random.Random`
streams seeded from `seed`, and xlsx files are re-zipped with fixed timestamps.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from html import escape
from pathlib import Path

from openpyxl import Workbook

__all__ = ["DEMO_BRAND", "generate_demo_files"]

DEMO_BRAND = "Lumi Tea 麓米茶"

LOCAL_TZ = timezone(timedelta(hours=8))
CURRENCY = "CNY"

_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_WD = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# consumer tea brand: weekends are busier
_WEEKDAY_FACTOR = (0.93, 0.96, 1.0, 1.0, 1.05, 1.14, 1.1)
# share of a post's lifetime metrics that arrives on publish day, day+1, ...
_SPREAD = (0.52, 0.22, 0.11, 0.06, 0.04, 0.03, 0.02)
_FOLLOW_SPREAD = (0.7, 0.2, 0.1)
_BAD_WEEK_SPIKE = (1.0, 0.8, 0.55, 0.35, 0.25, 0.15, 0.1)


# ---------------------------------------------------------------------------------------------------
# shared writers (every byte-level quirk is written once)

def _rng(seed: int, name: str) -> random.Random:
    """Independent, reproducible stream per file family (str seeds hash with sha512, not PYTHONHASHSEED)."""
    return random.Random(f"{seed}:{name}")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _csv_text(rows: Iterable[Sequence[object]], *, quote_all: bool = False, eol: str = "\n") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator=eol)
    writer.writerows(rows)
    return buf.getvalue()


def _write_csv(path: Path, rows: Iterable[Sequence[object]], *, bom: bool = False, quote_all: bool = False,
               eol: str = "\n", trailing_newline: bool = True, preamble: str = "") -> Path:
    text = preamble + _csv_text(rows, quote_all=quote_all, eol=eol)
    if not trailing_newline and text.endswith(eol):
        text = text[: -len(eol)]
    return _write(path, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def _meta_field(value: object) -> str:
    """Meta Business Suite quoting: a field is quoted when it holds a space, comma, quote or line break."""
    text = "" if value is None else str(value)
    if any(ch in text for ch in ' ,"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_meta_csv(path: Path, rows: Iterable[Sequence[object]]) -> Path:
    text = "".join(",".join(_meta_field(v) for v in row) + "\n" for row in rows)
    return _write(path, b"\xef\xbb\xbf" + text.encode("utf-8"))


def _write_utf16_series(path: Path, title: str, points: Iterable[tuple[str, int]]) -> Path:
    """Meta Business Suite daily series: UTF-16LE + BOM, `sep=,`, title line, all quoted, empty last line."""
    lines = ["sep=,", f'"{title}"', '"Date","Primary"']
    lines += [f'"{stamp}","{value}"' for stamp, value in points]
    return _write(path, b"\xff\xfe" + ("\n".join(lines) + "\n\n").encode("utf-16-le"))


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _stable_zip(raw: bytes, stamp: datetime) -> bytes:
    """Re-zip an openpyxl workbook with fixed member timestamps and fixed docProps dates."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(lambda m: m.group(1) + iso + m.group(3), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


@dataclass
class _Sheet:
    title: str
    rows: list[list[object]]
    merge: str | None = None  # e.g. "A1:M1"


def _write_xlsx(path: Path, sheets: Sequence[_Sheet], stamp: datetime, *, all_text: bool = False) -> Path:
    """Write an xlsx; `all_text` stores every non-empty cell as a text cell (Douyin, TikTok xlsx style)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        for row in sheet.rows:
            ws.append([(None if v is None else str(v)) if all_text else v for v in row])
        if sheet.merge:
            ws.merge_cells(sheet.merge)
    wb.properties.creator = "openpyxl"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    return _write(path, _stable_zip(buf.getvalue(), stamp))


# ---------------------------------------------------------------------------------------------------
# date formats

def _x_date(d: date) -> str:  # "Sun, Nov 9, 2025"
    return f"{_WD[d.weekday()]}, {_MON[d.month - 1]} {d.day}, {d.year}"


def _long_date(d: date) -> str:  # "March 27, 2026"
    return f"{_MONTH[d.month - 1]} {d.day}, {d.year}"


def _yearless(d: date) -> str:  # "February 28"
    return f"{_MONTH[d.month - 1]} {d.day}"


def _cn_date(d: date) -> str:  # "2026年03月16日"
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _cn_datetime(t: datetime) -> str:  # "2026年03月16日08时00分29秒"
    return f"{_cn_date(t.date())}{t.hour:02d}时{t.minute:02d}分{t.second:02d}秒"


def _mdy(d: date, pad: bool) -> str:  # "Mar-18-2025" / "Feb-1-2021"
    return f"{_MON[d.month - 1]}-{d.day:02d}-{d.year}" if pad else f"{_MON[d.month - 1]}-{d.day}-{d.year}"


def _us_dst(d: date) -> bool:
    """US daylight saving time: second Sunday of March to first Sunday of November."""
    def nth_sunday(month: int, n: int) -> date:
        first = date(d.year, month, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))
    return nth_sunday(3, 2) <= d < nth_sunday(11, 1)


def _meta_stamp(d: date) -> str:
    """Meta daily series timestamps drift between T01:00:00 (winter) and T00:00:00 (summer)."""
    return f"{d.isoformat()}T{'00' if _us_dst(d) else '01'}:00:00"


def _pct(num: float, den: float, digits: int = 2) -> str:
    return f"{(100.0 * num / den if den else 0.0):.{digits}f}%"


def _thousands(n: int) -> str:
    return f"{n:,}"


# ---------------------------------------------------------------------------------------------------
# small numeric helpers

def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer over weights (normalised); largest remainder keeps the exact sum."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _lognormal(rng: random.Random, sigma: float) -> float:
    return math.exp(rng.gauss(-sigma * sigma / 2, sigma))


def _weighted(rng: random.Random, options: dict[str, float]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


# ---------------------------------------------------------------------------------------------------
# the shared world

@dataclass(frozen=True)
class _World:
    start: date
    end: date
    days: int
    seed: int
    viral_xhs: int  # day index of the viral Xiaohongshu note
    viral_video: int  # day index of the viral short video (TikTok + Douyin)
    bad_day: int  # day index of the controversial price-increase post
    stamp: datetime  # export moment (UTC, naive) used for xlsx metadata

    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)

    def bad_week(self, i: int) -> float:
        k = i - self.bad_day
        return _BAD_WEEK_SPIKE[k] if 0 <= k < len(_BAD_WEEK_SPIKE) else 0.0

    def season(self, i: int) -> float:
        """Shopping seasonality: 618, the Mid-Autumn gift season, Double 11."""
        d = self.day(i)
        if d.month == 11 and 1 <= d.day <= 11:
            return 2.6 if d.day >= 9 else 1.5
        if d.month == 6 and 14 <= d.day <= 18:
            return 1.7
        if d.month == 9 and 5 <= d.day <= 25:
            return 1.35
        return 1.0


def _make_world(end: date, seed: int, days: int) -> _World:
    start = end - timedelta(days=days - 1)
    stamp = datetime(end.year, end.month, end.day, 2, 17, 41) + timedelta(days=1)
    return _World(start=start, end=end, days=days, seed=seed, viral_xhs=int(days * 0.22),
                  viral_video=int(days * 0.63), bad_day=int(days * 0.46), stamp=stamp)


# ---------------------------------------------------------------------------------------------------
# content copy

_PRODUCTS_EN = ("Osmanthus Oolong", "White Peach Oolong", "Jasmine Silver Needle", "Yunnan Gold black tea",
                "ceremonial matcha", "Cold Brew Kit", "Mid-Autumn gift box")
_PRODUCTS_ZH = ("桂花乌龙", "白桃乌龙", "茉莉银针", "滇红金芽", "仪式级抹茶", "冷泡茶套装", "中秋礼盒")

_EN_HOOKS = (
    "Sunday ritual: {p}, a window seat, zero notifications ☕",
    "How we brew {p} at the studio (water at 85°C, not boiling!) 🍵",
    "Behind the scenes: packing 300 orders of {p} before the weekend 📦",
    "Customer photo of the week: {p} in a thermos on a mountain trail ⛰️",
    "3 mistakes people make with {p} — and the easy fixes",
    "New harvest of {p} just landed. Smell test approved 👃✨",
    "Our founder's desk drawer: always {p}. Always.",
    "Tea vs. coffee at 3pm? Team {p} says hi 👋",
    "From the garden in Wuyi to your cup: the story of {p} 🌿",
    "Giveaway! Tag a friend who needs a {p} break 🎁 (ends Sunday)",
    "Pairing {p} with mooncakes, cheesecake and… chili crisp? We tried it 🥮",
    "Morning routine, but make it {p} 🌅",
    "The cold brew season is ON: {p} over ice, 8 hours in the fridge 🧊",
    "Q&A: is {p} OK before bed? Our tea master answers",
    "Small batch, big flavour: why {p} is picked by hand 🤲",
    "Studio playlist + {p} = Friday mood 🎶",
)
_EN_TAGS = ("#tea #oolong #teatime", "#matcha #matchalatte", "#coldbrew #icedtea #summerdrinks",
            "#tealover #slowliving", "#chinesetea #teaceremony", "#giftideas #midautumn", "#smallbusiness")

_ZH_TITLES = (
    "打工人续命茶｜{p}冷泡一夜就好喝",
    "{p}开箱｜这个包装也太好看了吧",
    "办公室下午茶，我只推荐{p}",
    "第一次喝{p}就爱上了，附冲泡温度",
    "茶园探访｜跟着我们去武夷山看{p}怎么做出来",
    "{p}的3种喝法，第2种绝了",
    "周末在家做茶饮｜{p}+气泡水",
    "给爸妈的礼物选{p}准没错",
    "新茶到货｜今年的{p}香气更足",
    "喝茶小白入门：{p}怎么选",
    "一人食早餐搭配{p}，幸福感拉满",
    "熬夜党看过来｜睡前能不能喝{p}",
    "工作室日常：一天打包300单{p}",
    "{p}测评｜和奶茶店比谁更香",
)
_ZH_BODIES = (
    "85度水温，第一泡10秒出汤，回甘很明显。",
    "冷水+茶包放冰箱8小时，早上直接带走。",
    "评论区说说你最喜欢哪一款？抽3位送试饮装。",
    "原料来自武夷山合作茶园，小批量手工挑拣。",
    "配方是我们茶师试了二十多次才定下来的。",
)
_ZH_TAGS = ("#冷泡茶 #夏日饮品", "#办公室好物 #下午茶", "#茶饮 #生活方式", "#送礼 #中秋礼物", "#乌龙茶 #新茶")

_VIRAL_XHS = "夏天就喝它！3步做白桃乌龙冷泡茶🍑零失败"
_VIRAL_VIDEO_EN = "The 3-step cold brew hack everyone keeps asking about 🧊🍑 #coldbrew #teatok #summerdrinks"
_VIRAL_VIDEO_ZH = "3步冷泡白桃乌龙，打工人一周的快乐🍑🧊"
_BAD_EN = ("A note on pricing: from next month most of our teas cost 15% more. Here's why, "
           "and what stays the same (free samples, same gardens).")
_BAD_ZH = "关于涨价的说明：下月起部分茶品上调15%"


def _en_text(rng: random.Random, flag: str, multiline: bool, tags: bool = True) -> str:
    if flag == "viral":
        return _VIRAL_VIDEO_EN
    if flag == "bad":
        return _BAD_EN
    text = rng.choice(_EN_HOOKS).format(p=rng.choice(_PRODUCTS_EN))
    if multiline:
        text += "\n\n" + rng.choice(("Shop the link in bio 🔗", "Would you try it? 👇", "Save this for later 📌",
                                     "Brewing guide in the comments ✍️"))
    if tags:
        text += ("\n\n" if multiline else " ") + rng.choice(_EN_TAGS)
    return text


def _zh_title(rng: random.Random, flag: str, viral_title: str = _VIRAL_XHS) -> str:
    if flag == "viral":
        return viral_title
    if flag == "bad":
        return _BAD_ZH
    return rng.choice(_ZH_TITLES).format(p=rng.choice(_PRODUCTS_ZH))


# ---------------------------------------------------------------------------------------------------
# platform simulation: posts and daily account series that agree with each other

@dataclass(frozen=True)
class _Spec:
    name: str
    followers0: int
    gain: float  # organic daily follows at the start of the period
    churn: float  # daily unfollow fraction
    growth: float  # organic follow rate at the end relative to the start
    per_week: tuple[int, int]
    mix: dict[str, float]
    reach_per_follower: float
    er: tuple[float, float]  # engagement (interactions / reach) range
    follows_per_reach: float
    durations: tuple[int, int] = (0, 0)
    viral_day: str | None = None  # "xhs" | "video"
    bad_factor: float = 1.0  # how hard the controversial week hits this audience
    hours: tuple[int, ...] = (8, 12, 18, 19, 20, 21, 21, 22)


@dataclass
class _Post:
    day: int
    at: datetime  # local wall time
    kind: str  # image | carousel | video | text
    flag: str  # "" | viral | bad
    duration: int
    text: str = ""
    m: dict[str, int] = field(default_factory=dict)  # lifetime metrics as of the export


@dataclass
class _Channel:
    posts: list[_Post]
    followers: list[int]  # end of day
    gained: list[int]
    lost: list[int]
    daily: dict[str, list[int]]


_KIND_REACH = {"image": 0.9, "carousel": 1.05, "video": 1.35, "text": 0.7}
_KIND_ER = {"image": 0.9, "carousel": 1.2, "video": 1.0, "text": 0.75}

_SPECS = {
    "x": _Spec("x", 1850, 5.5, 0.0011, 1.6, (2, 5), {"text": 3, "image": 5, "video": 2}, 0.55, (0.012, 0.045),
               0.0025, (15, 60), None, 1.3, (8, 9, 12, 20, 21, 22)),
    "instagram": _Spec("instagram", 6400, 12, 0.0009, 1.8, (2, 5), {"image": 4, "carousel": 3, "video": 4}, 0.36,
                       (0.025, 0.075), 0.003, (8, 55), None, 1.2),
    "tiktok": _Spec("tiktok", 3200, 14, 0.0014, 2.1, (2, 5), {"video": 1}, 1.3, (0.03, 0.075), 0.0022,
                    (9, 75), "video", 0.8),
    "xiaohongshu": _Spec("xiaohongshu", 5200, 11, 0.0010, 1.9, (2, 5), {"image": 6, "video": 3}, 0.75,
                         (0.03, 0.08), 0.004, (25, 120), "xhs", 0.9),
    "douyin": _Spec("douyin", 2100, 4.2, 0.0024, 2.0, (2, 5), {"video": 4, "image": 1}, 1.6, (0.02, 0.06),
                    0.0016, (12, 150), "video", 0.9),
    "wechat_channels": _Spec("wechat_channels", 1500, 3.5, 0.0012, 1.5, (2, 4), {"video": 1}, 0.9, (0.02, 0.05),
                             0.002, (20, 95), None, 0.7),
    "wechat_oa": _Spec("wechat_oa", 8800, 16, 0.0011, 1.3, (0, 0), {}, 0.0, (0.0, 0.0), 0.0, (0, 0), None, 0.6),
}

_DAILY_BASE = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "profile_visits", "posts")


def _schedule(rng: random.Random, world: _World, spec: _Spec) -> dict[int, list[str]]:
    """Posting days (2-5 a week by default, weekdays favoured) plus forced viral / controversial posts."""
    plan: dict[int, list[str]] = {}
    lo, hi = spec.per_week
    for week in range(0, world.days, 7):
        if hi == 0:
            break
        n = rng.randint(lo, hi)
        picks = rng.choices(range(7), weights=(1.1, 1.2, 1.2, 1.2, 1.1, 0.8, 0.9), k=n * 2)
        chosen = sorted(set(picks))[:n]
        for k in chosen:
            if week + k < world.days:
                plan.setdefault(week + k, []).append("")
    if hi:
        forced = {world.bad_day: "bad"}
        if spec.viral_day == "xhs":
            forced[world.viral_xhs] = "viral"
        elif spec.viral_day == "video":
            forced[world.viral_video] = "viral"
        for d, flag in forced.items():
            slots = plan.setdefault(d, [])
            if slots:
                slots[0] = flag
            else:
                slots.append(flag)
    return plan


def _post_metrics(rng: random.Random, spec: _Spec, kind: str, flag: str, followers: int, wf: float) -> dict[str, int]:
    reach = followers * spec.reach_per_follower * _KIND_REACH[kind] * wf * _lognormal(rng, 0.5)
    er = rng.uniform(*spec.er) * _KIND_ER[kind]
    follows = reach * spec.follows_per_reach * _lognormal(rng, 0.4)
    if flag == "viral":
        reach *= rng.uniform(10, 15)
        er *= 1.35
        follows = reach * spec.follows_per_reach * 2.2
    elif flag == "bad":
        reach *= 1.8
        follows *= 0.15
    er = min(er, 0.078)
    impressions = reach * rng.uniform(1.15, 1.6)
    views = impressions * rng.uniform(0.95, 1.25) if kind == "video" else impressions * rng.uniform(0.9, 1.0)
    inter = reach * er
    likes = inter * rng.uniform(0.62, 0.76)
    comments = inter * rng.uniform(0.04, 0.09)
    shares = inter * rng.uniform(0.05, 0.11)
    saves = max(0.0, inter - likes - comments - shares)
    if flag == "bad":
        comments, likes, shares = comments * 7, likes * 0.45, shares * 1.6
    return {
        "impressions": round(impressions), "reach": round(reach), "views": round(views), "likes": round(likes),
        "comments": round(comments), "shares": round(shares), "saves": round(saves), "follows": round(follows),
        "profile_visits": round(reach * rng.uniform(0.008, 0.02) + follows * 2.5),
    }


def _simulate(world: _World, spec: _Spec, rng: random.Random,
              extra: Callable[[random.Random, _Post], None] | None = None, keys: Sequence[str] = ()) -> _Channel:
    n = world.days
    plan = _schedule(rng, world, spec)
    daily: dict[str, list[int]] = {k: [0] * n for k in (*_DAILY_BASE, *keys)}
    follow_in = [0] * n
    posts: list[_Post] = []
    followers, fol, gained, lost = spec.followers0, [], [], []
    for d in range(n):
        day = world.day(d)
        wf = _WEEKDAY_FACTOR[day.weekday()]
        trend = 1 + (spec.growth - 1) * d / max(n - 1, 1)
        for flag in plan.get(d, []):
            if flag == "viral":
                kind = "image" if spec.viral_day == "xhs" else "video"
            elif flag == "bad":
                kind = "video" if "video" in spec.mix and "image" not in spec.mix else "image"
            else:
                kind = _weighted(rng, spec.mix)
            hour = rng.choice(spec.hours)
            at = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
            duration = rng.randint(*spec.durations) if kind == "video" else 0
            post = _Post(d, at, kind, flag, duration)
            post.m = _post_metrics(rng, spec, kind, flag, followers, wf)
            if extra:
                extra(rng, post)  # platform-specific metrics (and text, when metrics depend on it)
            full = post.m
            age = n - 1 - d
            settled = sum(_SPREAD[: age + 1])
            post.m = {k: round(v * settled) for k, v in full.items()}
            window = _SPREAD[: min(len(_SPREAD), age + 1)]
            for key, value in post.m.items():
                if key == "follows":
                    continue
                target = daily.setdefault(key, [0] * n)
                for j, part in enumerate(_spread(value, window)):
                    target[d + j] += part
            fwin = _FOLLOW_SPREAD[: min(len(_FOLLOW_SPREAD), age + 1)]
            for j, part in enumerate(_spread(post.m["follows"], fwin)):
                follow_in[d + j] += part
            daily["posts"][d] += 1
            posts.append(post)
        hit = world.bad_week(d) * spec.bad_factor
        g = round(spec.gain * trend * wf * rng.uniform(0.7, 1.3) * (1 - 0.4 * hit)) + follow_in[d]
        lo = round(followers * spec.churn * rng.uniform(0.6, 1.5) + followers * 0.0065 * hit)
        followers += g - lo
        fol.append(followers)
        gained.append(g)
        lost.append(lo)
        # background activity: older content, search, explore
        base = fol[-1] * 0.05 * wf * rng.uniform(0.8, 1.2)
        background = {"impressions": round(base), "reach": round(base * 0.72), "views": round(base * 0.8),
                      "likes": round(base * 0.012), "comments": round(base * 0.001),
                      "profile_visits": round(base * 0.01 + g * 2.5)}
        for key, value in background.items():
            daily[key][d] += value
        if "engagements" in daily:
            daily["engagements"][d] += background["likes"] + background["comments"] + background["profile_visits"]
    return _Channel(posts, fol, gained, lost, daily)


def _export_order(posts: list[_Post]) -> list[_Post]:
    """Newest first, as most content exports list posts."""
    return sorted(posts, key=lambda p: p.at, reverse=True)


# ---------------------------------------------------------------------------------------------------
# 1. X

_X_EPOCH_MS = 1288834974657


def _x_extra(rng: random.Random, post: _Post) -> None:
    m = post.m
    reposts = round(m["shares"] * rng.uniform(0.6, 0.8))
    m["reposts"], m["shares"] = reposts, m["shares"] - reposts
    m["detail_expands"] = round(m["impressions"] * rng.uniform(0.005, 0.015))
    m["url_clicks"] = round(m["impressions"] * rng.uniform(0.0, 0.006)) if "lumitea.shop" in post.text else 0
    m["hashtag_clicks"] = round(m["impressions"] * rng.uniform(0.0, 0.001)) if "#" in post.text else 0
    m["permalink_clicks"] = round(m["impressions"] * rng.uniform(0.0, 0.0015))
    m["media_views"] = round(m["impressions"] * rng.uniform(0.05, 0.2)) if post.kind != "text" else 0
    m["video_views"] = round(m["media_views"] * 0.8) if post.kind == "video" else 0
    m["engagements"] = sum(m[k] for k in ("likes", "comments", "shares", "saves", "reposts", "profile_visits",
                                          "detail_expands", "url_clicks", "hashtag_clicks", "permalink_clicks",
                                          "follows"))


def _x_text(rng: random.Random, flag: str) -> str:
    text = _en_text(rng, flag, multiline=rng.random() < 0.25, tags=rng.random() < 0.6)
    if flag == "" and rng.random() < 0.35:
        text += " https://lumitea.shop/t/" + "".join(rng.choices("abcdefghjkmnpqrstuvwxyz23456789", k=6))
    return text


def _write_x(world: _World, out: Path) -> list[Path]:
    rng = _rng(world.seed, "x")
    text_rng = _rng(world.seed, "x-text")
    spec = _SPECS["x"]

    def extra(r: random.Random, post: _Post) -> None:
        post.text = _x_text(text_rng, post.flag)
        _x_extra(r, post)

    ch = _simulate(world, spec, rng, extra, keys=("reposts", "detail_expands", "url_clicks", "hashtag_clicks",
                                                  "permalink_clicks", "media_views", "video_views", "engagements"))
    paths = []

    header = ["Date", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares", "New follows", "Unfollows",
              "Replies", "Reposts", "Profile visits", "Create Post", "Video views", "Media views"]
    rows: list[list[object]] = [header]
    dl = ch.daily
    for d in reversed(range(world.days)):
        rows.append([_x_date(world.day(d)), dl["impressions"][d], dl["likes"][d],
                     dl["engagements"][d], dl["saves"][d], dl["shares"][d], ch.gained[d],
                     ch.lost[d], dl["comments"][d], dl["reposts"][d], dl["profile_visits"][d], dl["posts"][d],
                     dl["video_views"][d], dl["media_views"][d]])
    paths.append(_write_csv(out / "account_overview_analytics.csv", rows, trailing_newline=False))

    header = ["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements", "Bookmarks",
              "Shares", "New follows", "Replies", "Reposts", "Profile visits", "Detail Expands", "URL Clicks",
              "Hashtag Clicks", "Permalink Clicks"]
    body: list[list[object]] = []
    for post in _export_order(ch.posts):
        utc_ms = int((post.at.replace(tzinfo=LOCAL_TZ).timestamp()) * 1000)
        pid = str(((utc_ms - _X_EPOCH_MS) << 22) | rng.getrandbits(22))
        m = post.m
        body.append([pid, _x_date(post.at.date()), post.text, f"https://x.com/lumitea/status/{pid}",
                     m["impressions"], m["likes"], m["engagements"], m["saves"], m["shares"], m["follows"],
                     m["comments"], m["reposts"], m["profile_visits"], m["detail_expands"], m["url_clicks"],
                     m["hashtag_clicks"], m["permalink_clicks"]])
    # not quite sorted: a few neighbours swapped, and one junk row in the middle
    for _ in range(max(1, len(body) // 8)):
        i = rng.randrange(len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
    body.insert(len(body) // 2, ["", "", "", "https://x.com/lumitea/status/undefined"] + [0] * 13)
    name = f"account_analytics_content_{world.start.isoformat()}_{world.end.isoformat()}.csv"
    paths.append(_write_csv(out / name, [header, *body], trailing_newline=False))
    return paths


# ---------------------------------------------------------------------------------------------------
# 2-3. Instagram (Meta Business Suite content export + UTF-16 daily series)

_IG_ACCOUNT_ID = "17841452086317405"
_IG_EXPORT_ID = "1027743018652201"
_SHORTCODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def _write_instagram(world: _World, out: Path) -> list[Path]:
    rng = _rng(world.seed, "instagram")
    ch = _simulate(world, _SPECS["instagram"], rng)
    paths = [
        _write_utf16_series(out / "Instagram follows.csv", "Instagram follows",
                            [(_meta_stamp(world.day(d)), ch.gained[d]) for d in range(world.days)]),
        _write_utf16_series(out / "Instagram reach.csv", "Instagram reach",
                            [(_meta_stamp(world.day(d)), ch.daily["reach"][d]) for d in range(world.days)]),
    ]
    header = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
              "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes",
              "Shares", "Comments", "Saves", "Follows"]
    rows: list[list[object]] = [header]
    ig_type = {"video": "IG reel", "image": "IG image", "carousel": "IG carousel"}
    for post in sorted(ch.posts, key=lambda p: p.at):
        m = post.m
        pid = "18" + "".join(rng.choices("0123456789", k=15))
        code = "D" + "".join(rng.choices(_SHORTCODE, k=10))
        link = f"https://www.instagram.com/{'reel' if post.kind == 'video' else 'p'}/{code}/"
        text = _en_text(rng, post.flag, multiline=True)
        publish = f"{post.at.month:02d}/{post.at.day:02d}/{post.at.year} {post.at.hour:02d}:{post.at.minute:02d}"
        rows.append([pid, _IG_ACCOUNT_ID, "lumitea.official", DEMO_BRAND, text, post.duration, publish, link,
                     ig_type[post.kind], "", "Lifetime", m["views"], m["reach"], m["likes"], m["shares"],
                     m["comments"], m["saves"], "" if post.kind == "video" else m["follows"]])
    name = f"{_mdy(world.start, True)}_{_mdy(world.end, True)}_{_IG_EXPORT_ID}.csv"
    paths.append(_write_meta_csv(out / name, rows))
    return paths


# ---------------------------------------------------------------------------------------------------
# 4. TikTok Studio

def _write_tiktok(world: _World, out: Path) -> list[Path]:
    rng = _rng(world.seed, "tiktok")
    ch = _simulate(world, _SPECS["tiktok"], rng)
    dl = ch.daily
    days = range(world.days)
    overview = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]]
    overview += [[_yearless(world.day(d)), dl["views"][d], dl["profile_visits"][d], dl["likes"][d],
                  dl["comments"][d], dl["shares"][d]] for d in days]
    history = [["Date", "Followers", "Difference in followers from previous day"]]
    history += [[_yearless(world.day(d)), "undefined" if d < 2 else ch.followers[d], ch.gained[d] - ch.lost[d]]
                for d in days]
    content = [["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
                "Total views"]]
    for post in _export_order(ch.posts):
        vid = (int(post.at.replace(tzinfo=LOCAL_TZ).timestamp()) << 32) | rng.getrandbits(32)
        title = "" if rng.random() < 0.06 and not post.flag else _en_text(rng, post.flag, False)
        content.append([_yearless(world.end), title, f"https://www.tiktok.com/@lumitea/video/{vid}",
                        _yearless(post.at.date()), post.m["likes"], post.m["comments"], post.m["shares"],
                        post.m["views"]])
    opts = {"bom": True, "quote_all": True, "trailing_newline": False}
    return [_write_csv(out / "Overview.csv", overview, **opts),
            _write_csv(out / "FollowerHistory.csv", history, **opts),
            _write_csv(out / "Content.csv", content, **opts)]


# ---------------------------------------------------------------------------------------------------
# 5. Xiaohongshu

def _write_xiaohongshu(world: _World, out: Path) -> list[Path]:
    rng = _rng(world.seed, "xiaohongshu")
    ch = _simulate(world, _SPECS["xiaohongshu"], rng)
    n = world.days
    last = list(range(n - 1, max(-1, n - 31), -1))  # newest first, up to 30 days ending at `end`
    prev = list(range(max(0, n - 31), max(0, n - 61), -1)) if n > 30 else []
    visitors = ch.daily["profile_visits"]

    def total(series: Sequence[int], idx: Iterable[int]) -> int:
        return sum(series[i] for i in idx)

    def change(cur: float, before: float) -> float:
        return float(round((cur - before) / before * 100)) if before else 0.0

    cur_g, cur_l, cur_v = total(ch.gained, last), total(ch.lost, last), total(visitors, last)
    pre_g, pre_l, pre_v = total(ch.gained, prev), total(ch.lost, prev), total(visitors, prev)
    rate_c = round(cur_g / cur_v * 100, 1) if cur_v else 0.0
    rate_p = round(pre_g / pre_v * 100, 1) if pre_v else 0.0
    summary: list[list[object]] = [
        ["指标", "数值"], ["净涨粉", float(cur_g - cur_l)], ["新增关注", float(cur_g)], ["取消关注", float(cur_l)],
        ["主页访客", float(cur_v)], ["主页转粉率(%)", rate_c], ["净涨粉环比(%)", change(cur_g - cur_l, pre_g - pre_l)],
        ["新增关注环比(%)", change(cur_g, pre_g)], ["取消关注环比(%)", change(cur_l, pre_l)],
        ["主页访客环比", change(cur_v, pre_v)], ["主页转粉率环比(%)", change(rate_c, rate_p)],
    ]

    def trend(values: Callable[[int], object]) -> list[list[object]]:
        return [["日期", "数值"]] + [[_cn_date(world.day(i)), values(i)] for i in last]

    sheets = [
        _Sheet("账号总体涨粉数据", summary),
        _Sheet("净涨粉趋势", trend(lambda i: float(ch.gained[i] - ch.lost[i]))),
        _Sheet("新增关注趋势", trend(lambda i: float(ch.gained[i]))),
        _Sheet("取消关注趋势", trend(lambda i: float(ch.lost[i]))),
        _Sheet("主页访客趋势", trend(lambda i: float(visitors[i]))),
        _Sheet("主页转粉率趋势", trend(lambda i: f"{round(ch.gained[i] / visitors[i] * 100) if visitors[i] else 0}%")),
    ]
    paths = [_write_xlsx(out / "近30日涨粉数据.xlsx", sheets, world.stamp)]

    header = ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "封面点击率", "点赞", "评论", "收藏", "涨粉", "分享",
              "人均观看时长", "弹幕"]
    note = "最多导出排序后前1000条笔记"
    rows: list[list[object]] = [[note] + [None] * (len(header) - 1), header]
    for post in _export_order(ch.posts):
        m = post.m
        watch = float(rng.randint(12, 95) if post.kind == "image" else round(post.duration * rng.uniform(0.3, 0.7)))
        danmaku = float(rng.randint(0, 4)) if post.kind == "video" else 0.0
        ctr = round(rng.uniform(0.22, 0.3) if post.flag == "viral" else rng.uniform(0.06, 0.2), 3)
        rows.append([_zh_title(rng, post.flag), _cn_datetime(post.at), "视频" if post.kind == "video" else "图文",
                     float(m["impressions"]), float(round(m["impressions"] * ctr)), ctr, float(m["likes"]),
                     float(m["comments"]), float(m["saves"]), float(m["follows"]), float(m["shares"]), watch,
                     danmaku])
    paths.append(_write_xlsx(out / "笔记列表明细表.xlsx", [_Sheet("Sheet1", rows, f"A1:{chr(64 + len(header))}1")],
                             world.stamp))
    return paths


# ---------------------------------------------------------------------------------------------------
# 6. Douyin

def _write_douyin(world: _World, out: Path) -> list[Path]:
    rng = _rng(world.seed, "douyin")
    ch = _simulate(world, _SPECS["douyin"], rng)
    days = range(world.days)

    def daily(name: str, label: str, values: Sequence[int]) -> Path:
        rows = [["日期", label]] + [[world.day(d).isoformat(), values[d]] for d in days]
        return _write_xlsx(out / name, [_Sheet("Sheet1", rows)], world.stamp)

    net = [g - lo for g, lo in zip(ch.gained, ch.lost, strict=True)]
    paths = [daily("daily_total_followers.xlsx", "总粉丝量", ch.followers),
             daily("daily_new_followers.xlsx", "净增粉丝", net),
             daily("daily_views.xlsx", "播放量", ch.daily["views"])]

    header = ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率", "封面点击率", "2s跳出率",
              "平均播放时长", "点赞量", "分享量", "评论量", "收藏量", "主页访问量", "粉丝增量"]
    rows: list[list[object]] = [header]
    for post in _export_order(ch.posts):
        m = post.m
        title = _zh_title(rng, post.flag, _VIRAL_VIDEO_ZH)
        name = f"{title} {rng.choice(_ZH_BODIES)}\n{rng.choice(_ZH_TAGS)}"
        if post.kind == "video":
            genre = "1min-视频" if post.duration <= 60 else "1-3min视频"
            finish = rng.uniform(0.04, 0.3) * (1.6 if post.flag == "viral" else 1.0)
            five = min(0.95, finish + rng.uniform(0.1, 0.3))
            avg = post.duration * rng.uniform(0.2, 0.55)
            cover = "-" if rng.random() < 0.3 else f"{rng.uniform(0.03, 0.16):.6f}"
        else:
            genre, finish = "图文", rng.uniform(0.05, 0.4)
            five, avg, cover = finish, rng.uniform(3, 11), "-"
        rows.append([name, post.at.strftime("%Y-%m-%d %H:%M:%S"), genre, "公开", m["views"], f"{finish:.6f}",
                     f"{five:.6f}", cover, f"{rng.uniform(0.3, 0.6):.6f}", f"{avg:.6f}", m["likes"], m["shares"],
                     m["comments"], m["saves"], m["profile_visits"], m["follows"]])
    paths.append(_write_xlsx(out / "作品列表导出.xlsx", [_Sheet("Sheet1", rows)], world.stamp, all_text=True))
    return paths


# ---------------------------------------------------------------------------------------------------
# 7. WeChat Channels + Official Account

_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _write_wechat(world: _World, out: Path) -> list[Path]:
    rng = _rng(world.seed, "wechat_channels")
    ch = _simulate(world, _SPECS["wechat_channels"], rng)
    header = ["视频描述", "视频ID", "发布时间", "完播率", "平均播放时长", "播放量", "推荐", "喜欢", "评论量", "分享量", "关注量",
              "转发聊天和朋友圈", "设为铃声", "设为状态", "设为朋友圈封面"]
    rows: list[list[object]] = [header]
    for post in _export_order(ch.posts):
        m = post.m
        desc = f"{_zh_title(rng, post.flag, _VIRAL_VIDEO_ZH)} {rng.choice(_ZH_TAGS)}"
        vid = "export/UzFfAgtgekIEAQAAAAAA" + "".join(rng.choices(_ID_CHARS, k=46))
        rec = round(m["likes"] * rng.uniform(0.3, 0.5))
        rows.append([desc, vid, post.at.strftime("%Y/%m/%d"), f"{rng.uniform(6, 24):.2f}%",
                     f"{post.duration * rng.uniform(0.25, 0.6):.2f}秒", m["views"], rec, m["likes"] - rec,
                     m["comments"], m["shares"], m["follows"], round(m["shares"] * rng.uniform(0.4, 0.8)),
                     int(rng.random() < 0.04), int(rng.random() < 0.06), int(rng.random() < 0.03)])
    paths = [_write_csv(out / "视频号动态数据明细.csv", rows, bom=True, quote_all=True, eol="\r\n")]

    oa = _simulate(world, _SPECS["wechat_oa"], _rng(world.seed, "wechat_oa"))
    cells = "".join(f"<th>{h}</th>" for h in ("时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数"))
    lines = [
        "<html>", "<head>", '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "</head>",
        "<body>", '<table border="1">',
        f'<tr><td colspan="5">{escape(f"用户增长 {world.start.isoformat()} 至 {world.end.isoformat()}")}</td></tr>',
        f"<tr>{cells}</tr>",
    ]
    for d in reversed(range(world.days)):
        vals = (world.day(d).isoformat(), oa.gained[d], oa.lost[d], oa.gained[d] - oa.lost[d], oa.followers[d])
        lines.append("<tr>" + "".join(f"<td>{v}</td>" for v in vals) + "</tr>")
    lines += ["</table>", "</body>", "</html>", ""]
    paths.append(_write(out / "user_analysis.xls", "\n".join(lines).encode("utf-8")))
    return paths


# ---------------------------------------------------------------------------------------------------
# 8-9. Ads

@dataclass(frozen=True)
class _Campaign:
    name: str
    kind: str  # Google: Search | Video | Performance Max
    budget: float  # daily, CNY
    cpm: float
    ctr: float
    cvr: float
    aov: float  # average order value for Meta purchase value
    first_day: float  # fraction of the period
    last_day: float


_GOOGLE = (
    _Campaign("Search - Brand - Lumi Tea", "Search", 120.0, 130.0, 0.095, 0.07, 0, 0.0, 1.0),
    _Campaign("Search - Generic - Oolong & Gift Tea", "Search", 260.0, 95.0, 0.031, 0.013, 0, 0.0, 1.0),
    _Campaign("Video - Brand Story", "Video", 150.0, 24.0, 0.004, 0.0004, 0, 0.0, 0.84),
    _Campaign("PMax - Tea Shop", "Performance Max", 300.0, 38.0, 0.013, 0.026, 0, 0.3, 1.0),
)

# (campaign, ad set, ad, result indicator)
_META_ADS = (
    ("Gift Sets | Sales", "Tea lovers 25-45", "Osmanthus Oolong carousel",
     "actions:offsite_conversion.fb_pixel_purchase"),
    ("Gift Sets | Sales", "Lookalike 1% buyers", "Gift box reel", "actions:offsite_conversion.fb_pixel_purchase"),
    ("Matcha Launch | Traffic", "Interest: matcha & wellness", "Matcha latte video", "actions:link_click"),
    ("Matcha Launch | Traffic", "Interest: matcha & wellness", "Matcha static 1:1", "actions:link_click"),
    ("Brand Reels | Awareness", "Broad 18-44", "Tea garden reel", "reach"),
)
_META_CAMPAIGNS = {
    "Gift Sets | Sales": _Campaign("Gift Sets | Sales", "", 220.0, 45.0, 0.014, 0.045, 236.0, 0.0, 1.0),
    "Matcha Launch | Traffic": _Campaign("Matcha Launch | Traffic", "", 180.0, 28.0, 0.021, 0.004, 118.0, 0.28,
                                         0.72),
    "Brand Reels | Awareness": _Campaign("Brand Reels | Awareness", "", 90.0, 12.0, 0.0035, 0.0, 0.0, 0.0, 1.0),
}


@dataclass
class _AdDay:
    cost_cents: list[int]
    impressions: list[int]
    clicks: list[int]
    conversions: list[float]
    value_cents: list[int]


def _simulate_ad(world: _World, camp: _Campaign, rng: random.Random, share: float = 1.0) -> _AdDay:
    n = world.days
    res = _AdDay([0] * n, [0] * n, [0] * n, [0.0] * n, [0] * n)
    first, last = int(camp.first_day * n), int(camp.last_day * n)
    for d in range(n):
        if not first <= d < last:
            continue
        wf = _WEEKDAY_FACTOR[world.day(d).weekday()]
        spend = camp.budget * share * rng.uniform(0.78, 1.0) * (wf if camp.kind != "Search" else 1.0)
        impressions = round(spend / camp.cpm * 1000 * rng.uniform(0.85, 1.15))
        clicks = _poisson(rng, impressions * camp.ctr * rng.uniform(0.85, 1.15))
        conv = _poisson(rng, clicks * camp.cvr * world.season(d))
        if camp.kind == "Performance Max" and conv:
            conv = conv + rng.choice((0.0, 0.0, 0.5))  # data-driven attribution gives fractions
        res.cost_cents[d] = round(spend * 100)
        res.impressions[d] = impressions
        res.clicks[d] = clicks
        res.conversions[d] = float(conv)
        res.value_cents[d] = round(conv * camp.aov * rng.uniform(0.8, 1.25) * 100)
    return res


def _month_spans(world: _World) -> list[tuple[int, int]]:
    """(first, last) day indexes of each calendar month the period touches."""
    spans: list[tuple[int, int]] = []
    d = 0
    while d < world.days:
        day = world.day(d)
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        last = min(world.days - 1, (nxt - world.start).days - 1)
        spans.append((d, last))
        d = last + 1
    return spans


def _google_ads(world: _World) -> list[_AdDay]:
    return [_simulate_ad(world, c, _rng(world.seed, f"google:{c.name}")) for c in _GOOGLE]


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _write_google(world: _World, out: Path, sims: list[_AdDay]) -> list[Path]:
    header = ["Campaign status", "Campaign", "Budget", "Budget name", "Budget type", "Status", "Status reasons",
              "Campaign type", "Impr.", "CTR", "Currency code", "Cost", "Clicks", "Conv. rate", "Conversions",
              "Avg. CPC", "Cost / conv."]
    paths = []
    for a, b in _month_spans(world):
        rows: list[list[object]] = [header]
        totals: dict[str, list[int | float]] = {}

        def metrics(impr: int, cost: int, clicks: int, conv: float) -> list[object]:
            return [_thousands(impr), _pct(clicks, impr) if impr else " --", CURRENCY, _money(cost),
                    _thousands(clicks), _pct(conv, clicks), f"{conv:.2f}",
                    f"{cost / 100 / clicks:.2f}" if clicks else "0", f"{cost / 100 / conv:.2f}" if conv else "0.00"]

        for camp, sim in zip(_GOOGLE, sims, strict=True):
            impr = sum(sim.impressions[a: b + 1])
            cost = sum(sim.cost_cents[a: b + 1])
            clicks = sum(sim.clicks[a: b + 1])
            conv = sum(sim.conversions[a: b + 1])
            ended = b >= int(camp.last_day * world.days)
            if ended:
                state, status, reasons = "Paused", "Paused", "campaign paused"
            elif camp.name.startswith("Search - Generic"):
                state, status, reasons = "Enabled", "Limited by budget", "budget constrained"
            elif impr == 0:
                state, status, reasons = "Enabled", "Eligible", "no recent impressions"
            else:
                state, status, reasons = "Enabled", "Eligible", ""
            rows.append([state, camp.name, f"{camp.budget:.2f}", " --", "Daily", status, reasons, camp.kind,
                         *metrics(impr, cost, clicks, conv)])
            for key in ("Campaigns", "Account", camp.kind):
                acc = totals.setdefault(key, [0, 0, 0, 0.0])
                acc[0] += impr
                acc[1] += cost
                acc[2] += clicks
                acc[3] += conv
        t = totals["Campaigns"]
        rows.append(["Total: Campaigns", " --", " --", " --", " --", " --", "", " --",
                     *metrics(int(t[0]), int(t[1]), int(t[2]), float(t[3]))])
        t = totals["Account"]
        rows.append(["Total: Account", "", "", "", "", "", "", "", *metrics(int(t[0]), int(t[1]), int(t[2]), float(t[3]))])
        for kind in dict.fromkeys(c.kind for c in _GOOGLE):
            t = totals[kind]
            rows.append([f"Total: {kind}", "", "", "", "", "", "", kind,
                         *metrics(int(t[0]), int(t[1]), int(t[2]), float(t[3]))])
        span = f"{_long_date(world.day(a))} - {_long_date(world.day(b))}"
        preamble = "Campaign report\n" + _csv_text([[span]])
        month = world.day(a)
        paths.append(_write_csv(out / f"Campaign report {month.year}-{month.month:02d}.csv", rows,
                                preamble=preamble))
    return paths


def _meta_ads(world: _World) -> list[_AdDay]:
    sims = []
    for i, (camp_name, _, _, _) in enumerate(_META_ADS):
        siblings = sum(1 for c in _META_ADS if c[0] == camp_name)
        sims.append(_simulate_ad(world, _META_CAMPAIGNS[camp_name], _rng(world.seed, f"meta:{i}"), 1 / siblings))
    return sims


def _write_meta_ads(world: _World, out: Path, sims: list[_AdDay]) -> list[Path]:
    header = ["Campaign name", "Ad set name", "Ad name", "Reporting starts", "Reporting ends", "Ad delivery",
              "Attribution setting", "Results", "Result indicator", "Reach", "Impressions", "Cost per results",
              "Amount spent (CNY)", "Link clicks", "Purchases", "Purchases conversion value", "Quality ranking",
              "Engagement rate ranking", "Conversion rate ranking"]
    attribution = "7-day click or 1-day view"
    paths = []
    for a, b in _month_spans(world):
        rng = _rng(world.seed, f"meta-report:{a}")
        starts, ends = world.day(a).isoformat(), world.day(b).isoformat()
        ad_rows: list[list[object]] = []
        tot = [0, 0, 0, 0, 0, 0]  # reach, impressions, spend cents, clicks, purchases, value cents
        for (camp, adset, ad, indicator), sim in zip(_META_ADS, sims, strict=True):
            impr = sum(sim.impressions[a: b + 1])
            if impr == 0:
                continue
            cost = sum(sim.cost_cents[a: b + 1])
            clicks = sum(sim.clicks[a: b + 1])
            purchases = round(sum(sim.conversions[a: b + 1]))
            value = sum(sim.value_cents[a: b + 1])
            reach = round(impr / rng.uniform(1.5, 2.6))
            results = {"reach": reach, "actions:link_click": clicks}.get(indicator, purchases)
            active = b < int(_META_CAMPAIGNS[camp].last_day * world.days)
            ranking = ["-", "-", "-"] if impr < 20000 else [
                rng.choice(("Average", "Above average", "Below average (bottom 35% of ads)")),
                rng.choice(("Average", "Above average")), rng.choice(("Average", "Below average (bottom 35% of ads)"))]
            ad_rows.append([camp, adset, ad, starts, ends, "active" if active else "inactive", attribution,
                            results or None, indicator, reach, impr,
                            round(cost / 100 / results, 8) if results else None, cost / 100, clicks,
                            purchases or None, value / 100 if purchases else None, *ranking])
            for i, v in enumerate((reach, impr, cost, clicks, purchases, value)):
                tot[i] += v
        total_row: list[object] = [None, None, None, starts, ends, None, attribution, None, None,
                                   round(tot[0] * 0.86), tot[1], None, tot[2] / 100, tot[3], tot[4] or None,
                                   tot[5] / 100 if tot[4] else None, None, None, None]
        name = f"Lumi-Tea-Ads-{_mdy(world.day(a), False)}-{_mdy(world.day(b), False)}.xlsx"
        paths.append(_write_xlsx(out / name, [_Sheet("Worksheet", [header, total_row, *ad_rows])], world.stamp))
    return paths


# ---------------------------------------------------------------------------------------------------
# 10. Lifecycle: activity log and orders in the canonical events template

_EVENTS_HEADER = ["event_key", "user_id", "occurred_at", "event_type", "channel", "revenue", "currency",
                  "quantity", "properties"]
_CHANNEL_SHARE = {"xiaohongshu": 0.22, "douyin": 0.15, "wechat": 0.16, "instagram": 0.08, "tiktok": 0.07,
                  "organic": 0.14, "google_ads": 0.10, "meta_ads": 0.08}
_SEGMENTS_SOCIAL = {"one_off": 0.44, "casual": 0.25, "regular": 0.13, "returner": 0.10, "churner": 0.08}
_SEGMENTS_PAID = {"one_off": 0.55, "casual": 0.23, "regular": 0.07, "returner": 0.08, "churner": 0.07}
_SEGMENTS_LOYAL = {"one_off": 0.36, "casual": 0.25, "regular": 0.18, "returner": 0.12, "churner": 0.09}
_SESSION_EVENTS = {"like": 30, "view_product": 22, "check_in": 15, "message": 12, "comment": 10, "add_to_cart": 8}
_PURCHASE_P = {"one_off": 0.0, "casual": 0.05, "regular": 0.036, "returner": 0.055, "churner": 0.04}
_SKUS = {"osmanthus-oolong-100g": 88.0, "white-peach-oolong-100g": 78.0, "jasmine-silver-needle-50g": 128.0,
         "yunnan-gold-100g": 98.0, "ceremonial-matcha-30g": 118.0, "cold-brew-kit": 68.0,
         "mid-autumn-gift-box": 398.0, "tea-sampler-7": 49.0}
_SKU_WEIGHTS = (16, 14, 8, 10, 9, 12, 6, 12)
_HOUR_WEIGHTS = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3, 3, 3.5, 4, 3, 2.5, 2.5, 3, 3, 3.5, 5, 6, 6, 5, 3)
_GROUPS = ("麓米茶友群1", "麓米茶友群2", "Lumi Tea Club", "冷泡茶打卡群")


def _signup_profiles(world: _World, google: list[_AdDay], meta: list[_AdDay], rng: random.Random) -> dict[str, list[float]]:
    n = world.days
    profiles: dict[str, list[float]] = {}
    g_clicks = [sum(s.clicks[d] for s in google) for d in range(n)]
    m_clicks = [sum(s.clicks[d] for s in meta) for d in range(n)]
    for channel in _CHANNEL_SHARE:
        if channel == "google_ads":
            prof = [float(c) for c in g_clicks]
        elif channel == "meta_ads":
            prof = [float(c) for c in m_clicks]
        else:
            prof = []
            for d in range(n):
                w = (1 + 0.7 * d / max(n - 1, 1)) * _WEEKDAY_FACTOR[world.day(d).weekday()] * rng.uniform(0.8, 1.2)
                w *= 1 - 0.35 * world.bad_week(d)
                w *= 1 + 0.3 * (world.season(d) - 1)
                if channel == "xiaohongshu" and 0 <= d - world.viral_xhs < 6:
                    w *= 1 + 6 * 0.55 ** (d - world.viral_xhs)
                if channel in ("tiktok", "douyin") and 0 <= d - world.viral_video < 6:
                    w *= 1 + 7 * 0.55 ** (d - world.viral_video)
                prof.append(w)
        s = sum(prof) or 1.0
        profiles[channel] = [p / s for p in prof]
    return profiles


def _session_days(world: _World, rng: random.Random, segment: str, first: int) -> list[int]:
    """Day indexes of the sessions after the sign-up session."""
    n = world.days

    def run(start: int, stop: int, mean_gap: float) -> list[int]:
        out, d = [], start
        while True:
            d += max(1, round(rng.expovariate(1 / mean_gap)))
            if d >= min(stop, n):
                return out
            out.append(d)

    if segment == "one_off":
        return [first + rng.randint(1, 2)] if rng.random() < 0.3 and first + 2 < n else []
    if segment == "casual":
        return run(first, first + rng.randint(5, 35), 5.5)
    if segment == "regular":
        stop = n
        if first < world.bad_day and rng.random() < 0.12:  # lost to the price-increase week
            stop = world.bad_day + rng.randint(0, 6)
        return run(first, stop, rng.uniform(2.0, 5.0))
    if segment == "returner":
        phase1 = first + rng.randint(7, 25)
        back = phase1 + rng.randint(28, 70)
        return run(first, phase1, 3.0) + [back] * (back < n) + run(back, back + rng.randint(10, 45), 4.0)
    return run(first, first + rng.randint(25, 70), 3.0)  # churner


def _write_events(world: _World, out: Path, google: list[_AdDay], meta: list[_AdDay]) -> list[Path]:
    rng = _rng(world.seed, "events")
    n = world.days
    target = round(4000 * n / 182)
    profiles = _signup_profiles(world, google, meta, rng)
    # (minute offset from period start, user index, event type, properties, order fields)
    activity: list[tuple[int, int, str, str]] = []
    orders: list[tuple[int, int, float, int, str]] = []
    users: list[tuple[str, str]] = []  # (user id, channel)

    def minute_of(day: int) -> int:
        hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
        return day * 1440 + hour * 60 + rng.randrange(60)

    signups: list[tuple[int, str]] = []
    for channel, share in _CHANNEL_SHARE.items():
        for d, p in enumerate(profiles[channel]):
            for _ in range(_poisson(rng, target * share * p)):
                signups.append((minute_of(d), channel))
    signups.sort()

    for t0, channel in signups:
        uid = len(users)
        users.append((f"U{100001 + uid}", channel))
        paid = channel in ("google_ads", "meta_ads")
        mix = _SEGMENTS_PAID if paid or channel == "tiktok" else (
            _SEGMENTS_LOYAL if channel in ("wechat", "organic") else _SEGMENTS_SOCIAL)
        segment = _weighted(rng, mix)
        props = {"google_ads": '{"utm_source":"google","utm_medium":"cpc"}',
                 "meta_ads": '{"utm_source":"meta","utm_medium":"paid_social"}'}.get(channel, "")
        activity.append((t0, uid, "signup", props))
        t = t0
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            t += rng.randint(1, 6)
            activity.append((t, uid, rng.choice(("view_product", "like", "view_product")), ""))
        first_buy = (0.12 if paid else 0.05) * world.season(t0 // 1440)
        buy_p = _PURCHASE_P[segment]
        joined = False
        sessions = [(t, first_buy)] + [(minute_of(d), buy_p) for d in _session_days(world, rng, segment, t0 // 1440)]
        for i, (start, p) in enumerate(sessions):
            t = start if i else start + 1
            if i:
                for _ in range(1 + rng.choice((0, 0, 1, 1, 2, 3))):
                    kind = _weighted(rng, _SESSION_EVENTS)
                    if kind == "message" and not joined and rng.random() < 0.5:
                        kind, joined = "join_group", True
                    props = ""
                    if kind == "join_group":
                        props = json.dumps({"group": rng.choice(_GROUPS)}, ensure_ascii=False, separators=(",", ":"))
                    elif kind == "check_in":
                        props = json.dumps({"streak": rng.randint(1, 30)}, separators=(",", ":"))
                    elif kind in ("view_product", "add_to_cart"):
                        props = json.dumps({"sku": rng.choices(list(_SKUS), weights=_SKU_WEIGHTS)[0]},
                                           separators=(",", ":"))
                    activity.append((t, uid, kind, props))
                    t += rng.randint(1, 9)
            if rng.random() < p * world.season(start // 1440):
                sku = rng.choices(list(_SKUS), weights=_SKU_WEIGHTS)[0]
                sku_props = json.dumps({"sku": sku}, separators=(",", ":"))
                activity.append((t, uid, "add_to_cart", sku_props))
                t += rng.randint(1, 12)
                qty = rng.choices((1, 2, 3, 4), weights=(68, 22, 7, 3))[0]
                revenue = _SKUS[sku] * qty
                coupon = rng.random() < 0.2
                if coupon:
                    revenue = round(revenue * 0.9, 2)
                order_props = {"sku": sku, **({"coupon": "LUMI10"} if coupon else {})}
                orders.append((t, uid, revenue, qty, json.dumps(order_props, separators=(",", ":"))))
                t += 1

    start_dt = datetime(world.start.year, world.start.month, world.start.day)
    limit = n * 1440

    def stamp(minute: int, salt: int) -> str:
        return (start_dt + timedelta(minutes=minute, seconds=salt % 60)).strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"

    activity = [e for e in activity if e[0] < limit]
    orders = [o for o in orders if o[0] < limit]
    activity.sort(key=lambda e: (e[0], e[1], e[2] != "signup"))
    orders.sort(key=lambda o: (o[0], o[1]))

    rows: list[list[object]] = [_EVENTS_HEADER]
    for i, (minute, uid, kind, props) in enumerate(activity):
        seconds = 0 if kind == "signup" else 7 + i % 53  # the sign-up is always a user's first second
        user, channel = users[uid]
        rows.append([f"evt_{i + 1:07d}", user, stamp(minute, seconds), kind, channel, "", "", "", props])
    paths = [_write_csv(out / "activity_log.csv", rows)]

    rows = [_EVENTS_HEADER]
    per_day: dict[int, int] = {}
    for minute, uid, revenue, qty, props in orders:
        day = minute // 1440
        per_day[day] = per_day.get(day, 0) + 1
        user, channel = users[uid]
        key = f"LT{world.day(day):%Y%m%d}{per_day[day]:04d}"
        rows.append([key, user, stamp(minute, 30 + per_day[day] % 29), "purchase", channel, f"{revenue:.2f}",
                     CURRENCY, qty, props])
    paths.append(_write_csv(out / "orders.csv", rows))
    return paths


# ---------------------------------------------------------------------------------------------------

def generate_demo_files(out_dir: Path, end: date, seed: int = 20261124, days: int = 182) -> list[Path]:
    """Write the demo workspace's export files into `out_dir`; return them in import order.

    The data covers `end - days + 1` .. `end` inclusive. Same (end, seed, days) -> identical bytes.
    """
    if days < 14:
        raise ValueError("the demo needs at least 14 days")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = _make_world(end, seed, days)
    google, meta = _google_ads(world), _meta_ads(world)
    paths: list[Path] = []
    paths += _write_x(world, out)
    paths += _write_instagram(world, out)
    paths += _write_tiktok(world, out)
    paths += _write_xiaohongshu(world, out)
    paths += _write_douyin(world, out)
    paths += _write_wechat(world, out)
    paths += _write_google(world, out, google)
    paths += _write_meta_ads(world, out, meta)
    paths += _write_events(world, out, google, meta)
    return paths
