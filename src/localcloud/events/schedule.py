"""Schedule expressions: `rate(5 minutes)` and AWS's six-field `cron(m h dom mon dow year)`,
and the next fire time after a given instant (UTC)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i + 1 for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}
_MAX_YEARS = 10


class ScheduleError(ValueError):
    """An invalid schedule expression (ValidationException on AWS)."""


@dataclass(frozen=True)
class Rate:
    seconds: int

    def next_after(self, after: float, anchor: float) -> float:
        """The first anchor + k·rate strictly after `after` (anchor: when counting started)."""
        if after < anchor:
            return anchor + self.seconds
        periods = int((after - anchor) // self.seconds) + 1
        return anchor + periods * self.seconds


@dataclass(frozen=True)
class Cron:
    minutes: frozenset
    hours: frozenset
    dom: str
    months: frozenset
    dow: str
    years: frozenset | None

    def next_after(self, after: float, anchor: float = 0.0) -> float:
        start = datetime.fromtimestamp(after, timezone.utc).replace(second=0, microsecond=0)
        start += timedelta(minutes=1)
        day = start.date()
        for _ in range(366 * _MAX_YEARS):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        when = datetime(
                            day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc
                        )
                        if when >= start:
                            return when.timestamp()
            day += timedelta(days=1)
        raise ScheduleError("the cron expression never fires in the next ten years")

    def _day_matches(self, day) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        return _dom_matches(self.dom, day) and _dow_matches(self.dow, day)


def parse_schedule(expression: str) -> Rate | Cron:
    """Parse `rate(...)` or `cron(...)`; ScheduleError names the faulty part."""
    text = (expression or "").strip()
    m = _RATE.match(text)
    if m:
        value, unit = int(m[1]), m[2].rstrip("s")
        if value <= 0:
            raise ScheduleError(f"{expression}: the rate value must be positive")
        if (value == 1) != (m[2] == unit):  # AWS: "rate(1 hour)" but "rate(2 hours)"
            raise ScheduleError(f"{expression}: use the singular unit for 1, plural otherwise")
        return Rate(value * _UNITS[unit])
    m = _CRON.match(text)
    if not m:
        raise ScheduleError(f"{expression!r} is not a rate(...) or cron(...) expression")
    fields = m[1].split()
    if len(fields) != 6:
        raise ScheduleError(f"{expression}: cron needs 6 fields (min hour dom month dow year)")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ScheduleError(f"{expression}: exactly one of day-of-month and day-of-week is '?'")
    return Cron(
        minutes=_values(minute, 0, 59, {}, "minutes"),
        hours=_values(hour, 0, 23, {}, "hours"),
        dom=_check_day_field(dom, 1, 31, {}, "day-of-month"),
        months=_values(month, 1, 12, _MONTHS, "month"),
        dow=_check_day_field(dow, 1, 7, _DAYS, "day-of-week"),
        years=None if year == "*" else _values(year, 1970, 2199, {}, "year"),
    )


def _number(token: str, names: dict, field: str) -> int:
    token = token.upper()
    if token in names:
        return names[token]
    if not token.isdigit():
        raise ScheduleError(f"cron {field}: {token!r} is not a number")
    return int(token)


def _values(spec: str, low: int, high: int, names: dict, field: str) -> frozenset:
    out: set[int] = set()
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = _number(step_text, {}, field)
            if step <= 0:
                raise ScheduleError(f"cron {field}: step must be positive")
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _number(a, names, field), _number(b, names, field)
        else:
            start = _number(part, names, field)
            end = high if step != 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"cron {field}: {spec!r} is outside {low}-{high}")
        if end < start:  # wrap-around ranges such as FRI-MON
            out.update(range(start, high + 1, step))
            out.update(range(low, end + 1, step))
        else:
            out.update(range(start, end + 1, step))
    return frozenset(out)


def _check_day_field(spec: str, low: int, high: int, names: dict, field: str) -> str:
    """Day fields keep their text (L, W and # depend on the month); validate it now."""
    upper = spec.upper()
    if upper in ("?", "*", "L", "LW"):
        return upper
    if re.match(r"^\d+W$", upper) or re.match(r"^[A-Z0-9]+L$", upper) and field == "day-of-week":
        return upper
    if "#" in upper:
        day, nth = upper.split("#", 1)
        _number(day, names, field)
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            raise ScheduleError(f"cron {field}: {spec!r}: '#' needs 1-5")
        return upper
    _values(upper, low, high, names, field)
    return upper


def _aws_dow(day) -> int:
    return (day.weekday() + 1) % 7 + 1  # AWS: 1=SUN ... 7=SAT


def _dom_matches(spec: str, day) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if spec in ("?", "*"):
        return True
    if spec == "L":
        return day.day == last
    if spec == "LW":
        return day.day == _nearest_weekday(day, last)
    if spec.endswith("W"):
        return day.day == _nearest_weekday(day, min(int(spec[:-1]), last))
    return day.day in _values(spec, 1, 31, {}, "day-of-month")


def _nearest_weekday(day, target: int) -> int:
    """The weekday (Mon-Fri) nearest to day `target` of the month, not leaving the month."""
    last = calendar.monthrange(day.year, day.month)[1]
    weekday = calendar.weekday(day.year, day.month, target)  # Mon=0
    if weekday == 5:
        return target - 1 if target > 1 else target + 2
    if weekday == 6:
        return target + 1 if target < last else target - 2
    return target


def _dow_matches(spec: str, day) -> bool:
    if spec in ("?", "*"):
        return True
    dow = _aws_dow(day)
    if spec.endswith("L") and spec != "L":
        wanted = _number(spec[:-1], _DAYS, "day-of-week")
        last = calendar.monthrange(day.year, day.month)[1]
        return dow == wanted and day.day + 7 > last
    if spec == "L":
        return dow == 7
    if "#" in spec:
        name, nth = spec.split("#", 1)
        return dow == _number(name, _DAYS, "day-of-week") and (day.day - 1) // 7 + 1 == int(nth)
    return dow in _values(spec, 1, 7, _DAYS, "day-of-week")
