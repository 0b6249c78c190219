"""Hostile input: markup never becomes markup, exported cells never become formulas, and quotes or
SQL in names and filter values never reach SQL unbound."""

from __future__ import annotations

import ast
import csv
import io
from datetime import date
from pathlib import Path

import polars as pl

from dashboard.export import csv_bytes, neutralise
from dashboard.ingest.mapping import save_mapping
from dashboard.ingest.templates import template_csv
from dashboard.metrics.content import count_posts, post_table, top_bottom
from dashboard.metrics.filters import Filters
from dashboard.metrics.kpis import breakdown, kpi_comparison, series
from dashboard.metrics.lifecycle import params_from_settings, stage_users
from dashboard.metrics.scope import platforms_and_accounts
from dashboard.store.schema import CANONICAL
from tests.conftest import ROOT, TODAY, import_one

SRC = ROOT / "src" / "dashboard"
EVIL = "x'); DROP TABLE posts; --"
QUOTED = 'O\'Brien "Tea" \\ %_'


def _rows_everywhere(store) -> dict[str, int]:
    return {t: store.scalar(f'SELECT count(*) FROM "{t}"') for t in CANONICAL}


# -- markup is shown as text ---------------------------------------------------------------------

def _calls(tree: ast.AST):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _module_constants(tree: ast.Module) -> set[str]:
    return {t.id for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str) for t in n.targets if isinstance(t, ast.Name)}


def test_no_page_renders_html_built_from_data():
    """unsafe_allow_html / st.html / components.html only ever get a module-level string constant."""
    found = []
    for path in sorted(SRC.rglob("*.py")) + sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for call in _calls(tree):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                         for k in call.keywords)
            if unsafe or name == "html" and isinstance(call.func, ast.Attribute) and \
                    getattr(call.func.value, "id", "") in ("st", "components"):
                body = call.args[0] if call.args else None
                safe = isinstance(body, ast.Constant) or (isinstance(body, ast.Name) and body.id in constants)
                found.append((path.relative_to(ROOT).as_posix(), call.lineno, safe))
    assert all(safe for _, _, safe in found), found


def test_post_text_with_markup_is_stored_and_returned_verbatim(store):
    text = '<script>alert("x")</script><img src=x onerror=alert(1)> **bold** [link](javascript:alert(1))'
    data = ("platform,account,post_id,published_at,title,text,likes\n"
            f'x,acme,p1,2026-11-20 10:00:00,"<b>title</b>","{text.replace(chr(34), chr(34) * 2)}",5\n').encode()
    result = import_one(store, "<svg onload=alert(1)>.csv", data)
    assert result.status == "imported"
    assert store.rows("SELECT file_name FROM imports") == [("<svg onload=alert(1)>.csv",)]
    assert store.rows("SELECT text, title FROM posts") == [(text, "<b>title</b>")]
    table = post_table(store, Filters(date(2026, 11, 1), date(2026, 11, 24)))
    assert table["title"].to_list() == ["<b>title</b>"]


# -- exported CSV cells never run as formulas ----------------------------------------------------

