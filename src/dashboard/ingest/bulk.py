"""Large delimited text files, read and normalised column by column: the bulk path.

read.py + normalise.py handle every cell in Python, which is right for the odd export of a few
thousand rows and far too slow for a million-row one. For a large, plain CSV/TSV this module gives
the same Normalised result another way:

* Polars splits the file (every cell as text) instead of the csv module;
* every mapped column is parsed at once: values in the common plain layouts (ASCII digits, ISO
  dates, text without entities or edge spaces) by an exact vectorised equivalent of the parser in
  values.py, every other distinct value by that very parser (normalise._parse);
* the rows in which anything unusual happens (a cell that does not parse or is censored, a totals
  row, a missing key, a date in the future, ...) go through normalise() itself, so their skips and
  warnings are the interpreter's own.

Whenever a precondition does not hold (another encoding, a `sep=` line, a quoted cell spanning
lines, a spec feature handled across rows such as yearless dates, ...) try_bulk returns None and the
caller uses the row-by-row path. tests/unit/test_bulk.py imports every sample and malformed file
both ways and compares the results.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import polars as pl

from dashboard.ingest import values as v
from dashboard.ingest.normalise import (
    _TOTAL_LABELS,
    ImportContext,
    Normalised,
    _account_from_file,
    _account_from_url,
    _file_as_of,
    _file_name_range,
    _is_description_row,
    _is_total_row,
    _parse,
    find_header,
    normalise,
    pseudonym,
)
from dashboard.ingest.read import (
    _FIELD_LIMIT,
    _LINE,
    _OLE_MAGIC,
    Table,
    _csv_rows,
    _is_blank,
    _is_zip,
    _looks_binary,
    _markup_kind,
    _sep_hint,
    _sniff,
    _unsupported_kind,
)
from dashboard.ingest.spec import ExportSpec, Field, header_positions, resolve_field
from dashboard.store.schema import CANONICAL

BULK_MIN_BYTES = 2 * 1024 * 1024  # smaller files take the row-by-row path (tests lower this)
HEAD_BYTES = 1024 * 1024  # decoded for the delimiter sniff and the header search
SNIFF_LINES = 1000  # read._sniff looks at this many lines

_PL_TYPES = {
    "VARCHAR": pl.String, "BIGINT": pl.Int64, "DOUBLE": pl.Float64, "DATE": pl.Date,
    "TIMESTAMPTZ": pl.Datetime("us", "UTC"), "BOOLEAN": pl.Boolean, "JSON": pl.String,
}
# what each parser yields (scaled ints become floats), and what a column type takes without pydantic
# changing or refusing it
_YIELDS = {"text": "str", "first_line": "str", "id": "str", "map": "str", "int": "int", "number": "float",
           "fraction": "float", "percent": "float", "rate": "float", "duration": "float", "money": "float",
           "datetime": "datetime", "date": "date", "bool": "bool"}
_TAKES = {"VARCHAR": {"str"}, "JSON": {"str"}, "BIGINT": {"int"}, "DOUBLE": {"int", "float"},
          "DATE": {"date", "datetime"}, "TIMESTAMPTZ": {"datetime", "date"}, "BOOLEAN": {"bool"}}
_TEXT_KINDS = ("text", "first_line", "id")  # the fast value of these is None where the cell is missing
_DTYPES = {"str": pl.String, "int": pl.Int64, "float": pl.Float64, "datetime": pl.Datetime("us", "UTC"),
           "date": pl.Date, "bool": pl.Boolean}

# Python's str.strip() removes exactly these (str.isspace); clean_text also strips BOM and ZWSP
_SPACES = [cp for cp in range(0x3001) if chr(cp).isspace()]
_WS = "".join(f"\\x{{{cp:x}}}" for cp in _SPACES)
_EDGE = f"[{_WS}\\x{{feff}}\\x{{200b}}]"
_EDGE_POINTS = {*_SPACES, 0xFEFF, 0x200B}

# Characters that unicodedata.normalize("NFC") leaves alone and never combines with a neighbour (NFC
# quick check Yes, combining class 0), and whose casefold holds no ASCII and is no missing token: text
# made of these and ASCII is NFC as it stands, and is a missing token only if it is ASCII.
# Latin-1 (not ß), punctuation, symbols, CJK, kana, Hangul syllables, full-width forms, emoji;
# tests/unit/test_bulk.py checks every one of them against unicodedata.
_NFC_STABLE = ((0xA0, 0xDE), (0xE0, 0xFF), (0x2002, 0x2012), (0x2015, 0x206F), (0x2190, 0x2328),
               (0x232B, 0x27BF), (0x3000, 0x3029), (0x3030, 0x3098), (0x309B, 0x30FF), (0x3400, 0x4DBF),
               (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F300, 0x1FAFF))
_ASCII = ((0x00, 0x7F),)


def _char_class(ranges: tuple[tuple[int, int], ...], excluded: set[int]) -> str:
    """A regex character class of the code points in ranges, less the excluded ones."""
    parts = []
    for low, high in ranges:
        for cut in [*sorted(cp for cp in excluded if low <= cp <= high), high + 1]:
            if low < cut:
                parts.append(f"\\x{{{low:x}}}-\\x{{{cut - 1:x}}}")
            low = cut + 1
    return "[" + "".join(parts) + "]"


def _edges_inside(inner: str, edge: str) -> str:
    """A whole cell of `inner` characters that begins and ends with an `edge` one."""
    return f"^{edge}(?:{inner}*{edge})?$"


# a cell clean_text returns as it is (unless it is a missing token): no entity, no CR, no edge space
_PLAIN_TEXT = _edges_inside(_char_class(_ASCII + _NFC_STABLE, {ord("&"), ord("\r")}),
                            _char_class(_ASCII + _NFC_STABLE, {ord("&"), ord("\r"), *_EDGE_POINTS}))
# an ASCII id without edge spaces
_PLAIN_ID = _edges_inside(_char_class(_ASCII, set()), _char_class(_ASCII, _EDGE_POINTS))


def _case_variants(word: str) -> set[str]:
    out = {""}
    for ch in word:
        out = {p + c for p in out for c in {ch, ch.upper()}}
    return out


# the ASCII spellings whose lower case is a missing token: a hash lookup instead of lowering every cell
_MISSING_ANY_CASE = sorted({w for token in v.MISSING_TOKENS if token.isascii() for w in _case_variants(token)})
# parse_bool's words as written in any case (casefold is lower for ASCII; the others are their own fold)
_BOOL_WORDS = {spelling: value for words, value in ((v._TRUE, True), (v._FALSE, False)) for word in words
               for spelling in (_case_variants(word) if word.isascii() else {word})}


def _is_ascii(c: pl.Expr) -> pl.Expr:
    return c.str.len_bytes() == c.str.len_chars()


def _missing(c: pl.Expr) -> pl.Expr:
    """is_missing for a cell without edge spaces (non-ASCII cells that reach this test are never missing)."""
    return c.is_in(_MISSING_ANY_CASE)


class _Bail(Exception):
    """This file needs the row-by-row path."""


def try_bulk(name: str, data: bytes, specs: list[ExportSpec], ctx: ImportContext,
             min_bytes: int | None = None) -> Normalised | None:
    """The Normalised result of a large plain delimited file, or None: use read + normalise."""
    if len(data) < (BULK_MIN_BYTES if min_bytes is None else min_bytes):
        return None
    try:
        return _bulk(name, data, specs, ctx)
    except _Bail:
        return None


# -- the file -------------------------------------------------------------------------------------

def _text_head(data: bytes) -> tuple[str, int, str, bool]:
    """(encoding, BOM length, decoded head ending at a line break, head is the whole file)."""
    if _is_zip(data) or data.startswith(_OLE_MAGIC) or _unsupported_kind(data):
        raise _Bail
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or b"\x00" in data[:65536]:
        raise _Bail
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):  # a lone CR ends a line for read.py
        raise _Bail
    whole = len(data) - bom <= HEAD_BYTES
    head = data[bom:] if whole else data[bom:bom + HEAD_BYTES]
    if not whole:
        head = head[:head.rfind(b"\n") + 1]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise _Bail from None
    if text.startswith("\ufeff") or not text.strip() or _markup_kind(text):
        raise _Bail
    if (len(text) < 65536 and not whole) or _looks_binary(text):
        raise _Bail
    return ("utf-8-sig" if bom else "utf-8"), bom, text, whole


def _bulk(name: str, data: bytes, specs: list[ExportSpec], ctx: ImportContext) -> Normalised:
    encoding, bom, text, whole = _text_head(data)
    lines = _LINE.findall(text)
    if not lines or _sep_hint(lines[0]) or (not whole and len(lines) <= SNIFF_LINES):
        raise _Bail
    delimiter = _sniff(lines)
    if delimiter is None:
        raise _Bail
    try:
        numbered = _csv_rows(lines[:200], delimiter, 1, csv.QUOTE_MINIMAL)
    except csv.Error:
        raise _Bail from None
    kept = [(number, row) for number, row in numbered if not _is_blank(row)]
    head = Table(name, None, [r for _, r in kept], [n for n, _ in kept], encoding, delimiter)

    found = find_header(head, specs, name)
    if found is None:
        raise _Bail
    spec, header_index = found
    _check_spec(spec)
    header = head.rows[header_index]
    header_line = head.line_numbers[header_index]
    if [c for _, c in _csv_rows([lines[header_line - 1]], delimiter, 1, csv.QUOTE_MINIMAL)] != [header]:
        raise _Bail  # a header cell spanning lines
    if len(head.rows) > header_index + 1 and _is_description_row(head.rows[header_index + 1]):
        raise _Bail
    if len(header) < 2:
        raise _Bail

    offset = bom
    for _ in range(header_line):
        offset = data.find(b"\n", offset) + 1
        if not offset:
            raise _Bail  # nothing under the header
    cells = _split(data, offset, header_line, len(header), delimiter)
    source = name
    return _normalise(spec, header, header_index, head, cells, ctx, source)


def _yields(spec_field: Field) -> str:
    return "float" if spec_field.parse == "int" and spec_field.scale != 1.0 else _YIELDS[spec_field.parse]


def _check_spec(spec: ExportSpec) -> None:
    if (spec.table is None or spec.headerless or spec.keep_rows or spec.sum_duplicates or spec.templates
            or spec.range_from_preamble or spec.anchors):
        raise _Bail
    table = CANONICAL[spec.table]
    for name, spec_field in spec.columns.items():
        yields = _yields(spec_field)
        if name not in table.columns or yields not in _TAKES[table.columns[name]]:
            raise _Bail
        if spec_field.combine == "longest" and yields != "str":
            raise _Bail
    for name, value in spec.constants.items():
        if name not in table.columns or not (value is None or (isinstance(value, str)
                                                               and table.columns[name] in ("VARCHAR", "JSON"))):
            raise _Bail


def _split(data: bytes, offset: int, header_line: int, width: int, delimiter: str) -> pl.DataFrame:
    """Every cell under the header (the lines from byte `offset`) as text, one row per physical line
    (else _Bail), blank rows dropped, `__line` kept."""
    if offset >= len(data):
        raise _Bail
    try:  # skip_lines rather than a slice: no copy of the file
        frame = pl.read_csv(data, skip_lines=header_line, has_header=False,
                            schema={f"c{i}": pl.String for i in range(width)}, separator=delimiter, quote_char='"',
                            truncate_ragged_lines=True, empty_string_is_null=False, raise_if_empty=False,
                            encoding="utf8")
    except Exception:  # noqa: BLE001 - whatever Polars refuses, the csv module decides
        raise _Bail from None
    lines = data.count(b"\n", offset) + (0 if data.endswith(b"\n") else 1)
    if frame.height != lines:  # a quoted cell spanning lines, or quoting Polars reads otherwise
        raise _Bail
    cells = pl.col(frame.columns)
    frame = frame.with_columns(cells.fill_null(""))
    if data.find(b"\r", offset) >= 0:
        frame = frame.with_columns(cells.str.strip_chars_end("\r"))
    if (frame.select(cells.str.len_bytes().max()).max_horizontal().item() or 0) > _FIELD_LIMIT and \
            (frame.select(cells.str.len_chars().max()).max_horizontal().item() or 0) > _FIELD_LIMIT:
        raise _Bail  # csv's field limit: read.py reads such a file another way
    first_line = header_line + 1
    frame = frame.with_row_index("__line", offset=first_line).with_columns(pl.col("__line").cast(pl.Int64))
    blank_cell = f"^[{_WS}]*$"
    maybe = frame.filter(pl.col("c0").str.contains(blank_cell))  # only these can be blank rows
    blanks = maybe.filter(pl.all_horizontal(cells.str.contains(blank_cell)))["__line"]
    if blanks.is_empty():
        return frame
    _check_blank_lines(data[offset:], blanks.to_list(), first_line, delimiter)
    return frame.filter(~pl.col("__line").is_in(blanks.implode()))


def _check_blank_lines(body: bytes, numbers: list[int], first_line: int, delimiter: str) -> None:
    """Blank rows are dropped as read.py drops them, unless cells past the header width held text."""
    raw = body.split(b"\n")
    for number in numbers:
        line = raw[number - first_line].decode("utf-8").rstrip("\r")
        if not all(_is_blank(row) for _, row in _csv_rows([line], delimiter, 1, csv.QUOTE_MINIMAL)):
            raise _Bail


# -- columns --------------------------------------------------------------------------------------

def _zero_fixed(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr == 0).then(pl.lit(0.0)).otherwise(expr)  # values.py turns -0 into 0.0


def _plain_text(c: pl.Expr, normalised: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """clean_text's own result for a cell it does not change: see _PLAIN_TEXT and _NFC_STABLE. With
    normalised (the distinct values left: other scripts), also text without entities, CR or edge
    spaces that is already NFC and longer than any missing token."""
    mask = c.str.contains(_PLAIN_TEXT)
    if normalised:
        plain = (~c.str.contains("[&\r]") & ~c.str.contains(f"^{_EDGE}") & ~c.str.contains(f"{_EDGE}$")
                 & (c.str.len_chars() > 9) & (c.str.normalize("NFC") == c))
        mask = mask | plain
    return mask, pl.when(_missing(c)).then(None).otherwise(c)


def _fast(spec_field: Field, spec: ExportSpec, ctx: ImportContext,
          second: bool = False) -> Callable[[pl.Expr], tuple[pl.Expr, pl.Expr]] | None:
    """(mask, value) expressions: where mask holds, value is exactly what _parse gives. second: the
    costlier layouts too, for the distinct values the first pass left."""
    kind, scale = spec_field.parse, spec_field.scale
    if spec_field.extract:
        return None
    number = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$" if spec.decimal == "." else r"^-?[0-9]{1,15}$"

    def scaled(expr: pl.Expr) -> pl.Expr:
        return expr if scale == 1.0 else expr * scale

    if kind == "text":
        return lambda c: _plain_text(c, second)
    if kind == "first_line":
        def first_line(c: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
            mask, value = _plain_text(c, second)
            return mask & ~c.str.contains("\n"), value
        return first_line
    if kind == "id":
        return lambda c: (c.str.contains(_PLAIN_ID),
                          pl.when(_missing(c)).then(None).otherwise(c.str.strip_chars_start("'")))
    if kind == "int" and scale == 1.0:
        def count(c: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
            # Polars reads exactly [+-]?[0-9]+ within int64 as parse_int does (test_bulk.py pins it)
            value = c.cast(pl.Int64, strict=False)
            return value.is_not_null(), value
        return count
    if kind in ("int", "number", "money"):
        def plain(c: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
            value = _zero_fixed(c.cast(pl.Float64, strict=False))
            return c.str.contains(number), (value if kind == "money" else scaled(value))
        return plain
    if kind == "duration":
        return lambda c: (c.str.contains(r"^[0-9]{1,15}(\.[0-9]{1,15})?$"),
                          scaled(_zero_fixed(c.cast(pl.Float64, strict=False))))
    if kind in ("fraction", "percent", "rate") and spec.decimal == ".":
        rate_scale = {"rate": "auto"}.get(kind, kind)
        return lambda c: _rate(c, rate_scale, scaled, second)
    if kind == "datetime":
        return lambda c: _datetime(c, ctx, second)
    if kind == "date":
        return lambda c: (c.str.contains(r"^[12][0-9]{3}-[0-9]{2}-[0-9]{2}$"),
                          c.str.strptime(pl.Date, "%Y-%m-%d", strict=False))
    if kind == "bool":
        def flag(c: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
            value = c.replace_strict(_BOOL_WORDS, default=None, return_dtype=pl.Boolean)
            return value.is_not_null(), value
        return flag
    return None


def _rate(c: pl.Expr, rate_scale: str, scaled: Callable[[pl.Expr], pl.Expr],
          every_layout: bool) -> tuple[pl.Expr, pl.Expr]:
    """parse_rate. The first pass takes the common '0.35' that stays as it is; every_layout (the
    distinct values left) also '-12.5%' / '35': dividing by 100 moves the decimal point in the text,
    as Decimal does, so the float is the one Python gets."""
    if not every_layout and rate_scale != "percent":
        value = c.cast(pl.Float64, strict=False)
        mask = c.str.contains(r"^-?[0-9]{1,6}(\.[0-9]{1,8})?$")
        if rate_scale == "auto":
            mask = mask & (value.abs() <= 1)
        return mask, scaled(_zero_fixed(value))
    mask = c.str.contains(r"^-?[0-9]{1,6}(\.[0-9]{1,8})?%?$")
    percent = c.str.ends_with("%")
    digits = c.str.strip_suffix("%").str.strip_prefix("-")
    whole = digits.str.extract(r"^([0-9]+)", 1).str.zfill(3)
    fraction = digits.str.extract(r"\.([0-9]+)$", 1).fill_null("")
    plain = digits.cast(pl.Float64, strict=False)
    divided = pl.concat_str([whole.str.head(-2), pl.lit("."), whole.str.tail(2), fraction]).cast(pl.Float64, strict=False)
    divide = percent | (pl.lit(rate_scale == "percent")) | (pl.lit(rate_scale == "auto") & (plain > 1))
    value = pl.when(divide).then(divided).otherwise(plain)
    value = pl.when(c.str.starts_with("-")).then(-value).otherwise(value)
    return mask, scaled(_zero_fixed(value))


def _datetime(c: pl.Expr, ctx: ImportContext, second: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """'2026-03-05 10:00:00' first; with second also '2026-03-05T10:00', '2026-03-05' and the like."""
    mask = c.str.contains(r"^[12][0-9]{3}-[0-9]{2}-[0-9]{2}([ Tt]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$")
    text = c
    if second:
        text = c.str.replace(r"^(.{10})[Tt]", "$1 ")
        text = pl.when(text.str.len_chars() == 10).then(text + " 00:00:00") \
            .when(text.str.len_chars() == 16).then(text + ":00").otherwise(text)
    local = text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)
    return mask, _local_to_utc(local, ctx)


def _local_to_utc(local: pl.Expr, ctx: ImportContext) -> pl.Expr:
    """Wall time in the workspace zone -> UTC as zoneinfo reads it (fold=0: the earlier of two
    readings; a time that does not exist is left to Python)."""
    return local.dt.replace_time_zone(str(ctx.tz), ambiguous="earliest", non_existent="null") \
        .dt.convert_time_zone("UTC")


class _Column:
    """One source column parsed with one field: value, whether the cell failed or was censored, and
    the currency a money cell carried."""

    def __init__(self, value: pl.Series, failed: pl.Series | None, censored: pl.Series | None,
                 currency: pl.Series | None):
        self.value, self.failed, self.censored, self.currency = value, failed, censored, currency


def _parse_columns(cells: pl.DataFrame, jobs: list[tuple[int, Field, str]], spec: ExportSpec,
                   ctx: ImportContext) -> list[_Column]:
    """Parse (column index, field, yielded type) jobs: the vectorised part of all of them in one
    Polars pass, then every other distinct value once with normalise._parse."""
    exprs, plans = [], []
    for k, (index, spec_field, yields) in enumerate(jobs):
        dtype = _DTYPES[yields]
        raw = pl.col(f"c{index}")
        fast = _fast(spec_field, spec, ctx)
        mask, value = pl.lit(False), pl.lit(None, dtype=dtype)
        if fast is not None:
            fast_mask, fast_value = fast(raw)
            try:  # e.g. a time zone Polars does not know: this column goes to Python
                cells.head(1).select(fast_mask.alias("m"), fast_value.cast(dtype).alias("v"))
            except pl.exceptions.PolarsError:
                fast = None
            else:
                mask, value = fast_mask, fast_value.cast(dtype)
        exprs += [mask.alias(f"m{k}"), value.alias(f"v{k}")]
        plans.append((index, spec_field, yields))
    # masks and values first, then what they decide: an eager select would compute a value once
    # for each expression that uses it
    parsed = cells.select(exprs)
    both = pl.concat([cells, parsed], how="horizontal")
    oks = both.select(_ok(pl.col(f"c{index}"), pl.col(f"m{k}"), pl.col(f"v{k}"), spec_field).alias(f"ok{k}")
                      for k, (index, spec_field, _) in enumerate(plans))
    rests = pl.concat([cells, oks], how="horizontal").select(
        pl.col(f"c{index}").filter(~pl.col(f"ok{k}")).unique().implode().alias(f"r{k}")
        for k, (index, _, _) in enumerate(plans)).row(0)
    out = []
    for k, (index, spec_field, yields) in enumerate(plans):
        out.append(_residual(cells[f"c{index}"], oks[f"ok{k}"], parsed[f"v{k}"], rests[k], spec_field, spec,
                             ctx, yields))
    return out


def _ok(raw: pl.Expr, mask: pl.Expr, value: pl.Expr, spec_field: Field) -> pl.Expr:
    """Where the first pass decided a cell. Every parser reads an empty cell as missing. A text cell
    under its mask is missing exactly where its value is null; the other masks take no missing token
    (tests/unit/test_bulk.py), so there a null value is a cell the fast parse could not read."""
    empty = (raw.str.len_bytes() == 0) & value.is_null()
    if spec_field.parse in _TEXT_KINDS:
        return empty | mask
    return empty | (mask & value.is_not_null())


def _residual(raw: pl.Series, ok: pl.Series, value: pl.Series, rest: list[str], spec_field: Field,
              spec: ExportSpec, ctx: ImportContext, yields: str) -> _Column:
    """The values the first pass left: the costlier layouts vectorised over the distinct values,
    every other distinct value parsed by normalise._parse."""
    dtype = _DTYPES[yields]
    money = spec_field.parse == "money"
    distinct = pl.Series("raw", rest, dtype=pl.String)
    found = pl.DataFrame({"raw": distinct, "value": pl.Series([], dtype=dtype).extend_constant(None, len(rest))})
    second = _fast(spec_field, spec, ctx, second=True)
    if second is not None and rest:
        mask, parsed = second(pl.col("raw"))
        try:
            found = distinct.to_frame().select("raw", mask.alias("ok"), parsed.cast(dtype).alias("value")) \
                .filter(pl.col("ok") & (pl.col("value").is_not_null() | _missing(pl.col("raw")))).drop("ok")
        except pl.exceptions.PolarsError:
            found = found.clear()
        else:
            distinct = distinct.filter(~distinct.is_in(found["raw"].implode()))
    else:
        found = found.clear()
    values: dict[str, Any] = {}
    failed: list[str] = []
    censored: list[str] = []
    currencies: dict[str, str] = {}
    for text in distinct.to_list():
        try:
            parsed = _parse(spec_field, text, spec, ctx)
        except v.Censored:
            censored.append(text)
            continue
        except v.CellError:
            failed.append(text)
            continue
        if money:
            parsed, currency = parsed
            if currency:
                currencies[text] = currency
        if isinstance(parsed, v.PartialDate):
            raise _Bail  # yearless dates are resolved across rows
        if parsed is not None:
            values[text] = parsed
    if values:
        found = pl.concat([found, pl.DataFrame({"raw": pl.Series(list(values), dtype=pl.String),
                                                "value": pl.Series(list(values.values()), dtype=dtype)})])
    found = found.filter(pl.col("value").is_not_null())
    if not found.is_empty():
        looked_up = raw.to_frame("raw").join(found, on="raw", how="left", maintain_order="left")["value"]
        value = pl.select(pl.when(ok).then(value).otherwise(looked_up)).to_series()
    currency = None
    if money:
        currency = raw.replace_strict(currencies, default=None, return_dtype=pl.String) if currencies else \
            _full(None, len(raw), pl.String)
    return _Column(value, raw.is_in(failed) if failed else None, raw.is_in(censored) if censored else None,
                   currency)


# -- rows -----------------------------------------------------------------------------------------

def _full(value: Any, n: int, dtype: pl.DataType) -> pl.Series:
    return pl.select(pl.repeat(pl.lit(value, dtype=dtype), n)).to_series()


def _truthy(s: pl.Series) -> pl.Series:
    """Python truthiness of one column's values (None, '' and 0 are false)."""
    if s.dtype == pl.String:
        return s.is_not_null() & (s != "")
    return s.is_not_null()


