"""Results of shared metric building blocks kept per data version.

One page view asks for the same base sums many times: the KPI tiles, their trend lines, the target
badges, "what changed most" and the breakdown table all start from `base.base_frame` of the same
filters, and every paid figure from the same channel query. `memoised` keeps the result of such a
function for (store, data version, arguments): a second call in the same state of the data is
a lookup, and any write (which bumps the data version) makes every kept result stale at once.
Results are frames and values the callers only read.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
MAX_ENTRIES = 256

_kept: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def memoised(function: F) -> F:
    """function(store, *args) -> result, kept per (store object, data version, args); args hashable."""

    @functools.wraps(function)
    def wrapper(store, *args: Any, **kwargs: Any) -> Any:
        try:
            key = (function.__module__, function.__qualname__, _token(store), store.data_version, args,
                   tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:  # an unhashable argument: no memo
            return function(store, *args, **kwargs)
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _kept[key]
        result = function(store, *args, **kwargs)
        with _lock:
            _kept[key] = result
            while len(_kept) > MAX_ENTRIES:
                _kept.popitem(last=False)
        return result

    return wrapper  # type: ignore[return-value]


_tokens = itertools.count()


def _token(store) -> int:
    """A number of its own for each Store object: two stores never share results, even on one path."""
    token = getattr(store, "_memo_token", None)
    if token is None:
        token = next(_tokens)
        store._memo_token = token
    return token


def clear() -> None:
    """Forget every kept result (benchmarks time the first call after a change)."""
    with _lock:
        _kept.clear()
