"""Bytes of an uploaded file -> tables of text cells.

This module only turns bytes into rows of strings, faithfully. Which platform a table comes from,
where its header row is and what its values mean are decided later, elsewhere.

The container is recognised by content (magic bytes), never by the file extension:
zip archives are expanded, workbooks (xlsx/xlsm/xlsb/ods, BIFF .xls) go through python-calamine,
HTML tables saved as ".xls" go through the stdlib HTML parser, everything else is decoded as text
and parsed as delimited text with the csv module.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePosixPath

from charset_normalizer import from_bytes
from python_calamine import CalamineWorkbook, SheetTypeEnum

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # total uncompressed size allowed from one zip (zip bombs)

_MESSAGES = {
    "empty_file": "{name} is empty.",
    "binary_file": "{name} does not look like a table: it is neither text, a spreadsheet nor a CSV file.",
    "corrupt_workbook": "{name} looks like a spreadsheet but cannot be opened; it may be damaged or incomplete.",
    "corrupt_archive": "{name} is a damaged or incomplete zip archive.",
    "archive_too_large": "{name} unpacks to more than {limit_mb} MB.",
    "no_table": "{name} contains no rows of data.",
    "unsupported_format": "{name} is a {kind} file, not a table. Export the data as CSV or Excel instead.",
}


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class ReadError(Exception):
    """The file cannot be read as a table. code is an i18n key suffix; params fill the message."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        template = _MESSAGES.get(code, code)
        super().__init__(template.format_map(_KeepMissing(params)))


@dataclass(frozen=True)
class Table:
    source: str  # file name ('Table data.csv', or 'export.zip/Table data.csv' for archive members)
    sheet: str | None  # worksheet name for workbooks, None for text files
    rows: list[list[str]]  # every non-blank row, cells as text ('' for empty)
    line_numbers: list[int]  # 1-based physical line (text) or row (sheet) where each kept row starts
    encoding: str | None  # 'utf-8', 'utf-8-sig', 'utf-16', 'gb18030', 'cp1252', ... None for workbooks
    delimiter: str | None  # ',', ';', '\t', '|', ' ' (whitespace runs), None for workbooks/html


# --------------------------------------------------------------------------------------------------
# Entry points


def read_tables(name: str, data: bytes, expand: bool = True) -> list[Table]:
    """One Table per non-empty worksheet, one per CSV/TXT file, one per HTML <table>.

    A plain zip archive is expanded first; members that cannot be read (a README.pdf next to the
    CSVs, an empty placeholder file) are skipped as long as some other member gives a table.
    expand=False reads data as one file: for a member of an upload expanded already, so that a zip
    nested deeper than expand_archive goes is refused instead of unpacked with a fresh size budget.
    """
    members = expand_archive(name, data) if expand else [(name, data)]
    if len(members) == 1 and members[0][1] is data:
        return _read_file(name, data)
    tables: list[Table] = []
    errors: list[ReadError] = []
    for member_name, member_data in members:
        try:
            tables.extend(_read_file(member_name, member_data))
        except ReadError as error:
            errors.append(error)
    if not tables:
        raise errors[0] if errors else ReadError("no_table", name=name)
    return tables