def _normalise(spec: ExportSpec, header: list[str], header_index: int, head: Table, cells: pl.DataFrame,
               ctx: ImportContext, source: str) -> Normalised:
    table = CANONICAL[spec.table]
    positions = header_positions(header)
    fields = {name: resolve_field(f, positions) for name, f in spec.columns.items()}
    fields = {name: found for name, found in fields.items() if found}
    n = cells.height
    dirty = _total_rows(cells)
    censored_any = _full(False, n, pl.Boolean)
    row: dict[str, pl.Series] = {}
    currency: pl.Series | None = None
    jobs = [(index, spec.columns[name], _yields(spec.columns[name])) for name, found in fields.items()
            for index, _ in found]
    done = iter(_parse_columns(cells, jobs, spec, ctx))
    columns = {name: [next(done) for _ in found] for name, found in fields.items()}
    for name, found in fields.items():
        spec_field = spec.columns[name]
        parsed = columns[name]
        for column in parsed:
            if column.failed is not None:
                dirty = dirty | column.failed
            if column.censored is not None:
                censored_any = censored_any | column.censored
        if spec_field.parse == "money":
            row[name] = parsed[0].value
            if currency is None:  # the first money field decides (row.setdefault in normalise)
                from_header = v.currency_from_header(header[found[0][0]])
                currency = parsed[0].currency.fill_null(from_header) if from_header else parsed[0].currency
        elif spec_field.combine == "sum":
            row[name], overflow = _sum([c.value for c in parsed])
            dirty = dirty | overflow
        elif spec_field.combine == "longest":
            row[name] = _longest([c.value for c in parsed])
        else:
            row[name] = parsed[0].value
    dirty = dirty | censored_any
    row, dirty = _finish(row, currency, spec, table, ctx, dirty, n)
    return _assemble(spec, table, header, header_index, head, cells, row, dirty, ctx, source)


