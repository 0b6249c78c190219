"""The Data page: upload exports, see one result line per file, map unknown files, history, templates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import streamlit as st

from dashboard.i18n import describe_issue, has
from dashboard.ingest import templates
from dashboard.ingest.mapping import mappable_columns, save_mapping, spec_from_mapping
from dashboard.ingest.normalise import ImportContext, normalise
from dashboard.ingest.pipeline import FileResult, import_bytes, undo_import
from dashboard.ingest.platforms import KNOWN_PLATFORMS
from dashboard.ingest.read import Table
from dashboard.ingest.spec import column_names, normalise_header
from dashboard.settings import get_setting, pseudonym_salt, set_setting, workspace_tz
from dashboard.store.db import StoreError
from dashboard.store.schema import CANONICAL
from dashboard.ui.auth import can, permitted, require
from dashboard.ui.context import labeller, lang, store, tr

# material icons render in every font, emoji do not (Chromium on a server has no emoji font)
_STATUS_ICON = {"imported": ":material/check_circle:", "duplicate": ":material/content_copy:",
                "failed": ":material/error:", "undone": ":material/undo:",
                "started": ":material/hourglass_top:", "interrupted": ":material/cancel:"}
_NONE = "—"


def render() -> None:
    st.title(tr("page.data"))
    st.caption(tr("data.intro"))
    upload_tab, history_tab, templates_tab = st.tabs(
        [tr("data.tab_upload"), tr("data.tab_history"), tr("data.tab_templates")])
    with upload_tab:
        _upload_section()
    with history_tab:
        _history_section()
    with templates_tab:
        _templates_section()


# -- upload -------------------------------------------------------------------------------------

def _upload_section() -> None:
    if not permitted("import"):  # a viewer: no uploader, the reason instead
        return
    files = st.file_uploader(tr("data.uploader"), accept_multiple_files=True, key="uploads",
                             help=tr("data.uploader_help"))
    account = st.text_input(tr("data.account"), key="upload_account", help=tr("data.account_help"))
    pseudonymise = st.checkbox(tr("data.pseudonymise"), value=bool(get_setting(store(), "pseudonymise")),
                               key="upload_pseudonymise", help=tr("data.pseudonymise_help"))
    if st.button(tr("data.import_button"), type="primary", disabled=not files, key="import_button") \
            and require("import"):
        if pseudonymise != bool(get_setting(store(), "pseudonymise")) and can("edit_settings"):
            set_setting(store(), "pseudonymise", pseudonymise)  # the next session starts from this choice
        _run_imports([(f.name, f.getvalue()) for f in files], account.strip() or None)
    results: list[FileResult] = st.session_state.get("import_results", [])
    if results:
        st.subheader(tr("data.results"))
        for result in results:
            _result_line(result)
    for name, (data, tables) in list(st.session_state.get("to_map", {}).items()):
        _mapping_step(name, data, tables)


def _run_imports(files: list[tuple[str, bytes]], account: str | None) -> None:
    progress = st.progress(0.0, text=tr("data.importing", done=0, total=len(files)))
    results: list[FileResult] = []
    to_map: dict[str, tuple[bytes, list[Table]]] = {}
    for index, (name, data) in enumerate(files):
        file_results = import_bytes(store(), name, data, account=account, pseudonymise=_pseudonymise())
        results.extend(file_results)
        for result in file_results:
            if result.unrecognised:
                to_map[result.file] = (data, result.unrecognised)
        progress.progress((index + 1) / len(files), text=tr("data.importing", done=index + 1, total=len(files)))
    progress.empty()
    st.session_state["import_results"] = results
    st.session_state["to_map"] = to_map


def _result_line(result: FileResult) -> None:
    icon = _STATUS_ICON.get(result.status, "")
    what = (f"{tr('platform.' + result.platform)} · {kind_label(result.kind)}" if result.platform
            else tr("data.unknown_kind"))
    line = tr("data.result_line", icon=icon, file=_md_literal(result.file), status=tr("status." + result.status), what=what,
              account=result.account or _NONE, read=result.rows_read, inserted=result.rows_inserted,
              updated=result.rows_updated, skipped=result.rows_skipped)
    box = (st.error if result.status == "failed" else st.info if result.status == "duplicate"
           else st.warning if result.rows_skipped else st.success)
    box(line)
    messages = ([result.error] if result.error else []) + result.warnings
    if messages:
        with st.expander(tr("data.details", count=len(messages))):
            for issue in messages:
                st.text(describe_issue(issue, lang()))


# -- mapping an unknown file --------------------------------------------------------------------

def _pseudonymise() -> bool:
    return bool(st.session_state.get("upload_pseudonymise"))


def _md_literal(text: str) -> str:
    """A file name shown as itself inside markdown: a code span takes no links, colours or emphasis."""
    return "`" + text.replace("`", "'") + "`"


def kind_label(kind: str | None) -> str:
    """A user mapping's kind is the user's own words; built-in kinds have names in both languages."""
    if not kind:
        return "—"
    return tr(f"kind.{kind}") if has(f"kind.{kind}") else kind


def _guess_header_row(table: Table) -> int:
    rows = table.rows[:10]
    return max(range(len(rows)), key=lambda i: (sum(1 for c in rows[i] if c.strip()), -i)) if rows else 0


def _looks_headerless(row: list[str]) -> bool:
    """Every cell of the would-be header holds a digit: a data row (a CDNOW-style transaction log)."""
    cells = [c for c in row if c.strip()]
    return bool(cells) and all(any(ch.isdigit() for ch in c) for c in cells)


def _mapping_step(name: str, data: bytes, tables: list[Table]) -> None:
    st.subheader(tr("map.title", file=name))
    st.caption(tr("map.intro"))
    key = f"map_{abs(hash(name))}"
    table = tables[0]
    if len(tables) > 1:
        sheet = st.selectbox(tr("map.sheet"), [t.sheet or t.source for t in tables], key=f"{key}_sheet")
        table = next(t for t in tables if (t.sheet or t.source) == sheet)
    headerless = st.checkbox(tr("map.headerless"), value=_looks_headerless(table.rows[_guess_header_row(table)]),
                             key=f"{key}_headerless", help=tr("map.headerless_help"))
    if headerless:  # every row is data; columns are named by position
        header_row, width = 0, max(len(row) for row in table.rows[:30])
        header = column_names(width)
        samples = {name: table.rows[0][i] if i < len(table.rows[0]) else "" for i, name in enumerate(header)}
        labels = {name: tr("map.column_sample", n=i + 1, sample=samples[name][:24])
                  for i, name in enumerate(header)}
    else:
        header_row = st.number_input(tr("map.header_row"), min_value=1, max_value=max(1, min(30, len(table.rows))),
                                     value=_guess_header_row(table) + 1, key=f"{key}_header") - 1
        header = table.rows[header_row]
        labels = {}
    left, middle, right = st.columns(3)
    platforms = sorted(KNOWN_PLATFORMS)
    platform = left.selectbox(tr("map.platform"), platforms, index=platforms.index("custom"),
                              format_func=labeller("platform."), key=f"{key}_platform")
    kind = middle.text_input(tr("map.kind"), value="custom", key=f"{key}_kind").strip() or "custom"
    table_name = right.selectbox(tr("map.table"), list(CANONICAL), format_func=labeller("table."),
                                 key=f"{key}_table")
    options = [_NONE, *[h for h in header if h.strip()]]
    column_map: dict[str, str] = {}
    grid = st.columns(3)
    for index, canonical in enumerate(mappable_columns(table_name)):
        guess = next((h for h in options[1:] if normalise_header(h) in
                      {canonical, normalise_header(templates.zh_header(canonical))}), _NONE)
        choice = grid[index % 3].selectbox(tr("field." + canonical), options, index=options.index(guess),
                                           key=f"{key}_{table_name}_{canonical}",
                                           format_func=lambda option, shown=labels: shown.get(option, option))
        if choice != _NONE:
            column_map[canonical] = choice
    constants: dict[str, str] = {}
    if table_name == "events" and "event_type" not in column_map:
        fixed = st.text_input(tr("map.event_type_constant"), value="purchase", key=f"{key}_event_type").strip()
        if fixed:
            constants["event_type"] = fixed
    missing = templates.missing_required(table_name, column_map, constants)
    spec = spec_from_mapping(header, platform, kind, table_name, column_map, constants, headerless)
    preview_rows = 20 if headerless else header_row + 21
    preview_table = Table(table.source, table.sheet, table.rows[:preview_rows],
                          table.line_numbers[:preview_rows], table.encoding, table.delimiter)
    if column_map:
        ctx = ImportContext(file_name=name, tz=workspace_tz(store()), today=date.today(),
                            now=_now(), account=st.session_state.get("upload_account") or None,
                            salt=pseudonym_salt(store()) if _pseudonymise() else None)
        preview = normalise(preview_table, spec, header_row, ctx)
        st.markdown(f"**{tr('map.preview')}**")
        rows = [{tr("field." + c): r.get(c) for c in column_map} for r in preview.rows[:10]]
        if rows:
            st.dataframe(pl.DataFrame(rows, strict=False), hide_index=True)
        for issue in preview.skipped[:5]:
            st.caption(describe_issue(issue, lang()))
    if missing:
        st.info(tr("map.missing", fields=", ".join(tr("field." + m) for m in missing)))
    if st.button(tr("map.import"), type="primary", disabled=bool(missing) or not column_map, key=f"{key}_go") \
            and require("map_columns"):
        save_mapping(store(), header, platform, kind, table_name, column_map, constants, headerless)
        account = st.session_state.get("upload_account") or None
        results = import_bytes(store(), name, data, account=account, pseudonymise=_pseudonymise())
        st.session_state["import_results"] = [
            r for r in st.session_state.get("import_results", []) if r.file != name] + results
        st.session_state["to_map"].pop(name, None)
        st.rerun()


def _now() -> datetime:
    return datetime.now(UTC)


# -- history and undo ---------------------------------------------------------------------------

def _history_section() -> None:
    if "undo_message" in st.session_state:
        st.success(st.session_state.pop("undo_message"))
    db = store()
    frame = db.frame(
        "SELECT import_id, imported_at, file_name, status, platform, export_kind, account, rows_read, "
        "rows_inserted, rows_updated, rows_skipped FROM imports ORDER BY imported_at DESC LIMIT 500")
    if frame.is_empty():
        st.info(tr("data.history_empty"))
        return
    tz = str(workspace_tz(db))
    shown = frame.with_columns(
        pl.col("imported_at").dt.convert_time_zone(tz).dt.strftime("%Y-%m-%d %H:%M"),
        pl.col("status").replace_strict({s: tr("status." + s) for s in _STATUS_ICON}, default=pl.col("status")),
        pl.col("platform").replace_strict(
            {p: tr("platform." + p) for p in frame["platform"].drop_nulls().unique()}, default=None),
        pl.col("export_kind").replace_strict(
            {k: kind_label(k) for k in frame["export_kind"].drop_nulls().unique()}, default=None),
    ).drop("import_id").with_columns(pl.col(pl.String).fill_null("—"))
    shown = shown.rename({c: tr("history." + c) for c in shown.columns})
    st.dataframe(shown, hide_index=True, width="stretch")

    undoable = frame.filter(pl.col("status") == "imported")
    if undoable.is_empty() or not permitted("undo_import"):
        return
    labels = {row["import_id"]: f"{row['file_name']} · {row['imported_at']:%Y-%m-%d %H:%M}"
              for row in undoable.iter_rows(named=True)}
    # keyed on the data version: after an import or undo the newest import is preselected again
    chosen = st.selectbox(tr("data.undo_pick"), list(labels), format_func=labels.get,
                          key=f"undo_pick_{db.data_version}")
    if st.button(tr("data.undo_button"), key="undo_button") and require("undo_import"):
        try:
            removed = undo_import(db, chosen)
            st.session_state["undo_message"] = tr("data.undone", file=labels[chosen], rows=removed)
        except StoreError as exc:
            st.session_state["undo_message"] = tr(f"issue.store_{exc.code}", **exc.params)
        st.rerun()


# -- templates ----------------------------------------------------------------------------------

def _templates_section() -> None:
    st.markdown(tr("data.templates_intro"))
    for table_name in CANONICAL:
        with st.container(border=True):
            st.markdown(f"**{tr('table.' + table_name)}** — {tr('table_help.' + table_name)}")
            left, right = st.columns(2)
            for column, language in ((left, "zh"), (right, "en")):
                column.download_button(
                    tr("data.template_download", language=tr("language." + language)),
                    data=templates.template_csv(table_name, language),
                    file_name=templates.template_file_name(table_name, language),
                    mime="text/csv", key=f"tpl_{table_name}_{language}")
            described = [{tr("data.template_column"): c, tr("data.template_zh"): templates.zh_header(c),
                          tr("data.template_meaning"): tr("field." + c)} for c in mappable_columns(table_name)]
            with st.expander(tr("data.template_columns")):
                st.dataframe(pl.DataFrame(described), hide_index=True)
