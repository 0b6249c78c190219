"""Declarative export specs: what a platform's export looks like and how its columns map.

A spec is data, not a parser. `normalise.py` is the one interpreter of specs; adding a platform is
adding a spec (plus its tests) under `platforms/`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Parser names a Field may use; normalise.py maps each to a function in values.py.
PARSERS = frozenset({
    "text", "id", "int", "number", "fraction", "percent", "rate", "money", "duration", "datetime",
    "date", "bool", "map", "first_line",
})


@dataclass(frozen=True)
class Field:
    """How one canonical column is read from an export.

    headers: candidate header names, tried in order (compared after `normalise_header`); a name
    starting with 're:' is a regular expression over the normalised header.
    combine: 'first' takes the first present header; 'sum' adds every present one (X counts
    reposts and shares separately, the catalogue counts both as shares); 'longest' keeps the
    longest present text (Meta puts a caption in Title or in Description).
    extract: a regular expression searched in the raw cell before parsing; its first group (or the
    whole match) is what gets parsed, and no match means missing (a post id from a link).
    """

    headers: tuple[str, ...]
    parse: str = "int"
    # for parse='map': raw value (normalised) -> canonical; a None value means 'not a value here'
    mapping: dict[str, str | None] | None = None
    default: str | None = None  # for parse='map': value for an unknown raw value
    scale: float = 1.0  # multiply after parsing (hours -> seconds)
    combine: str = "first"
    extract: str | None = None

    def __post_init__(self) -> None:
        if self.parse not in PARSERS:
            raise ValueError(f"unknown parser {self.parse!r}")
        if self.combine not in ("first", "sum", "longest"):
            raise ValueError(f"unknown combine {self.combine!r}")


def col(*headers: str, parse: str = "int", **options: Any) -> Field:
    return Field(headers=tuple(headers), parse=parse, **options)


@dataclass(frozen=True)
class ExportSpec:
    platform: str
    kind: str
    table: str | None  # canonical table, or None: recognised but holds nothing we store
    signature: frozenset[str]  # normalised header names that must all be present
    columns: dict[str, Field] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)  # canonical values fixed by the export
    templates: dict[str, str] = field(default_factory=dict)  # derived text: {"url": "...{post_id}"}
    key_from: tuple[str, ...] = ()  # posts without an id: a stable post_id from these fields
    sheet: str | None = None  # regex the worksheet name must match
    file_name: str | None = None  # regex the file name must match (for weak signatures)
    account_pattern: str | None = None  # regex with one group over the url: the account handle
    account_from_file: str | None = None  # regex with one group over the file name: the account
    # regex one of the rows above the header must match (its non-empty cells joined by a space,
    # compared like headers): Meta daily files say which metric they hold only in a title line
    preamble: str | None = None
    range_from_preamble: bool = False  # 'March 27, 2026 - April 23, 2026' above the header
    blank_means_total: tuple[str, ...] = ()  # a row with these canonical fields all blank is a total
    # rows are kept only when the cell under a header is one of the values (checked when the header is
    # present): WeChat OA tendency exports repeat each day per 渠道, '全部' is the day's total
    keep_rows: dict[str, frozenset[str]] = field(default_factory=dict)
    sum_duplicates: bool = False  # rows of one file with the same table key are added up (segments)
    range_from_file_name: bool = False  # no date column: the first two dates in the file name
    closed_header: bool = False  # weak signatures: every header cell must be in the signature or mapped
    anchors: dict[str, str] = field(default_factory=dict)  # yearless field -> field giving its year
    day_first: bool | None = None
    decimal: str = "."
    # the file has no header row (a CDNOW-style transaction log): its columns are named by position,
    # 'Column 1' .. 'Column N' (column_names), and every row is data
    headerless: bool = False
    note: str = ""  # why the spec is shaped so, for readers of the registry

    @property
    def label(self) -> str:
        return f"{self.platform}/{self.kind}"

    def normalised_signature(self) -> frozenset[str]:
        return frozenset(normalise_header(h) for h in self.signature)


def column_names(width: int) -> list[str]:
    """The names of the columns of a file without a header row."""
    return [f"Column {i}" for i in range(1, width + 1)]


_SPACES = re.compile(r"\s+")
_CJK = "\u3000-\u303f\u3400-\u9fff"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


@functools.lru_cache(maxsize=65536)  # every spec looks at the same cells (10,000 columns, a 1 MB cell)
def normalise_header(name: str) -> str:
    """Headers match after NFKC, case folding, one space, no BOM, no stray backslash or quotes."""
    text = unicodedata.normalize("NFKC", name or "").replace("\ufeff", "")
    text = text.replace("\\", "").strip().strip('"').strip()
    text = _CJK_SPACE.sub("", text)  # '整体\t消耗' (stray tabs/newlines inside Chinese headers)
    return _SPACES.sub(" ", text).casefold()


def header_positions(header: list[str]) -> dict[str, int]:
    """Normalised header -> first column index (duplicate names: the first one wins)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalise_header(name), index)
    return positions


def resolve_field(spec_field: Field, positions: dict[str, int]) -> list[tuple[int, str]]:
    """The (column index, header) pairs a field reads, in header order of preference."""
    found: list[tuple[int, str]] = []
    for candidate in spec_field.headers:
        if candidate.startswith("re:"):
            pattern = re.compile(candidate[3:], re.IGNORECASE)
            found.extend((i, h) for h, i in positions.items() if pattern.fullmatch(h))
        else:
            name = normalise_header(candidate)
            if name in positions:
                found.append((positions[name], name))
        if found and spec_field.combine == "first":
            return found[:1]
    return found


def spec_score(spec: ExportSpec, header: list[str], file_name: str, sheet: str | None,
               preamble: list[list[str]] | None = None) -> int:
    """0 if the header is not this export; else how many of its fields the header carries.

    preamble: the rows above the header; a spec with a `preamble` pattern needs one of them to match.
    """
    positions = header_positions(header)
    if not spec.normalised_signature() <= positions.keys():
        return 0
    if spec.preamble and not any(preamble_matches(spec.preamble, row) for row in preamble or []):
        return 0
    if spec.sheet and not (sheet and re.search(spec.sheet, sheet)):
        return 0
    if spec.file_name and not re.search(spec.file_name, file_name, re.IGNORECASE):
        return 0
    resolved = [resolve_field(f, positions) for f in spec.columns.values()]
    if spec.closed_header:
        known = spec.normalised_signature() | {h for found in resolved for _, h in found}
        if any(name and name not in known for name in positions):
            return 0
    mapped = sum(1 for found in resolved if found)
    return 1 + len(spec.signature) * 10 + mapped + (5 if spec.preamble else 0)


def preamble_matches(pattern: str, row: list[str]) -> bool:
    text = normalise_header(" ".join(cell for cell in row if cell and cell.strip()))
    return bool(text) and re.fullmatch(pattern, text, re.IGNORECASE) is not None