def _sum(columns: list[pl.Series]) -> tuple[pl.Series, pl.Series]:
    total = columns[0]
    overflow = _full(False, len(total), pl.Boolean)
    for column in columns[1:]:
        if total.dtype == pl.Int64:
            limit = 2**62 // len(columns)
            overflow = overflow | (column.abs() > limit).fill_null(False) | (total.abs() > limit).fill_null(False)
        total = pl.select(pl.when(total.is_null()).then(column).when(column.is_null()).then(total)
                          .otherwise(total + column)).to_series()
    return total, overflow


def _longest(columns: list[pl.Series]) -> pl.Series:
    """The first present text of the greatest length (max() keeps the first of equals)."""
    best = _full(None, len(columns[0]), pl.String)
    best_len = _full(-1, len(columns[0]), pl.Int64)
    for column in columns:
        length = pl.select(pl.when(_truthy(column)).then(column.str.len_chars().cast(pl.Int64))
                           .otherwise(-1)).to_series()
        better = length > best_len
        best = pl.select(pl.when(better).then(column).otherwise(best)).to_series()
        best_len = pl.select(pl.when(better).then(length).otherwise(best_len)).to_series()
    return best


def _any_case(word: str) -> str:
    """A regex of an ASCII word in any case (casefold is lower for ASCII)."""
    return "".join(f"[{ch.lower()}{ch.upper()}]" if ch.isalpha() else f"\\x{{{ord(ch):x}}}" for ch in word)


