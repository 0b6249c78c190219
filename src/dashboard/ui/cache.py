"""Cached metric calls: keyed on the store's data version, so a new import shows at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard.metrics.filters import Filters
from dashboard.ui.context import store

_HASH = {Filters: repr}


@st.cache_data(show_spinner=False, max_entries=512, hash_funcs=_HASH)
def _call(name: str, version: int, path: str, args: tuple, kwargs: tuple) -> Any:
    return _FUNCTIONS[name](store(), *args, **dict(kwargs))


_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def register(function: Callable[..., Any]) -> Callable[..., Any]:
    """Make a metric function (store, ...) -> value callable through the cache by name."""
    _FUNCTIONS[f"{function.__module__}.{function.__name__}"] = function
    return function


def cached(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """function(store, *args, **kwargs), cached per data version (args must be hashable)."""
    name = f"{function.__module__}.{function.__name__}"
    _FUNCTIONS.setdefault(name, function)
    db = store()
    return _call(name, db.data_version, db.path, tuple(args), tuple(sorted(kwargs.items())))
