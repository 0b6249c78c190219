"""Definitions: every metric of the catalogue with its formula, in Chinese and English side by side."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.targets import metric_info, target_metric_keys
from dashboard.ui.context import tr


def definitions_frame() -> pl.DataFrame:
    return pl.DataFrame([{
        "key": key,
        "group": tr(f"group.{metric.group}"),
        "name_zh": t(f"metric.{key}", "zh"), "formula_zh": t(f"formula.{key}", "zh"),
        "name_en": t(f"metric.{key}", "en"), "formula_en": t(f"formula.{key}", "en"),
        "unit": tr(f"unit.{metric.unit}"), "better": tr(f"better.{metric.better}"),
    } for key, metric in ((k, metric_info(k)) for k in target_metric_keys())])


def render() -> None:
    st.title(tr("page.definitions"))
    st.markdown(tr("definitions.intro"))
    frame = definitions_frame()
    query = st.text_input(tr("definitions.search"), key="definitions_search").strip().lower()
    if query:
        frame = frame.filter(pl.concat_str(pl.all(), separator=" ").str.to_lowercase().str.contains(query, literal=True))
    labels = {"key": tr("definitions.key"), "group": tr("definitions.group"), "name_zh": "名称",
              "formula_zh": "定义", "name_en": "Name", "formula_en": "Definition",
              "unit": tr("definitions.unit"), "better": tr("definitions.better")}
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={k: st.column_config.TextColumn(v) for k, v in labels.items()})
    st.caption(tr("definitions.ratio_rule"))
