"""Every string in both languages; every key the code asks for exists; Chinese number units."""

import re
from datetime import date
from pathlib import Path

from dashboard.i18n import describe_issue, fmt_date, fmt_number, fmt_percent, has, normalise_language, t
from dashboard.i18n.strings import STRINGS
from dashboard.ingest.normalise import Issue

SRC = Path(__file__).resolve().parents[2] / "src" / "dashboard"
PAGES = Path(__file__).resolve().parents[2] / "pages"


def test_every_entry_has_chinese_and_english():
    for key, entry in STRINGS.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key


def test_every_literal_key_used_in_code_exists():
    used = set()
    for path in [*SRC.rglob("*.py"), *PAGES.glob("*.py")]:
        used |= set(re.findall(r"""\btr?\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if not k.endswith(".") and not has(k))  # "x." + name: a prefix
    assert not missing, missing
    assert len(used) > 60


def test_every_issue_code_raised_has_a_message():
    codes = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r"""(?:ReadError|CellError|Censored|Issue|StoreError)\(\s*["']([a-z_]+)["']""", text))
    store_codes = {c for c in codes if f"issue.store_{c}" in STRINGS}
    missing = sorted(c for c in codes - store_codes if f"issue.{c}" not in STRINGS)
    assert not missing, missing


def test_numbers_use_wan_and_yi_in_chinese():
    assert fmt_number(12345, "zh") == "1.2万"
    assert fmt_number(150_000_000, "zh") == "1.5亿"
    assert fmt_number(12345, "en") == "12.3K"
    assert fmt_number(2_500_000, "en") == "2.5M"
    assert fmt_number(987, "zh") == "987"
    assert fmt_number(-20_000, "zh") == "-2.0万"
    assert fmt_number(None, "en") == "—"
    assert fmt_number(float("nan"), "en") == "—"
    assert fmt_percent(0.0505) == "5.1%"
    assert fmt_date(date(2026, 3, 16), "zh") == "2026年3月16日"


def test_language_from_browser_locale():
    assert normalise_language("en-US") == "en"
    assert normalise_language("zh-TW") == "zh"
    assert normalise_language(None) == "zh"
    assert normalise_language("fr-FR") == "zh"


def test_issue_sentences_name_file_row_and_column():
    issue = Issue("not_a_number", "a.csv", 7, "Impressions", {"value": "abc"})
    assert describe_issue(issue, "en") == "a.csv, row 7, column 'Impressions': 'abc' is not a number"
    assert describe_issue(issue, "zh") == "a.csv，第 7 行，列「Impressions」：「abc」不是数字"
    assert t("no.such.key", "en") == "no.such.key"


def test_every_export_kind_has_a_name():
    from dashboard.ingest.platforms import ALL_SPECS

    assert sorted(s.kind for s in ALL_SPECS if not has(f"kind.{s.kind}")) == []
