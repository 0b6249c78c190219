"""What the team enters by hand for channel ROI: manual costs, exchange rates, channel groups.

Each table from an editor is validated whole with pydantic before anything is written; a problem
names the row (1 = the editor's first row), the field and what is wrong, and the store is left as
it was. Saving replaces the edited set in one transaction through `store.write()`.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dashboard.forms import is_blank
from dashboard.metrics.channels import GROUPS
from dashboard.settings import set_setting
from dashboard.store.db import Store
from dashboard.store.schema import COSTS

CATEGORIES = ("kol", "content", "tools", "staff", "other")
COST_FIELDS = ("channel", "date_start", "date_end", "amount", "currency", "category", "note")
_CODE = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = 1e12


@dataclass(frozen=True)
class Problem:
    """Row `row` (1-based), field `field`: i18n key `inputs.error.<code>` with `params`."""
    row: int
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def _currency_code(value: Any) -> str:
    code = str(value).strip().upper()
    if not _CODE.match(code):
        raise PydanticCustomError("bad_currency", "not a currency code", {"value": str(value)})
    return code


class CostInput(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    channel: str
    date_start: date
    date_end: date
    amount: float
    currency: str
    category: Literal["kol", "content", "tools", "staff", "other"]
    note: str | None = None

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if not value:
            raise PydanticCustomError("required", "required")
        return value

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: float) -> float:
        if not math.isfinite(value) or value > MAX_AMOUNT:
            raise PydanticCustomError("not_a_number", "not a usable number", {"value": str(value)})
        if value < 0:
            raise PydanticCustomError("negative", "must not be negative", {"value": str(value)})
        return value

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> str:
        return _currency_code(value)

    @model_validator(mode="after")
    def _dates(self) -> CostInput:
        if self.date_end < self.date_start:
            raise PydanticCustomError("end_before_start", "end before start",
                                      {"start": self.date_start.isoformat(), "end": self.date_end.isoformat()})
        return self


_CODES = {"missing": "required", "date_from_datetime_parsing": "bad_date", "date_parsing": "bad_date",
          "date_type": "bad_date", "date_from_datetime_inexact": "bad_date", "float_parsing": "not_a_number",
          "float_type": "not_a_number", "finite_number": "not_a_number", "literal_error": "bad_category",
          "string_type": "required"}


def _problems(row: int, exc: ValidationError, raw: dict[str, Any]) -> list[Problem]:
    found = []
    for error in exc.errors():
        location = error.get("loc") or ()
        name = str(location[0]) if location else "date_end"
        code = error["type"] if error["type"] in {"required", "negative", "not_a_number", "bad_currency",
                                                  "end_before_start"} else _CODES.get(error["type"], "invalid")
        value = raw.get(name)
        if is_blank(value) and code != "end_before_start":  # an empty cell fails its type check: it is missing
            code = "required"
        found.append(Problem(row, name, code, {"value": "" if is_blank(value) else str(value),
                                               **{k: v for k, v in (error.get("ctx") or {}).items()
                                                  if isinstance(v, str)}}))
    return found


# -- manual costs --------------------------------------------------------------------------------

def list_costs(store: Store) -> pl.DataFrame:
    """The stored costs, newest first, with every column of the `costs` table."""
    return store.frame(f"SELECT {', '.join(COSTS.columns)} FROM costs ORDER BY date_start DESC, channel, cost_id")


def validate_costs(rows: list[dict[str, Any]], default_currency: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Editor rows -> rows to store (cost_id kept, or a new one) and the problems found. A row left
    entirely empty (a blank line the editor added) is ignored."""
    good, problems = [], []
    for index, raw in enumerate(rows, start=1):
        if all(is_blank(raw.get(name)) for name in COST_FIELDS):
            continue
        values = {k: (None if is_blank(v) else v) for k, v in raw.items()}
        if values.get("currency") is None:
            values["currency"] = default_currency
        if values.get("date_end") is None:
            values["date_end"] = values.get("date_start")
        try:
            cost = CostInput.model_validate(values)
        except ValidationError as exc:
            problems += _problems(index, exc, raw)
            continue
        good.append({"cost_id": str(raw.get("cost_id") or "").strip() or uuid.uuid4().hex, **cost.model_dump()})
    return good, problems


def save_costs(store: Store, rows: list[dict[str, Any]], default_currency: str) -> list[Problem]:
    """Replace the stored costs with the editor's rows (rows it no longer has are deleted). Nothing
    is written when any row has a problem."""
    good, problems = validate_costs(rows, default_currency)
    if problems:
        return problems
    columns = list(COSTS.columns)
    with store.write() as cur:
        cur.run("DELETE FROM costs")
        for row in good:
            cur.run(f"INSERT INTO costs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    [row.get(c) for c in columns])
    return []


# -- exchange rates, channel groups -----------------------------------------------------------------

class RateInput(BaseModel):
    currency: str
    rate: float

    @field_validator("currency", mode="before")
    @classmethod
    def _code(cls, value: Any) -> str:
        return _currency_code(value)

    @field_validator("rate")
    @classmethod
    def _positive(cls, value: float) -> float:
        if not math.isfinite(value) or value <= 0:
            raise PydanticCustomError("not_positive", "must be above 0", {"value": str(value)})
        return value


def save_fx(store: Store, currency: str, rows: list[dict[str, Any]]) -> list[Problem]:
    """The workspace currency and the rates to it ('1 USD = 7.1 CNY': currency USD, rate 7.1)."""
    try:
        workspace = _currency_code(currency)
    except PydanticCustomError:
        return [Problem(0, "workspace_currency", "bad_currency", {"value": str(currency)})]
    rates, problems = {}, []
    for index, raw in enumerate(rows, start=1):
        if is_blank(raw.get("currency")) and is_blank(raw.get("rate")):
            continue
        try:
            item = RateInput.model_validate({k: (None if is_blank(v) else v) for k, v in raw.items()})
        except ValidationError as exc:
            problems += [p if p.code != "invalid" else Problem(p.row, p.field, "not_positive", p.params)
                         for p in _problems(index, exc, raw)]
            continue
        if item.currency in rates:
            problems.append(Problem(index, "currency", "duplicate", {"value": item.currency}))
        rates[item.currency] = item.rate
    if problems:
        return problems
    rates.pop(workspace, None)
    set_setting(store, "currency", workspace)
    set_setting(store, "fx_rates", rates)
    return []


def save_channel_groups(store: Store, rows: list[dict[str, Any]]) -> list[Problem]:
    """Channel -> group, for every row of the editor (a channel may be added by name)."""
    groups, problems = {}, []
    for index, raw in enumerate(rows, start=1):
        channel, group = raw.get("channel"), raw.get("group")
        if is_blank(channel) and is_blank(group):
            continue
        if is_blank(channel):
            problems.append(Problem(index, "channel", "required", {"value": ""}))
        elif group not in GROUPS:
            problems.append(Problem(index, "group", "bad_group", {"value": "" if is_blank(group) else str(group)}))
        else:
            groups[str(channel).strip()] = group
    if problems:
        return problems
    set_setting(store, "channel_groups", groups)
    return []
