"""Declarative export specs: what a platform's export looks like and how its columns map.

A spec is data, not a parser. `normalise.py` is the one interpreter of specs; adding a platform is
adding a spec (plus its tests) under `platforms/`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Parser names a Field may use; normalise.py maps each to a function in values.py.
PARSERS = frozenset({
    "text", "id", "int", "number", "fraction", "percent", "rate", "money", "duration", "datetime",
    "date", "bool", "map",
})


@dataclass(frozen=True)
class Field:
    """How one canonical column is read from an export.

    headers: candidate header names, tried in order (compared after `normalise_header`); a name
    starting with 're:' is a regular expression over the normalised header.
    combine: 'first' takes the first present header; 'sum' adds every present one (X counts
    reposts and shares separately, the catalogue counts both as shares).
    """

    headers: tuple[str, ...]
    parse: str = "int"
    mapping: dict[str, str] | None = None  # for parse='map': raw value (normalised) -> canonical
    default: str | None = None  # for parse='map': value for an unknown raw value
    scale: float = 1.0  # multiply after parsing (hours -> seconds)
    combine: str = "first"

    def __post_init__(self) -> None:
        if self.parse not in PARSERS:
            raise ValueError(f"unknown parser {self.parse!r}")


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
    range_from_preamble: bool = False  # 'March 27, 2026 - April 23, 2026' above the header
    blank_means_total: tuple[str, ...] = ()  # a row with these canonical fields all blank is a total
    anchors: dict[str, str] = field(default_factory=dict)  # yearless field -> field giving its year
    day_first: bool | None = None
    decimal: str = "."
    note: str = ""  # why the spec is shaped so, for readers of the registry

    @property
    def label(self) -> str:
        return f"{self.platform}/{self.kind}"

    def normalised_signature(self) -> frozenset[str]:
        return frozenset(normalise_header(h) for h in self.signature)


_SPACES = re.compile(r"\s+")


def normalise_header(name: str) -> str:
    """Headers match after NFKC, case folding, one space, no BOM, no stray backslash or quotes."""
    text = unicodedata.normalize("NFKC", name or "").replace("\ufeff", "")
    text = text.replace("\\", "").strip().strip('"').strip()
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


def spec_score(spec: ExportSpec, header: list[str], file_name: str, sheet: str | None) -> int:
    """0 if the header is not this export; else how many of its fields the header carries."""
    positions = header_positions(header)
    if not spec.normalised_signature() <= positions.keys():
        return 0
    if spec.sheet and not (sheet and re.search(spec.sheet, sheet)):
        return 0
    if spec.file_name and not re.search(spec.file_name, file_name, re.IGNORECASE):
        return 0
    mapped = sum(1 for f in spec.columns.values() if resolve_field(f, positions))
    return 1 + len(spec.signature) * 10 + mapped
