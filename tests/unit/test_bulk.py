"""The bulk path (ingest/bulk.py) gives exactly what the row-by-row interpreter gives.

Every sample export, every malformed upload and a set of generated files are imported twice, into
two stores: once row by row, once with the bulk path allowed for any size. Results (status,
counts, every warning and skipped row with its line and column) and the stored rows must be equal.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from dashboard.ingest import bulk
from dashboard.ingest import values as v
from dashboard.ingest.normalise import ImportContext, _is_total_row, _parse
from dashboard.ingest.pipeline import import_bytes
from dashboard.ingest.spec import ExportSpec, Field
from dashboard.settings import set_setting
from dashboard.store.db import Store
from dashboard.store.schema import CANONICAL
from tests.conftest import SAMPLES, TODAY
from tests.fixtures.malformed import CASES

_SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix.lower() != ".md")


def _stores(tmp_path: Path, tz: str = "UTC") -> tuple[Store, Store]:
    slow, fast = Store(tmp_path / "slow.duckdb"), Store(tmp_path / "fast.duckdb")
    for store in (slow, fast):
        set_setting(store, "timezone", tz)
        set_setting(store, "pseudonym_salt", "one salt for both")
    return slow, fast


def _summary(results) -> list[tuple]:
    return [(r.file, r.status, r.platform, r.kind, r.account, r.rows_read, r.rows_inserted, r.rows_updated,
             r.rows_skipped, r.error, r.warnings) for r in results]


def _contents(store: Store) -> dict[str, list[tuple]]:
    out = {}
    for name, table in CANONICAL.items():
        # metrics_as_of defaults to the moment of the import, which differs between the two stores
        cols = ", ".join("CASE WHEN metrics_as_of > now() - INTERVAL 1 HOUR THEN NULL ELSE metrics_as_of END"
                         if c == "metrics_as_of" else f'"{c}"' for c in table.columns if c != "import_id")
        out[name] = store.rows(f'SELECT {cols} FROM "{name}" ORDER BY ALL')
    return out


def both_ways(tmp_path: Path, monkeypatch, files: list[tuple[str, bytes]], tz: str = "UTC",
              **options) -> tuple[list, list, int]:
    """Import the files both ways; returns (slow results, fast results, files the bulk path took)."""
    slow, fast = _stores(tmp_path, tz)
    taken = 0
    original = bulk._bulk

    def counting(*args, **kwargs):
        nonlocal taken
        result = original(*args, **kwargs)
        taken += 1
        return result

    try:
        monkeypatch.setattr(bulk, "BULK_MIN_BYTES", 1 << 60)
        slow_results = [r for name, data in files for r in import_bytes(slow, name, data, today=TODAY, **options)]
        monkeypatch.setattr(bulk, "BULK_MIN_BYTES", 0)
        monkeypatch.setattr(bulk, "_bulk", counting)
        fast_results = [r for name, data in files for r in import_bytes(fast, name, data, today=TODAY, **options)]
        assert _summary(fast_results) == _summary(slow_results)
        assert _contents(fast) == _contents(slow)
    finally:
        slow.close()
        fast.close()
    return slow_results, fast_results, taken


def test_every_sample_file_imports_the_same_both_ways(tmp_path, monkeypatch):
    files = [(p.name, p.read_bytes()) for p in _SAMPLE_FILES]
    _, _, taken = both_ways(tmp_path, monkeypatch, files, tz="Asia/Shanghai")
    assert taken >= 3  # the plain CSV samples did take the bulk path


@pytest.mark.parametrize("case", [c for c in CASES if len(c.data) < 5_000_000], ids=lambda c: c.name)
def test_malformed_uploads_end_the_same_both_ways(tmp_path, monkeypatch, case):
    options = {"max_bytes": case.max_bytes} if case.max_bytes else {}
    both_ways(tmp_path, monkeypatch, [(case.name, case.data)], **options)


def _posts_csv(rows: list[list[str]], header: list[str] | None = None, delimiter: str = ",",
               newline: str = "\n", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header or ["platform", "account", "post_id", "published_at", "title", "text", "likes",
                               "comments", "shares", "completion_rate", "watch_time_s", "is_paid", "url",
                               "content_type", "metrics_as_of"])
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


_ODD_CELLS = {
    "published_at": ["2026-03-08 02:30:00", "2026-11-01 01:30", "2026-02-30 10:00:00", "2026-3-5", "2026/03/05 10:00",
                     "2026-03-05T10:00:00", "2026-03-05 10:00:00+08:00", "Mar 5, 2026", "", "-", "2099-01-01",
                     "2026-11-26 00:00:00", "2026-11-27 00:00:00", "not a date", "1999-12-31 23:59:59"],
    "title": ["", "  padded  ", "&amp; entity", "Null", "NULL", "n/a", "—", "标题", "e\u0301", "caf\u00e9 long title",
              "\ufefftitle", "tab\tinside", "=SUM(A1)", '"quoted"', "x" * 200, "新品上市 第1期，欢迎", "茶 \U0001f375",
              "\u3000全角空格", "标题\u3000", "\uac00\u11a8", "\u212b", "stra\u00dfe", "\uff4e\uff55\uff4c\uff4c", "か\u3099",
              "–"],
    "likes": ["", "0", "-0", "12", "1,234", "1.5", "1.0", "1e3", "-", "< 10", "9223372036854775808", "007", "+5",
              "１２", "12%", "3万"],
    "comments": ["", "5", "abc", "5.0"],
    "shares": ["1", "2", "", "-1"],
    "completion_rate": ["", "35%", "0.35", "35", "1", "1.5", "-12.5%", "< 5%", "100%", "0.000001", "abc", "12,5%"],
    "watch_time_s": ["", "12", "1:30", "90秒", "-3", "12.75"],
    "is_paid": ["", "true", "FALSE", "yes", "是", "maybe", "1", "0.0"],
    "url": ["", "https://example.com/x/1", "https://x.com/acme/status/1"],
    "content_type": ["", "video", "图文", "Reels", "weird"],
    "metrics_as_of": ["", "2026-11-20 10:00:00", "2026-11-21"],
    "platform": ["", "x", "douyin", "Total"],
    "account": ["", "acme", "'quoted'", "  spaced  "],
    "post_id": ["", "p1", "p2", "'123456789012345678", "  p3 ", "undefined", "P1"],
}


def _random_rows(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    order = ["platform", "account", "post_id", "published_at", "title", "text", "likes", "comments", "shares",
             "completion_rate", "watch_time_s", "is_paid", "url", "content_type", "metrics_as_of"]
    rows = []
    for i in range(n):
        row = []
        for name in order:
            if name == "text":
                row.append(rng.choice(["", f"text {i}", "中文正文，带逗号", "a, b", 'say "hi"']))
            elif name == "post_id" and rng.random() < 0.7:
                row.append(f"id{rng.randrange(n)}")
            elif name == "published_at" and rng.random() < 0.6:
                row.append(f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
                           f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}")
            elif name in ("likes", "comments", "shares") and rng.random() < 0.6:
                row.append(str(rng.randrange(10_000)))
            else:
                row.append(rng.choice(_ODD_CELLS[name]))
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_generated_files_with_odd_cells_import_the_same_both_ways(tmp_path, monkeypatch, seed):
    rows = _random_rows(seed, 400)
    files = [("posts.csv", _posts_csv(rows, bom=seed % 2 == 1, newline="\r\n" if seed % 3 == 0 else "\n",
                                      delimiter=";" if seed == 4 else ","))]
    _, _, taken = both_ways(tmp_path, monkeypatch, files, tz="America/New_York" if seed % 2 else "Asia/Shanghai")
    assert taken == 1


def test_a_cell_spanning_lines_leaves_the_file_to_the_interpreter(tmp_path, monkeypatch):
    rows = _random_rows(9, 50)
    rows[20][4] = "line\nbreak"
    _, fast, taken = both_ways(tmp_path, monkeypatch, [("posts.csv", _posts_csv(rows))])
    assert taken == 0 and fast[0].status == "imported"


def test_pseudonymised_events_and_sums_import_the_same_both_ways(tmp_path, monkeypatch):
    events = io.StringIO()
    writer = csv.writer(events, lineterminator="\n")
    writer.writerow(["user_id", "occurred_at", "event_type", "channel", "revenue", "event_key"])
    for i in range(300):
        writer.writerow([f"u{i % 40}", f"2026-10-{1 + i % 28:02d} 1{i % 10}:00:00", ["visit", "purchase"][i % 2],
                         ["douyin", ""][i % 3 == 0], ["", "12.5", "¥30", "abc"][i % 4], ["", f"e{i}"][i % 5 != 0]])
    x = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Shares,Reposts\n" + "".join(
        f"{1000 + i},2026-10-{1 + i % 28:02d} 10:00,tweet {i},https://x.com/acme/status/{1000 + i},"
        f"{i * 10},{i},{i * 2},{['', '3'][i % 2]},{['1', '', '9223372036854775807'][i % 3]}\n" for i in range(200))
    files = [("events.csv", events.getvalue().encode()), ("x_content.csv", x.encode())]
    _, _, taken = both_ways(tmp_path, monkeypatch, files, pseudonymise=True)
    assert taken == 2


def _canonical_pairs_second() -> set[int]:
    """Characters that compose with the one before them (NFC quick check Maybe): the second of a
    two-character canonical decomposition, and the Hangul vowel and trailing jamo."""
    seconds = {*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)}
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            seconds.add(int(decomposition.split()[1], 16))
    return seconds


def test_the_nfc_stable_characters_are_what_the_fast_text_path_assumes():
    seconds = _canonical_pairs_second()
    for low, high in bulk._NFC_STABLE:
        for cp in range(low, high + 1):
            c = chr(cp)
            assert unicodedata.combining(c) == 0 and cp not in seconds, hex(cp)
            assert unicodedata.normalize("NFC", c) == c, hex(cp)
            folded = c.casefold()
            assert not any(x.isascii() for x in folded) and folded not in v.MISSING_TOKENS, hex(cp)
    # a missing token that is not ASCII is one character outside the class, so never a fast text cell
    stable = {cp for low, high in bulk._NFC_STABLE for cp in range(low, high + 1)}
    assert all(len(t) == 1 and ord(t) not in stable for t in v.MISSING_TOKENS if not t.isascii())


def _fast_text(spec_field: Field, cells: list[str], second: bool = False) -> list[tuple[bool, str | None]]:
    mask, value = bulk._fast(spec_field, _SPEC, _CTX, second=second)(pl.col("c"))
    frame = pl.DataFrame({"c": cells}).select(mask.alias("m"), value.alias("v"))
    return list(zip(frame["m"], frame["v"], strict=True))


_SPEC = ExportSpec("custom", "t", "posts", frozenset())
_CTX = ImportContext(file_name="f.csv", tz=ZoneInfo("Asia/Shanghai"), today=TODAY, now=datetime(2026, 11, 24, tzinfo=UTC))
_TEXTS = ["Post 1", "新品上市 第1期，欢迎来店", "茶 \U0001f375", "é", "café", "null", "NULL", "None", "-", "a", "x\ny",
          "e\u0301", "\uac00\u11a8", "\u212b", "\u2126", "straße", "\u3000全角", "全角\u3000", "\u00a0x", "x\u200b",
          "\ufeffx", "a&amp;b", "a\rb", "—", "–", "\uff4e\uff55\uff4c\uff4c", "か\u3099", "\u302a", "\u2329", "\x85x",
          " x", "x ", "\tx", "'quoted'", "a\u200bb", "\u2028", "x\u2028y", "Привет, это длинный заголовок",
          "Łódź", "Cafe\u0301 au lait, long", "Ｕｎｄｅｆｉｎｅｄ", "ǅungla 12345"]


@pytest.mark.parametrize("second", [False, True])
@pytest.mark.parametrize("kind", ["text", "first_line", "id"])
def test_fast_text_cells_are_what_the_parser_gives(kind, second):
    spec_field = Field(headers=("c",), parse=kind)
    taken = []
    for text, (ok, value) in zip(_TEXTS, _fast_text(spec_field, _TEXTS, second), strict=True):
        if ok:
            taken.append(text)
            assert value == _parse(spec_field, text, _SPEC, _CTX), text
    assert len(taken) >= 8  # Chinese text and emoji take the fast path too (ids only when ASCII)
    # other scripts: the distinct values the first pass left, when NFC and longer than any missing token
    assert ("Привет, это длинный заголовок" in taken) == (second and kind != "id")


@pytest.mark.parametrize("kind", ["int", "number", "money", "duration", "rate", "percent", "fraction", "datetime",
                                  "date", "bool"])
def test_fast_masks_of_values_take_no_missing_token(kind):
    tokens = sorted({w for t in v.MISSING_TOKENS for w in (t, t.upper(), t.title())})
    for second in (False, True):
        mask, _ = bulk._fast(Field(headers=("c",), parse=kind), _SPEC, _CTX, second=second)(pl.col("c"))
        assert not pl.DataFrame({"c": tokens}).select(mask.alias("m"))["m"].any()


def test_polars_reads_a_count_only_where_parse_int_reads_the_same():
    """The fast path of a count column is Polars' own integer cast."""
    rng = random.Random(7)
    odd = ["5", "+5", "-5", "007", "-0", "+0", " 5", "5 ", "1_000", "0x10", "0b1", "0o7", "1e3", "1.0", "1.", ".5",
           "+", "-", "--5", "+-5", "١٢", "１２", "²", "5\n", "\t5", "1,000", "9223372036854775807", "9223372036854775808",
           "-9223372036854775808", "-9223372036854775809", "9" * 30, "inf", "NaN", "5\x00", "\u20075", "𝟓"]
    alphabet = "0123456789" * 4 + "+-., _eE\u00a0１"
    cells = odd + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    mask, value = bulk._fast(Field(headers=("c",), parse="int"), _SPEC, _CTX)(pl.col("c"))
    frame = pl.DataFrame({"c": cells}).select(mask.alias("m"), value.alias("v"))
    taken = [(text, parsed) for text, ok, parsed in zip(cells, frame["m"], frame["v"], strict=True) if ok]
    assert len(taken) > 500
    assert all(parsed == v.parse_int(text) for text, parsed in taken)


def test_total_rows_are_the_ones_the_interpreter_skips():
    cells = ["total", "Total", "TOTALS", "  total  ", "total:x", " Total: y", "totalx", "totals:", "subtotal", "total :",
             "合计", "x total", "tOtAl", "total:中文", "  合计 ", "ＴＯＴＡＬ", "\ttotal\n", "\x1ftotals\x0b", "total\x00",
             "\u00a0total", "tota\u017f", "total\u3000", "总计:", ""]
    for frame in (pl.DataFrame({"c0": cells, "c1": ["x"] * len(cells)}),
                  pl.DataFrame({"c0": ["x"] * len(cells), "c1": cells})):
        assert bulk._total_rows(frame).to_list() == [_is_total_row(list(row)) for row in frame.rows()]
