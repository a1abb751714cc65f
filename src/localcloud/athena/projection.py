"""Partition projection: the partitions a table's `projection.*` parameters declare, computed
instead of read from the catalog (as Athena does when `projection.enabled` is true)."""

from __future__ import annotations

import datetime as dt
import re

from localcloud.athena.catalog import Partition, Table
from localcloud.athena.errors import QueryFailed, not_supported
from localcloud.athena.sql.patterns import joda_to_strftime

_MAX_PARTITIONS = 1_000_000
_UNITS = {"YEARS": "years", "MONTHS": "months", "WEEKS": "weeks", "DAYS": "days",
          "HOURS": "hours", "MINUTES": "minutes", "SECONDS": "seconds"}


def projected_partitions(table: Table, now: dt.datetime | None = None) -> list[Partition]:
    """Every partition the projection declares, with its location from the template."""
    params = table.parameters
    keys = [k.name for k in table.partition_keys]
    value_lists = [_values(params, key, now or dt.datetime.now(dt.timezone.utc)) for key in keys]
    template = params.get("storage.location.template")
    combos: list[list[str]] = [[]]
    for values in value_lists:
        combos = [c + [v] for c in combos for v in values]
        if len(combos) > _MAX_PARTITIONS:
            raise QueryFailed("INVALID_TABLE_PROPERTY", "partition projection yields too many "
                              "partitions")
    partitions = []
    for combo in combos:
        if template:
            location = template
            for key, value in zip(keys, combo, strict=False):
                location = location.replace("${" + key + "}", value)
        else:
            location = table.location.rstrip("/") + "/" + "/".join(
                f"{k}={v}" for k, v in zip(keys, combo, strict=False)
            )
        partitions.append(Partition(combo, location))
    return partitions


def _values(params: dict[str, str], key: str, now: dt.datetime) -> list[str]:
    kind = params.get(f"projection.{key}.type", "").lower()
    if kind == "enum":
        return [v.strip() for v in params.get(f"projection.{key}.values", "").split(",") if v]
    if kind == "integer":
        low, high = (int(v) for v in params[f"projection.{key}.range"].split(","))
        step = int(params.get(f"projection.{key}.interval", "1"))
        digits = int(params.get(f"projection.{key}.digits", "0"))
        return [str(v).zfill(digits) for v in range(low, high + 1, step)]
    if kind == "date":
        return _date_values(params, key, now)
    if kind == "injected":
        raise not_supported(f"Partition projection type 'injected' (column {key})")
    raise QueryFailed("INVALID_TABLE_PROPERTY", f"projection.{key}.type is missing or unknown")


def _date_values(params: dict[str, str], key: str, now: dt.datetime) -> list[str]:
    fmt = joda_to_strftime(params[f"projection.{key}.format"])
    low_text, high_text = (v.strip() for v in params[f"projection.{key}.range"].split(","))
    low, high = _date_bound(low_text, fmt, now), _date_bound(high_text, fmt, now)
    unit = _UNITS.get(params.get(f"projection.{key}.interval.unit", "DAYS").upper(), "days")
    step = int(params.get(f"projection.{key}.interval", "1"))
    values, current = [], low
    while current <= high:
        values.append(current.strftime(fmt.replace("%-", "%")))
        current = _add(current, unit, step)
        if len(values) > _MAX_PARTITIONS:
            break
    return values


def _date_bound(text: str, fmt: str, now: dt.datetime) -> dt.datetime:
    m = re.fullmatch(r"NOW\s*(?:([+-])\s*(\d+)\s*(\w+?)S?)?", text.strip(), re.IGNORECASE)
    if m:
        base = now.replace(tzinfo=None)
        if m.group(1):
            amount = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
            base = _add(base, _UNITS.get(m.group(3).upper() + "S", "days"), amount)
        return base
    return dt.datetime.strptime(text, fmt.replace("%-", "%"))


def _add(value: dt.datetime, unit: str, amount: int) -> dt.datetime:
    if unit in ("years", "months"):
        months = value.month - 1 + amount * (12 if unit == "years" else 1)
        year, month = value.year + months // 12, months % 12 + 1
        return value.replace(year=year, month=month, day=min(value.day, 28))
    return value + dt.timedelta(**{unit: amount})