# an ASCII cell _is_total_row takes: an ASCII label between spaces, or 'total:...'
_ASCII_SPACE = _char_class(_ASCII, set(range(0x80)) - set(_SPACES))
_TOTAL_CELL = (f"^{_ASCII_SPACE}*(?:(?:{'|'.join(_any_case(w) for w in sorted(_TOTAL_LABELS) if w.isascii())})"
               f"{_ASCII_SPACE}*$|{_any_case('total:')})")


def _total_rows(cells: pl.DataFrame) -> pl.Series:
    """_is_total_row on the first two cells, exactly (ASCII by Polars, where casefold() is lower(),
    the rest by Python)."""
    firsts = ("c0", "c1")
    checks = cells.select(*(_is_ascii(pl.col(c)).alias(f"ascii {c}") for c in firsts),
                          *(pl.col(c).str.contains(_TOTAL_CELL).alias(f"total {c}") for c in firsts))
    result = _full(False, cells.height, pl.Boolean)
    for column in firsts:
        ascii_cell = checks[f"ascii {column}"]
        others = cells[column].filter(~ascii_cell).unique().to_list()
        totals = [text for text in others if _is_total_row([text])]
        result = result | (ascii_cell & checks[f"total {column}"]) | (cells[column].is_in(totals) if totals else False)
    return result