def expand_archive(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """A plain zip -> its member files as ('<zipname>/<member>', bytes); anything else -> [(name, data)].

    Workbooks (xlsx/ods are zips too) and documents are returned whole. One level of nested zips
    is expanded as well. The total uncompressed size is capped by MAX_ARCHIVE_BYTES.
    """
    if not _is_zip(data):
        return [(name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_OPEN_ERRORS as error:
        if _looks_like_workbook(name, data):
            return [(name, data)]  # let read_tables report it as a damaged workbook
        raise ReadError("corrupt_archive", name=name) from error
    with archive:
        if _zip_kind(archive) != "archive":
            return [(name, data)]
        return _expand(name, archive, _Budget(MAX_ARCHIVE_BYTES), nested_ok=True)


# --------------------------------------------------------------------------------------------------
# Container detection

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_ZIP_OPEN_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError)
# CRC mismatch, bad deflate stream, truncated data, encrypted member, unknown compression method
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError)


def _is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")  # local file header, or an empty archive


def _unsupported_kind(data: bytes) -> str | None:
    """Well-known non-table formats, by magic bytes."""
    if data[:1024].lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    if data.startswith(_OLE_MAGIC) and "WordDocument".encode("utf-16-le") in data:
        return "word"  # legacy .doc shares the OLE container with .xls
    return None


def _zip_kind(archive: zipfile.ZipFile) -> str:
    """'workbook', 'word', 'powerpoint' or 'archive' (a plain zip of files) by the members inside."""
    names = set(archive.namelist())
    if names & {"xl/workbook.xml", "xl/workbook.bin"}:
        return "workbook"
    if "content.xml" in names:  # OpenDocument: the mimetype member says which kind
        mimetype = _small_member(archive, "mimetype")
        if b"opendocument.text" in mimetype:
            return "word"
        if b"opendocument.presentation" in mimetype:
            return "powerpoint"
        return "workbook"
    if any(n.startswith("word/") for n in names):
        return "word"
    if any(n.startswith("ppt/") for n in names):
        return "powerpoint"
    return "archive"


def _small_member(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        info = archive.getinfo(member)
        return archive.read(info) if info.file_size < 1024 else b""
    except (KeyError, *_ZIP_READ_ERRORS):
        return b""


def _looks_like_workbook(name: str, data: bytes) -> bool:
    """A zip too damaged to open (truncated upload): tell a workbook from an archive by what is left."""
    return PurePosixPath(name).suffix.lower() in _WORKBOOK_SUFFIXES or b"xl/" in data[:65536]


# --------------------------------------------------------------------------------------------------
# Zip archives


class _Budget:
    """Uncompressed bytes still allowed from one archive (nested archives draw from the same budget)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.left = limit

    def take(self, name: str, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ReadError("archive_too_large", name=name, limit_mb=self.limit // (1024 * 1024))


def _expand(
    prefix: str, archive: zipfile.ZipFile, budget: _Budget, nested_ok: bool
) -> list[tuple[str, bytes]]:
    members = [(info, _member_name(info)) for info in archive.infolist() if not info.is_dir()]
    members = [(info, member) for info, member in members if not _is_junk(member)]
    # Declared sizes are checked before anything is inflated; zipfile never inflates a member past
    # its declared size, so a bomb is refused without being unpacked.
    budget.take(prefix, sum(info.file_size for info, _ in members))
    out: list[tuple[str, bytes]] = []
    for info, member in members:
        path = f"{prefix}/{member}"
        try:
            content = archive.read(info)
        except _ZIP_READ_ERRORS as error:
            raise ReadError("corrupt_archive", name=prefix) from error
        if nested_ok and _is_zip(content):
            out.extend(_expand_nested(path, content, budget))
        else:
            out.append((path, content))
    return out


def _expand_nested(path: str, content: bytes, budget: _Budget) -> list[tuple[str, bytes]]:
    try:
        nested = zipfile.ZipFile(io.BytesIO(content))
    except _ZIP_OPEN_ERRORS:
        return [(path, content)]  # reported when read (damaged workbook or archive)
    with nested:
        if _zip_kind(nested) != "archive":
            return [(path, content)]  # an xlsx inside the zip stays a file
        return _expand(path, nested, budget, nested_ok=False)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag were decoded by zipfile as cp437; Chinese Windows
    writes GBK there and other tools write UTF-8 without setting the flag, so try those first."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def _is_junk(member: str) -> bool:
    """macOS resource forks (__MACOSX/), .DS_Store and other dot-files."""
    parts = member.split("/")
    return any(part == "__MACOSX" or part.startswith(".") for part in parts)


# --------------------------------------------------------------------------------------------------
# One file


def _read_file(name: str, data: bytes) -> list[Table]:
    if not data:
        raise ReadError("empty_file", name=name)
    kind = _unsupported_kind(data)
    if kind:
        raise ReadError("unsupported_format", name=name, kind=kind)
    if _is_zip(data):
        return _read_zipped_file(name, data)
    if data.startswith(_OLE_MAGIC):
        return _read_workbook(name, data)
    text, encoding = _decode(name, data)
    markup = _markup_kind(text)
    if markup == "html":
        return _read_html(name, text, encoding)
    if markup == "xml":  # e.g. an Excel 2003 XML spreadsheet: read as lines it gives rows of markup
        raise ReadError("unsupported_format", name=name, kind="xml")
    return [_read_text(name, text, encoding)]


def _read_zipped_file(name: str, data: bytes) -> list[Table]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            kind = _zip_kind(archive)
    except _ZIP_OPEN_ERRORS as error:
        code = "corrupt_workbook" if _looks_like_workbook(name, data) else "corrupt_archive"
        raise ReadError(code, name=name) from error
    if kind == "workbook":
        return _read_workbook(name, data)
    # 'archive' here means a zip nested deeper than expand_archive goes
    raise ReadError("unsupported_format", name=name, kind=kind)


# --------------------------------------------------------------------------------------------------
# Workbooks


def _read_workbook(name: str, data: bytes) -> list[Table]:
    try:
        sheets = _load_sheets(data)
    except Exception as error:  # calamine raises CalamineError, XmlError, ZipError, ... for damage
        raise ReadError("corrupt_workbook", name=name) from error
    tables = [table for table in (_sheet_table(name, *sheet) for sheet in sheets) if table]
    if not tables:
        raise ReadError("no_table", name=name)
    return tables


def _load_sheets(data: bytes) -> list[tuple[str, list[list], list]]:
    """(name, cell values, merged ranges) of every worksheet (chart and macro sheets hold no table)."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in workbook.sheets_metadata:
        if meta.typ == SheetTypeEnum.WorkSheet:
            sheet = workbook.get_sheet_by_name(meta.name)
            # Keep the empty area so that list index + 1 is the sheet's own row number.
            sheets.append((meta.name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []))
    return sheets


def _sheet_table(name: str, sheet_name: str, values: list[list], merged: list) -> Table | None:
    grid = [[_cell_text(value) for value in row] for row in values]
    _blank_merged_tails(grid, merged)
    return _table(name, sheet_name, enumerate(grid, start=1))


def _blank_merged_tails(grid: list[list[str]], merged: list) -> None:
    """Show a merged range as Excel does: the value in its first cell only.

    Some writers (Xiaohongshu's POI export) store the value in every cell of a merged note row,
    which would otherwise read like a 13-column header of identical names.
    """
    for (top, left), (bottom, right) in merged:
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if (r, c) != (top, left):
                    row[c] = ""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # numbers stored as text (Douyin, XHS) stay exactly as written
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):  # duration cells ([h]:mm:ss)
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def _is_blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


# --------------------------------------------------------------------------------------------------
# Decoding text

# Preference order for legacy code pages, used to break ties: Chinese platform exports are the most
# common non-UTF-8 files we get, then Western and Cyrillic Excel re-saves.
_LEGACY_ENCODINGS = ("gb18030", "cp1252", "cp1251", "big5", "shift_jis", "euc_kr", "latin_1")
_ALLOWED_CONTROLS = set("\t\n\r\x0b\x0c\x85")  # whitespace and line breaks


def _decode(name: str, data: bytes) -> tuple[str, str]:
    text, encoding = _decode_bytes(name, data)
    if not text.strip().strip("\ufeff").strip():
        raise ReadError("empty_file", name=name)
    if _looks_binary(text):
        raise ReadError("binary_file", name=name)
    return text, encoding


def _decode_bytes(name: str, data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", "replace"), "utf-16"
    utf16 = _bomless_utf16(data)
    if utf16:
        return data.decode(utf16, "replace"), utf16
    if b"\x00" in data[:65536]:
        raise ReadError("binary_file", name=name)  # text never contains NUL bytes outside UTF-16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if error.end == len(data) and error.start >= len(data) - 3:  # cut inside the last character
            return data.decode("utf-8", "replace"), "utf-8"
    guess = _guess_legacy_encoding(data)
    if guess is None:
        raise ReadError("binary_file", name=name)
    return guess


def _bomless_utf16(data: bytes) -> str | None:
    """ASCII-heavy UTF-16 without a BOM has a NUL in every other byte."""
    head = data[:1024]
    head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    half = len(head) // 2
    if odd.count(0) >= 0.9 * half and even.count(0) <= 0.1 * half:
        return "utf-16-le"
    if even.count(0) >= 0.9 * half and odd.count(0) <= 0.1 * half:
        return "utf-16-be"
    return None


def _guess_legacy_encoding(data: bytes) -> tuple[str, str] | None:
    """Pick the code page whose non-ASCII characters read as the script that code page is for.

    charset_normalizer alone is not enough: on short files GBK bytes decode just as cleanly as
    EUC-KR or cp1251, and its first pick turns a Chinese CSV into Korean. It still decides when
    no code page produces its own script (a file whose only non-ASCII byte is a stray symbol).
    """
    fits = {}
    for encoding in _LEGACY_ENCODINGS:
        text = data.decode(encoding, "replace")
        if text.count("\ufffd") <= 1 + len(data) // 10_000:  # tolerate a truncated last character
            fits[encoding] = _script_fit(text[:100_000], encoding)
    best = max(fits.values(), default=0.0)
    if best >= 0.5:
        # Near-ties (short files) go to the earlier code page in _LEGACY_ENCODINGS.
        encoding = min((e for e in fits if fits[e] >= best - 0.05), key=_LEGACY_ENCODINGS.index)
    else:
        match = from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
        if match is None:
            return None
        encoding = match.encoding
    return data.decode(encoding, "replace"), encoding


def _script_fit(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters that belong to the script this code page exists for
    (undecodable bytes, already limited by the caller, say nothing about the script)."""
    positions = [i for i, ch in enumerate(text) if ord(ch) > 127 and ch != "\ufffd"]
    if not positions:
        return 0.0
    native = _NATIVE_CHECKS[encoding]
    return sum(1 for i in positions if native(text, i)) / len(positions)


def _lead_byte_in(ch: str, encoding: str, *ranges: tuple[int, int]) -> bool:
    try:
        lead = ch.encode(encoding)[0]
    except UnicodeEncodeError:
        return False
    return any(low <= lead <= high for low, high in ranges)


def _common_hanzi(text: str, i: int) -> bool:
    # GB2312 punctuation/fullwidth rows (A1-A3) and level-1 hanzi (B0-D7): the characters real
    # Chinese text is made of; mis-decoded Latin or Cyrillic bytes land in rarer rows.
    return _lead_byte_in(text[i], "gb2312", (0xA1, 0xA3), (0xB0, 0xD7))


def _common_big5(text: str, i: int) -> bool:
    return _lead_byte_in(text[i], "big5", (0xA1, 0xC6))


def _japanese(text: str, i: int) -> bool:
    ch = text[i]
    return "\u3000" <= ch <= "\u30ff" or _lead_byte_in(ch, "shift_jis", (0x88, 0x98))


def _hangul(text: str, i: int) -> bool:
    return "\uac00" <= text[i] <= "\ud7a3"


def _cyrillic(text: str, i: int) -> bool:
    return "\u0400" <= text[i] <= "\u04ff"


_WESTERN_SYMBOLS = set("‘’“”–—…€•™°±²³µ·×÷§©®«»£¥¢¿¡")


def _latin(text: str, i: int) -> bool:
    # Accented letters in Western text sit inside words ('Cataluña'); mis-decoded CJK or Cyrillic
    # bytes come as runs of accented letters with no plain letter next to them.
    ch = text[i]
    if ch in _WESTERN_SYMBOLS:
        return True
    neighbours = text[i - 1 : i] + text[i + 1 : i + 2]
    return ch.isalpha() and any(n.isascii() and n.isalpha() for n in neighbours)


_NATIVE_CHECKS = {
    "gb18030": _common_hanzi,
    "big5": _common_big5,
    "shift_jis": _japanese,
    "euc_kr": _hangul,
    "cp1251": _cyrillic,
    "cp1252": _latin,
    "latin_1": _latin,
}


def _looks_binary(text: str) -> bool:
    """Control characters are junk decoded as text; a stray one in a pasted caption is tolerated."""
    sample = text[:65536]
    controls = sum(1 for ch in sample if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc")
    return controls >= 3 and controls > 0.01 * len(sample)


# --------------------------------------------------------------------------------------------------
# HTML tables (WeChat user_analysis.xls is an HTML page with a .xls name)


def _markup_kind(text: str) -> str | None:
    """'html' for a page or bare <table>, 'xml' for other XML documents, None for plain text."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if not head.startswith("<"):
        return None
    if re.search(r"<(html|!doctype html)\b", head):
        return "html"
    if head.startswith("<?xml"):  # checked before <table: Excel 2003 XML has a <Table> element
        return "xml"
    if re.search(r"<table\b", head):
        return "html"
    return None


def _table(source: str, sheet: str | None, numbered: Iterable[tuple[int, list[str]]],
           encoding: str | None = None, delimiter: str | None = None) -> Table | None:
    """A Table of the non-blank rows, each with the file's own row number; None if all are blank."""
    kept = [(number, row) for number, row in numbered if not _is_blank(row)]
    if not kept:
        return None
    return Table(source=source, sheet=sheet, rows=[row for _, row in kept],
                 line_numbers=[number for number, _ in kept], encoding=encoding, delimiter=delimiter)


def _read_html(name: str, text: str, encoding: str) -> list[Table]:
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    tables = []
    for raw_rows in parser.finished_tables():
        grid = _lay_out(cells for _, cells in raw_rows)
        table = _table(name, None, zip((line for line, _ in raw_rows), grid, strict=True), encoding)
        if table is not None:
            tables.append(table)
    if not tables:
        raise ReadError("no_table", name=name)
    return tables


_RawCell = tuple[str, int, int]  # text, colspan, rowspan


class _TableParser(HTMLParser):
    """Collects every <table> (nested ones separately) as rows of (text, colspan, rowspan) cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive unescaped in handle_data
        self._open: list[dict] = []  # tables being read, innermost last
        self._done: list[dict] = []
        self._opened = 0
        self._skip = 0  # depth inside <script>/<style>

    def finished_tables(self) -> list[list[tuple[int, list[_RawCell]]]]:
        while self._open:  # unclosed tables at end of file
            self._close_table()
        return [table["rows"] for table in sorted(self._done, key=lambda t: t["order"])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._open.append({"rows": [], "cell": None, "order": self._opened})
            self._opened += 1
        elif tag == "tr":
            self._start_row()
        elif tag in ("td", "th"):
            table = self._table()
            self._end_cell()
            if not table["rows"]:
                self._start_row()
            attributes = dict(attrs)
            table["cell"] = ([], _span(attributes.get("colspan")), _span(attributes.get("rowspan")))
        elif tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th", "tr"):
            if self._open:
                self._end_cell()
        elif tag == "table" and self._open:
            self._close_table()

    def handle_data(self, data: str) -> None:
        if not self._skip and self._open and self._open[-1]["cell"] is not None:
            self._open[-1]["cell"][0].append(data)

    def _table(self) -> dict:
        if not self._open:  # cells outside any <table>: treat as one implicit table
            self.handle_starttag("table", [])
        return self._open[-1]

    def _start_row(self) -> None:
        table = self._table()
        self._end_cell()
        table["rows"].append((self.getpos()[0], []))

    def _end_cell(self) -> None:
        table = self._open[-1]
        if table["cell"] is not None:
            parts, colspan, rowspan = table["cell"]
            text = " ".join("".join(parts).split())  # collapse inner whitespace like a browser
            table["rows"][-1][1].append((text, colspan, rowspan))
            table["cell"] = None

    def _close_table(self) -> None:
        self._end_cell()
        self._done.append(self._open.pop())


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1


def _lay_out(raw_rows: Iterable[list[_RawCell]]) -> list[list[str]]:
    """Place cells on a grid: a spanning cell keeps its text in its first position and empty cells
    fill the rest of its span, so the columns of later cells stay aligned."""
    covered: dict[int, int] = {}  # column -> rows a rowspan from above still covers
    grid = []
    for cells in raw_rows:
        queue = list(cells)
        row: list[str] = []
        while queue or any(col >= len(row) and left > 0 for col, left in covered.items()):
            col = len(row)
            if covered.get(col, 0) > 0:
                covered[col] -= 1
                row.append("")
            elif not queue:
                row.append("")  # a gap before a column covered from above
            else:
                text, colspan, rowspan = queue.pop(0)
                for k in range(colspan):
                    if rowspan > 1:
                        covered[len(row)] = rowspan - 1
                    row.append(text if k == 0 else "")
        grid.append(row)
    return grid


# --------------------------------------------------------------------------------------------------
# Delimited text

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # physical lines with their endings
_SEP_HINT = re.compile(r'^\s*"?sep=(\\t|[^"\r\n])"?\s*$', re.IGNORECASE)
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_ROWS = 50


def _read_text(name: str, text: str, encoding: str) -> Table:
    try:
        return _read_delimited(name, text, encoding)
    except csv.Error as error:  # e.g. a single "cell" past the csv field size limit: not a table
        raise ReadError("binary_file", name=name) from error


def _read_delimited(name: str, text: str, encoding: str) -> Table:
    lines = _LINE.findall(text.lstrip("\ufeff"))
    first_line = 1
    delimiter = _sep_hint(lines[0]) if lines else None
    if delimiter:  # Excel's "sep=," line: it fixes the delimiter and is not data
        lines, first_line = lines[1:], 2
    else:
        delimiter = _sniff(lines)
    if delimiter:
        numbered = _parse_csv(lines, delimiter, first_line)
    else:
        numbered, delimiter = _parse_without_delimiter(lines, first_line)
    table = _table(name, None, numbered, encoding, delimiter)
    if table is None:
        raise ReadError("no_table", name=name)
    return table


def _sep_hint(line: str) -> str | None:
    match = _SEP_HINT.match(line)
    if not match:
        return None
    return "\t" if match.group(1) == "\\t" else match.group(1)


def _sniff(lines: list[str]) -> str | None:
    """The delimiter giving the most rows with one common field count > 1 (quote-aware).

    Title/preamble lines (Google Ads report name, Meta metric title) are single fields and are
    outvoted; a delimiter that splits fewer than half of the rows is no delimiter at all.
    """
    sample = lines[:1000]
    best, best_key = None, (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(row) for _, row in _parse_csv(sample, delimiter, 1, whole=False) if not _is_blank(row)]
        counts = counts[:_SNIFF_ROWS]
        wide = [count for count in counts if count > 1]
        if not wide or 2 * len(wide) < len(counts):
            continue
        width, agreeing = Counter(wide).most_common(1)[0]
        if (agreeing, width) > best_key:
            best, best_key = delimiter, (agreeing, width)
    return best


_FIELD_LIMIT = 131_072  # csv's default limit: a longer cell is first taken for an unbalanced quote
_GIANT_FIELD = 64 * 1024 * 1024  # ... unless it is a quoted cell that closes properly (a 1 MB caption)
csv.field_size_limit(max(csv.field_size_limit(), _GIANT_FIELD))  # each reading below applies its own cap


def _parse_csv(lines: list[str], delimiter: str, first_line: int, whole: bool = True) -> list[tuple[int, list[str]]]:
    """Rows with the physical line each starts on; quoted cells may span lines and keep their \\n.

    whole=False: lines are a sample cut anywhere, so a quote may legitimately still be open at its end.
    """
    try:
        return _csv_rows(lines, delimiter, first_line, csv.QUOTE_MINIMAL)
    except csv.Error:
        pass
    if any('"' in line for line in lines):
        try:  # one giant quoted cell: strict csv refuses a quote still open at the end of the file
            return _csv_rows(lines, delimiter, first_line, csv.QUOTE_MINIMAL, strict=whole, max_field=_GIANT_FIELD)
        except csv.Error:
            pass
    # An unbalanced quote swallowed the rest of the file past the csv field size limit:
    # read the quotes as ordinary characters instead.
    return _csv_rows(lines, delimiter, first_line, csv.QUOTE_NONE)


def _csv_rows(lines: list[str], delimiter: str, first_line: int, quoting: int, strict: bool = False,
              max_field: int = _FIELD_LIMIT) -> list[tuple[int, list[str]]]:
    reader = csv.reader(iter(lines), delimiter=delimiter, quoting=quoting, strict=strict)
    rows = []
    consumed = 0
    for record in reader:
        if max(map(len, record), default=0) > max_field:
            raise csv.Error(f"field larger than field limit ({max_field})")
        rows.append((first_line + consumed, [cell.rstrip("\r") for cell in record]))
        consumed = reader.line_num  # lines read so far, so the next record starts after them
    return rows


def _parse_without_delimiter(lines: list[str], first_line: int) -> tuple[list[tuple[int, list[str]]], str]:
    """No delimiter splits the rows: an Excel-wrapped CSV, whitespace columns, or one column."""
    rows = _parse_csv(lines, ",", first_line)
    unwrapped = _unwrap(rows)
    if unwrapped:
        return unwrapped
    if _whitespace_columns(lines):
        return [(first_line + i, line.split()) for i, line in enumerate(lines)], " "
    return rows, ","


def _unwrap(rows: list[tuple[int, list[str]]]) -> tuple[list[tuple[int, list[str]]], str] | None:
    """Excel re-save damage: each whole line was wrapped in one pair of quotes with the inner quotes
    doubled ("Video asset ID,""Universal video ID"",..."), so every row reads as a single cell that
    still contains the real delimiter. Parse each cell's text again as a CSV line."""
    cells = [row[0] for _, row in rows if not _is_blank(row)]
    if not cells or any(len(row) > 1 for _, row in rows):
        return None
    delimiter = _sniff(_LINE.findall("\n".join(cells)))
    if not delimiter:
        return None
    reparsed = []
    for number, row in rows:
        records = list(csv.reader(io.StringIO(row[0] if row else "", newline=""), delimiter=delimiter))
        reparsed.append((number, [cell for record in records for cell in record]))
    return reparsed, delimiter


def _whitespace_columns(lines: list[str]) -> bool:
    """Columns separated by runs of spaces/tabs (CDNOW purchase log): nearly every line splits into
    the same number (> 1) of tokens and the tokens are mostly numbers, unlike lines of prose."""
    sample = [line.split() for line in lines if line.strip()][:_SNIFF_ROWS]
    if not sample:
        return False
    width, agreeing = Counter(len(tokens) for tokens in sample).most_common(1)[0]
    tokens = [token for line in sample for token in line]
    numeric = sum(1 for token in tokens if any(ch.isdigit() for ch in token))
    return width > 1 and agreeing >= 0.9 * len(sample) and 2 * numeric >= len(tokens)