def test_the_one_csv_helper_neutralises_formula_cells():
    frame = pl.DataFrame({"user_id": ["=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tx", "ok", None],
                          "revenue": [1.0, -2.0, 3.0, 4.0, 5.0, 6.0, 7.0]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "ok", ""]
    assert [r[1] for r in rows[1:]] == ["1.0", "-2.0", "3.0", "4.0", "5.0", "6.0", "7.0"]  # numbers stay numbers
    assert neutralise("=1+1") == "'=1+1" and neutralise("1+1") == "1+1"


def test_every_csv_download_goes_through_the_helper():
    """Each download_button in the UI gets its bytes from csv_bytes (directly or via a producer that
    calls it), the review report, or the canonical templates."""
    producers = {"csv_bytes", "kpi_csv", "template_csv", "_user_csv", "_html_bytes", "made"}
    for path in sorted((SRC / "ui").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "download_button":
                data = next((k.value for k in call.keywords if k.arg == "data"), call.args[1] if len(call.args) > 1 else None)
                names = {n.id for n in ast.walk(data) if isinstance(n, ast.Name)} | \
                        {n.attr for n in ast.walk(data) if isinstance(n, ast.Attribute)}
                assert names & producers, (path.name, call.lineno, ast.unparse(data))


def test_templates_are_neutralised_csv_too():
    for table in CANONICAL:
        for language in ("en", "zh"):
            header = next(csv.reader(io.StringIO(template_csv(table, language).decode("utf-8-sig"))))
            assert all(not cell.startswith(("=", "+", "-", "@")) for cell in header)


def test_lifecycle_user_list_with_formula_ids_downloads_neutralised(store):
    data = (b"user_id,occurred_at,event_type,channel\n"
            b"=cmd|' /C calc'!A0,2026-11-20 10:00:00,visit,+douyin\n"
            b"@evil,2026-11-21 10:00:00,visit,-kol\n")
    assert import_one(store, "events.csv", data).status == "imported"
    users = stage_users(store, params_from_settings(store), TODAY, "new")
    text = csv_bytes(users).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(r[0] for r in rows[1:]) == ["'=cmd|' /C calc'!A0", "'@evil"]
    assert sorted(r[1] for r in rows[1:]) == ["'+douyin", "'-kol"]


# -- names and filter values never reach SQL unbound ---------------------------------------------

def _quoted_workspace(store):
    data = ("platform,account,post_id,published_at,title,text,likes,reach\n"
            f'x,"{QUOTED.replace(chr(34), chr(34) * 2)}",p1,2026-11-20 10:00:00,a,"it\'s; DROP TABLE posts",5,50\n'
            "x,plain,p2,2026-11-21 10:00:00,b,other,7,70\n").encode()
    assert import_one(store, "posts.csv", data).status == "imported"


def test_filter_values_with_quotes_and_sql_are_bound_in_every_metric(store):
    _quoted_workspace(store)
    before = _rows_everywhere(store)
    period = dict(start=date(2026, 11, 1), end=date(2026, 11, 24))
    evil = Filters(**period, platforms=(EVIL,), accounts=(EVIL, QUOTED))
    assert kpi_comparison(store, evil, ("likes",))["current"]["likes"] in (None, 0)
    assert breakdown(store, evil, ("likes",)).is_empty()
    series(store, evil, ("likes",), True)
    assert count_posts(store, evil) == 0
    # the account whose name holds quotes, a backslash and LIKE wildcards is found exactly
    mine = Filters(**period, accounts=(QUOTED,))
    assert kpi_comparison(store, mine, ("likes",))["current"]["likes"] == 5
    assert (QUOTED,) in {(a,) for _, a in platforms_and_accounts(store)}
    # searches are literal text, not SQL and not LIKE patterns
    everything = Filters(**period)
    assert count_posts(store, everything, EVIL) == 0
    assert count_posts(store, everything, "s; DROP TABLE posts") == 1
    assert count_posts(store, everything, "%") == 0 and count_posts(store, everything, "_") == 0
    assert post_table(store, everything, "it's")["post_id"].to_list() == ["p1"]
    top, _ = top_bottom(store, evil, "likes", 5)
    assert top.is_empty()
    assert _rows_everywhere(store) == before


def test_mapped_column_names_with_quotes_and_sql_are_quoted(store):
    header = ['用户"); DROP TABLE events; --', "when 'it' happened", "what\"\"", "x`y"]
    rows = [["u1", "2026-11-20 10:00:00", "purchase", "1"], ["u2", "2026-11-21 09:00:00", "visit", "2"]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    data = buffer.getvalue().encode()
    first = import_one(store, "orders.csv", data)
    assert first.status == "failed" and first.error.code == "unrecognised"
    save_mapping(store, header, "shop", "orders", "events",
                 {"user_id": header[0], "occurred_at": header[1], "event_type": header[2], "quantity": header[3]})
    result = import_one(store, "orders_2.csv", data + b"u3,2026-11-22 08:00:00,visit,3\n")
    assert result.status == "imported" and result.rows_inserted == 3
    assert store.rows("SELECT user_id, event_type, quantity FROM events ORDER BY user_id") == [
        ("u1", "purchase", 1.0), ("u2", "visit", 2.0), ("u3", "visit", 3.0)]
    assert set(store.rows("SELECT table_name FROM information_schema.tables")) >= {(t,) for t in CANONICAL}


def test_store_is_untouched_by_a_header_made_of_sql(store):
    _quoted_workspace(store)
    before = _rows_everywhere(store)
    data = f'"{EVIL}","a""; DELETE FROM posts; --"\n1,2\n'.encode()
    result = import_one(store, Path("evil.csv").name, data)
    assert result.status == "failed"
    assert _rows_everywhere(store) == before