def _finish(row: dict[str, pl.Series], currency: pl.Series | None, spec: ExportSpec, table, ctx: ImportContext,
            dirty: pl.Series, n: int) -> tuple[dict[str, pl.Series], pl.Series]:
    """_finish_row, column by column; rows that would be skipped become dirty (normalise decides)."""

    def const(value: Any, dtype: pl.DataType) -> pl.Series:
        return _full(value, n, dtype)

    for name, value in spec.constants.items():
        row.setdefault(name, const(value, pl.String))
    if currency is not None and "currency" in table.columns:
        if "currency" in row:
            row["currency"] = pl.select(pl.when(_truthy(row["currency"])).then(row["currency"])
                                        .otherwise(currency)).to_series()
        else:
            row["currency"] = currency
    row["platform"] = _or(row.get("platform"), const(spec.platform, pl.String))
    for name, sql_type in table.columns.items():
        value = row.get(name)
        if value is None:
            continue
        if sql_type == "DATE" and value.dtype == pl.Datetime("us", "UTC"):
            row[name] = value.dt.date()
        elif sql_type == "TIMESTAMPTZ" and value.dtype == pl.Date:
            local = pl.select(_local_to_utc(pl.lit(value).cast(pl.Datetime("us")), ctx)).to_series()
            dirty = dirty | (value.is_not_null() & local.is_null())
            row[name] = local
    date_range = _file_name_range(ctx.file_name) if spec.range_from_file_name else None
    if date_range:
        row.setdefault("date_start", const(date_range[0], pl.Date))
        row.setdefault("date_end", const(date_range[1], pl.Date))
    if spec.table == "ad_stats":
        row.setdefault("date_end", row.get("date_start", const(None, pl.Date)))
        row["channel"] = _or(row.get("channel"), const(spec.platform, pl.String))
    account = row.get("account")
    if account is None or not _truthy(account).all():
        fallback = _account_from_file(spec, ctx) or ctx.account or "main"
        from_url = None
        if spec.account_pattern and "url" in row:
            urls = row["url"]
            found = {u: _account_from_url(spec, {"url": u}) for u in urls.drop_nulls().unique().to_list()}
            from_url = urls.replace_strict({u: a for u, a in found.items() if a}, default=None, return_dtype=pl.String)
        row["account"] = _or(_or(account, from_url), const(fallback, pl.String))
    if spec.table == "posts":
        if spec.key_from:
            missing_id = ~_truthy(row["post_id"]) if "post_id" in row else _full(True, n, pl.Boolean)
            named = _full(False, n, pl.Boolean)
            for key in spec.key_from:
                if key in row:
                    named = named | _truthy(row[key])
            dirty = dirty | (missing_id & named)  # the id is a hash of the row: normalise makes it
        as_of = _file_as_of(ctx)
        row["metrics_as_of"] = _or(row.get("metrics_as_of"), const(as_of, pl.Datetime("us", "UTC")))
    if spec.table == "events":
        if ctx.salt and "user_id" in row:
            ids = row["user_id"]
            hashed = {u: pseudonym(ctx.salt, u) for u in ids.filter(_truthy(ids)).unique().to_list()}
            row["user_id"] = ids.replace(hashed) if hashed else ids
        if "event_key" not in row or not _truthy(row["event_key"]).all():
            has_key = _truthy(row["event_key"]) if "event_key" in row else _full(False, n, pl.Boolean)
            dirty = dirty | ~has_key  # a hash of the row: normalise makes it (or skips the row)
    for key in table.key:
        value = row.get(key)
        present = _truthy(value) if value is not None else _full(False, n, pl.Boolean)
        if table.columns[key] == "VARCHAR" and key in ("campaign", "ad_group", "ad"):
            row[key] = pl.select(pl.when(present).then(value).otherwise(pl.lit(""))).to_series() \
                if value is not None else const("", pl.String)
        else:
            dirty = dirty | ~present
    limit = ctx.today + timedelta(days=2)
    for name, value in row.items():
        if name == "date_end" or value.dtype not in (pl.Date, pl.Datetime("us", "UTC")):
            continue
        day = value if value.dtype == pl.Date else value.dt.date()
        dirty = dirty | (day > limit).fill_null(False)
    blank_total = [f for f in spec.blank_means_total if f in row]
    if blank_total:
        allblank = _full(True, n, pl.Boolean)
        for name in blank_total:
            allblank = allblank & ~_truthy(row[name]) if row[name].dtype == pl.String else \
                allblank & row[name].is_null()
        dirty = dirty | allblank
    return row, dirty


