"""Targets: how each target is doing this period, the editable target table (saved on submit), and
the history of changes with undo.

The table is a st.data_editor inside a form: edits stay in the browser until Save, the editor's
output is never fed back as its input (its input is always the stored table), and its key follows
the newest history entry, so a save or an undo (here or in another session) shows the stored
table afresh while unsaved edits survive every other rerun.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import streamlit as st

from dashboard.i18n import has
from dashboard.ingest.platforms import KNOWN_PLATFORMS
from dashboard.metrics.scope import has_social_data
from dashboard.settings import workspace_tz
from dashboard.store.db import StoreError
from dashboard.targets import (
    DEFAULT_EDITOR,
    EDITABLE,
    PERIOD_TYPES,
    SEED_EDITOR,
    RowError,
    TargetValidationError,
    clean_editor,
    history,
    last_change_id,
    list_targets,
    metric_info,
    next_undo,
    save_targets,
    target_metric_keys,
    targets_for_period,
    undo_last,
)
from dashboard.ui.auth import can, permitted, require, signed_in_editor
from dashboard.ui.cache import cached
from dashboard.ui.context import labeller, store, tr
from dashboard.ui.filters import sidebar_filters
from dashboard.ui.kpi_tiles import metric_label
from dashboard.ui.shell import DATA_PAGE
from dashboard.ui.target_badges import (
    badge_markdown,
    band_markdown,
    ensure_default_targets,
    escape_markdown,
    scope_text,
    value_text,
)

CARDS_PER_ROW = 3
HISTORY_ROWS = 50
_NUMBERS = ("value", "floor", "stretch")
EDITOR_SCHEMA = {
    "target_id": pl.String, "metric": pl.String, "platform": pl.String, "channel": pl.String,
    "period_type": pl.String, "period_start": pl.Date, "value": pl.Float64, "floor": pl.Float64,
    "stretch": pl.Float64, "note": pl.String, "changed": pl.String,
}


def render() -> None:
    st.title(tr("page.targets"))
    st.caption(tr("targets.intro"))
    filters = sidebar_filters()
    ensure_default_targets()
    if message := st.session_state.pop("targets_message", None):
        st.success(message)
    _status_section(filters)
    _editor_section()
    _history_section()


# -- status --------------------------------------------------------------------------------------

def _status_section(filters: Any) -> None:
    st.subheader(tr("targets.status_title", as_of=filters.end.isoformat()))
    frame = cached(targets_for_period, filters)
    if frame.is_empty():
        st.info(tr("targets.no_targets_in_scope") if filters.platforms else tr("targets.no_targets"))
        return
    if not cached(has_social_data):
        st.info(tr("targets.no_data"))
        st.page_link(DATA_PAGE, label=tr("targets.go_to_data"), icon=":material/upload_file:")
    rows = frame.to_dicts()
    for start in range(0, len(rows), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, row in zip(columns, rows[start:start + CARDS_PER_ROW], strict=False):
            with column.container(border=True):
                _card(row, filters.denominator)
    st.caption(tr("targets.status_caption", tolerance="5%"))


def _card(row: dict[str, Any], denominator: str) -> None:
    unit = row["unit"]
    st.markdown(f"**{metric_label(row['metric'], denominator)}** · {scope_text(row)}")
    better = {"down": tr("targets.at_most"), "up": tr("targets.at_least")}.get(row["better"], "")
    st.markdown(f"{badge_markdown(row)}{band_markdown(row)} " + tr(
        "targets.actual_vs_target", actual=value_text(row["actual"], unit),
        target=f"{better} {value_text(row['target'], unit)}".strip()))
    if row["accumulating"] and row["progress"] is not None and row["better"] == "up":
        st.progress(min(max(row["progress"], 0.0), 1.0))
    notes = [tr("targets.period_span", period=tr(f"targets.period.{row['period_type']}"),
                start=row["period_start"].isoformat(), end=row["period_end"].isoformat())]
    if row["reason"] == "not_started":
        notes.append(tr("targets.starts_on", start=row["period_start"].isoformat()))
    elif row["accumulating"]:
        notes.append(tr("targets.pace_accumulating", pace=value_text(row["pace"], unit),
                        elapsed=row["days_elapsed"], total=row["days_total"]))
    else:
        notes.append(tr("targets.pace_ratio_metric"))
    if row["reason"] == "no_data":
        notes.append(tr("targets.no_data_for_scope", scope=scope_text(row)))
    if row["floor"] is not None or row["stretch"] is not None:
        notes.append(tr("targets.floor_stretch", floor=value_text(row["floor"], unit),
                        stretch=value_text(row["stretch"], unit)))
    if row["note"]:
        notes.append(escape_markdown(row["note"]))
    st.caption(" · ".join(notes))


# -- editor --------------------------------------------------------------------------------------

def _unit(metric: str | None) -> str:
    return metric_info(metric).unit if metric in target_metric_keys() else "count"


def _to_display(value: float | None, unit: str) -> float | None:
    """Rates are edited as percentages (5 means 5%)."""
    if value is None:
        return None
    return round(value * 100, 9) if unit == "rate" else value


def _from_display(value: Any, unit: str) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if unit == "rate" and isinstance(value, int | float):
        return round(value / 100, 11)
    return value


def _editor_frame(stored: pl.DataFrame) -> pl.DataFrame:
    zone = workspace_tz(store())
    rows = []
    for row in stored.iter_rows(named=True):
        unit = _unit(row["metric"])
        changed = row["updated_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M") if row["updated_at"] else ""
        rows.append({**{k: row[k] for k in ("target_id", "metric", "platform", "channel", "period_type",
                                            "period_start", "note")},
                     **{k: _to_display(row[k], unit) for k in _NUMBERS},
                     "changed": f"{changed} · {_editor(row['updated_by'])}" if changed else ""})
    return pl.DataFrame(rows, schema=EDITOR_SCHEMA) if rows else pl.DataFrame(schema=EDITOR_SCHEMA)


def _editor(name: str | None) -> str:
    return tr("targets.seed_editor") if name == SEED_EDITOR else name or ""


def _column_config() -> dict[str, Any]:
    metrics = target_metric_keys()
    metric_labels = {k: tr(f"metric.{k}") for k in metrics}
    platforms = sorted(KNOWN_PLATFORMS - {"custom"}, key=lambda p: tr(f"platform.{p}"))
    return {
        "metric": st.column_config.SelectboxColumn(tr("targets.col.metric"), options=metrics, required=True,
                                                   format_func=metric_labels.get, width="medium"),
        "platform": st.column_config.SelectboxColumn(tr("targets.col.platform"), options=platforms,
                                                     format_func=labeller("platform."),
                                                     help=tr("targets.help.platform")),
        "channel": st.column_config.TextColumn(tr("targets.col.channel"), help=tr("targets.help.channel"),
                                               max_chars=100, width="small"),
        "period_type": st.column_config.SelectboxColumn(tr("targets.col.period_type"), options=list(PERIOD_TYPES),
                                                        required=True, format_func=labeller("targets.period."),
                                                        default="month"),
        "period_start": st.column_config.DateColumn(tr("targets.col.period_start"), format="YYYY-MM-DD",
                                                    required=True, help=tr("targets.help.period_start")),
        "value": st.column_config.NumberColumn(tr("targets.col.value"), required=True, format="%g",
                                               help=tr("targets.help.value")),
        "floor": st.column_config.NumberColumn(tr("targets.col.floor"), format="%g", help=tr("targets.help.floor"),
                                               width="small"),
        "stretch": st.column_config.NumberColumn(tr("targets.col.stretch"), format="%g",
                                                 help=tr("targets.help.stretch"), width="small"),
        "note": st.column_config.TextColumn(tr("targets.col.note"), max_chars=500, width="medium"),
        "changed": st.column_config.TextColumn(tr("targets.col.changed"), disabled=True),
    }


def _editor_section() -> None:
    st.subheader(tr("targets.edit_title"))
    may_edit = permitted("edit_targets")
    st.session_state.setdefault("editor_name", DEFAULT_EDITOR)
    if signed_in := signed_in_editor():  # with login, changes carry the sign-in address: nobody types a name
        st.session_state["editor_name"] = clean_editor(signed_in)
        st.text_input(tr("targets.editor_name"), value=signed_in, key="targets_editor_signed_in", disabled=True,
                      help=tr("auth.editor_name_help"))
    else:
        name = st.text_input(tr("targets.editor_name"), value=st.session_state["editor_name"],
                             key="targets_editor_name", help=tr("targets.editor_name_help"), max_chars=80)
        st.session_state["editor_name"] = clean_editor(name)
    db = store()
    stored = list_targets(db)
    base = _editor_frame(stored)
    key = f"targets_editor_{last_change_id(db)}"
    with st.form("targets_form", border=False):
        edited = st.data_editor(
            base, key=key, num_rows="dynamic", hide_index=True, width="stretch", placeholder="—",
            column_order=["metric", "platform", "channel", "period_type", "period_start", "value", "floor", "stretch",
                          "note", "changed"],
            column_config=_column_config(), disabled=not may_edit)
        st.caption(tr("targets.editor_caption"))
        submitted = st.form_submit_button(tr("targets.save"), type="primary", icon=":material/save:",
                                          key="targets_save", disabled=not may_edit)
    if stored.is_empty():
        st.info(tr("targets.empty_table"))
    if submitted and require("edit_targets"):
        _save(stored, base, edited, key)


def _rows_to_save(stored: pl.DataFrame, base: pl.DataFrame, edited: pl.DataFrame, key: str
                  ) -> tuple[list[dict[str, Any]], list[str]]:
    """The edited table as target rows (core units), and the ids of the deleted rows. Rows the
    user did not touch are passed exactly as stored; edited rows carry the stored updated_at so
    a save made meanwhile elsewhere is caught."""
    state = st.session_state.get(key) or {}
    deleted_positions = sorted(int(i) for i in state.get("deleted_rows", []))
    kept = [i for i in range(base.height) if i not in set(deleted_positions)]
    stored_rows = stored.to_dicts()
    base_rows = base.to_dicts()
    rows = []
    for position, record in enumerate(edited.to_dicts()):
        if position < len(kept):
            original = kept[position]
            if all(record.get(k) == base_rows[original].get(k) for k in EDITABLE):
                rows.append(stored_rows[original])
                continue
            record = {**record, "target_id": base_rows[original]["target_id"],
                      "updated_at": stored_rows[original]["updated_at"]}
        else:
            record = {**record, "target_id": None}
        unit = _unit(record.get("metric"))
        rows.append({**{k: record.get(k) for k in ("target_id", "updated_at") if k in record},
                     **{k: _from_display(record.get(k), unit) if k in _NUMBERS else record.get(k) for k in EDITABLE}})
    return rows, [base_rows[i]["target_id"] for i in deleted_positions if i < len(base_rows)]


def _save(stored: pl.DataFrame, base: pl.DataFrame, edited: pl.DataFrame, key: str) -> None:
    rows, deleted = _rows_to_save(stored, base, edited, key)
    try:
        result = save_targets(store(), rows, st.session_state.get("editor_name"), deleted=deleted)
    except TargetValidationError as exc:
        st.error(tr("targets.invalid", count=len(exc.errors)) + "\n\n" +
                 "\n".join(f"- {_error_text(e)}" for e in exc.errors))
        return
    except StoreError as exc:
        st.error(tr(f"issue.store_{exc.code}", **exc.params))
        return
    if not result.changed:
        st.info(tr("targets.nothing_changed"))
        return
    st.session_state["targets_message"] = tr("targets.saved", created=result.created, updated=result.updated,
                                             deleted=result.deleted)
    st.rerun()


def _error_text(error: RowError) -> str:
    field = tr(f"targets.col.{error.field}") if has(f"targets.col.{error.field}") else error.field
    params = {k: escape_markdown(str(v)) if k in ("metric", "platform", "by") else v for k, v in error.params.items()}
    if "period_type" in params:
        params["period_type"] = tr(f"targets.period.{error.params['period_type']}")
    if "metric" in params and has(f"metric.{error.params['metric']}"):
        params["metric"] = tr(f"metric.{error.params['metric']}")
    key = f"targets.error.{error.code}"
    message = tr(key, **params) if has(key) else tr("targets.error.invalid")
    return tr("targets.error_line", row=error.row, field=field, message=message)


# -- history and undo ----------------------------------------------------------------------------

def _changes_text(save: dict[str, Any]) -> str:
    """'change of Engagement rate, deletion of Short videos' (oldest first, as they were made)."""
    return tr("targets.list_sep").join(
        tr("targets.change_item", action=tr(f"targets.action.{c['action']}"), metric=tr(f"metric.{c['metric']}"))
        for c in reversed(save["changes"]))


def _history_section() -> None:
    st.subheader(tr("targets.history_title"))
    db = store()
    pending = next_undo(db)
    zone = workspace_tz(db)
    left, right = st.columns([3, 1], vertical_alignment="center")
    if pending:
        left.caption(tr("targets.undo_hint", items=_changes_text(pending),
                        editor=escape_markdown(pending["changed_by"] or ""),
                        at=pending["changed_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")))
    else:
        left.caption(tr("targets.undo_nothing"))
    if right.button(tr("targets.undo"), key="targets_undo", disabled=pending is None or not can("edit_targets"),
                    icon=":material/undo:", width="stretch") and require("edit_targets"):
        try:
            undone = undo_last(db, st.session_state.get("editor_name"))
        except StoreError as exc:
            st.error(tr(f"issue.store_{exc.code}", **exc.params))
            return
        if undone:
            st.session_state["targets_message"] = tr("targets.undone", items=_changes_text(undone))
        st.rerun()
    frame = history(db, HISTORY_ROWS)
    if frame.is_empty():
        st.caption(tr("targets.history_empty"))
        return
    rows = []
    for row in frame.iter_rows(named=True):
        unit = _unit(row["metric"])
        scope = (tr(f"platform.{row['platform']}") if row["platform"] else row["channel"] or tr("targets.all_platforms"))
        rows.append({
            tr("targets.hist.time"): row["changed_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            tr("targets.hist.editor"): _editor(row["changed_by"]),
            tr("targets.hist.action"): tr(f"targets.action.{row['action']}") +
            (f" ({tr('targets.hist.undone')})" if row["undone"] else ""),
            tr("targets.hist.metric"): tr(f"metric.{row['metric']}") if row["metric"] else "",
            tr("targets.hist.scope"): scope,
            tr("targets.hist.period"): f"{tr('targets.period.' + row['period_type'])} · {row['period_start']}"
            if row["period_type"] else "",
            tr("targets.hist.before"): value_text(row["value_before"], unit) if row["before"] else "—",
            tr("targets.hist.after"): value_text(row["value_after"], unit) if row["after"] else "—",
        })
    st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch", key="targets_history")