def _or(first: pl.Series | None, second: pl.Series | None) -> pl.Series | None:
    """`first or second`, per row."""
    if first is None:
        return second
    if second is None:
        return first
    return pl.select(pl.when(_truthy(first)).then(first).otherwise(second)).to_series()


def _assemble(spec: ExportSpec, table, header: list[str], header_index: int, head: Table, cells: pl.DataFrame,
              row: dict[str, pl.Series], dirty: pl.Series, ctx: ImportContext, source: str) -> Normalised:
    columns = {}
    for name, sql_type in table.columns.items():
        if name == "import_id":
            continue
        dtype = _PL_TYPES[sql_type]
        value = row.get(name)
        columns[name] = _full(None, len(dirty), dtype).alias(name) if value is None else \
            value.cast(dtype).alias(name)
    # one chunk per column: columns cut as the reader cut the file next to whole ones would make
    # every later step (and the hand-over to DuckDB) realign them
    clean = pl.DataFrame(columns).with_columns(cells["__line"])
    any_dirty = bool(dirty.any())
    clean = (clean.filter(~dirty) if any_dirty else clean).rechunk()
    dirty_cells = cells.filter(dirty) if any_dirty else cells.clear()
    width = len(header)
    rows = dirty_cells.select([f"c{i}" for i in range(width)]).rows()
    lines = dirty_cells["__line"].to_list()
    if rows and _is_description_row(list(rows[0])):
        raise _Bail  # normalise() would take it for the description row under a header
    sub = Table(head.source, head.sheet, [*head.rows[:header_index + 1], *(list(r) for r in rows)],
                [*head.line_numbers[:header_index + 1], *lines], head.encoding, head.delimiter)
    result = normalise(sub, spec, header_index, ctx)
    kept = row["account"].filter(~dirty) if any_dirty else row["account"]
    accounts = set(result.accounts) | set(kept.drop_nulls().unique().to_list())
    accounts.discard("")
    return replace(result, table=replace(head, rows=head.rows[:header_index + 1],
                                          line_numbers=head.line_numbers[:header_index + 1]),
                   rows_read=cells.height, accounts=accounts, frame=clean)

