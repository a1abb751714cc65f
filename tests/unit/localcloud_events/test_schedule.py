from datetime import datetime, timezone

import pytest

from localcloud.events.schedule import Cron, Rate, ScheduleError, parse_schedule


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M %a")


def test_rate_expressions():
    assert parse_schedule("rate(1 hour)") == Rate(3600)
    assert parse_schedule("rate(5 minutes)") == Rate(300)
    assert parse_schedule("rate(2 days)") == Rate(172800)
    rate = Rate(3600)
    anchor = ts("2026-11-25 10:00:30")
    assert rate.next_after(anchor, anchor) == anchor + 3600
    assert rate.next_after(anchor + 3600, anchor) == anchor + 7200  # strictly after
    assert rate.next_after(anchor + 5000, anchor) == anchor + 7200


@pytest.mark.parametrize(
    "bad",
    [
        "rate(0 minutes)",
        "rate(1 hours)",
        "rate(5 minute)",
        "rate(5 weeks)",
        "cron(0 * * * *)",
        "cron(0 * * * * *)",
        "cron(0 * ? * ? *)",
        "cron(61 * * * ? *)",
        "cron(0 25 * * ? *)",
        "cron(0 0 ? * MON#6 *)",
        "hourly",
    ],
)
def test_invalid_expressions(bad):
    with pytest.raises(ScheduleError):
        parse_schedule(bad)


@pytest.mark.parametrize(
    "expression, after, expected",
    [
        ("cron(0 * * * ? *)", "2026-11-25 10:00", "2026-11-25 11:00 Wed"),
        ("cron(0 * * * ? *)", "2026-11-25 10:59", "2026-11-25 11:00 Wed"),
        ("cron(15 10 * * ? *)", "2026-11-25 10:15", "2026-11-26 10:15 Thu"),
        ("cron(0/15 * * * ? *)", "2026-11-25 10:16", "2026-11-25 10:30 Wed"),
        ("cron(0 8 ? * MON-FRI *)", "2026-11-27 09:00", "2026-11-30 08:00 Mon"),
        ("cron(0 8 ? * 2 *)", "2026-11-25 09:00", "2026-11-30 08:00 Mon"),  # 1=SUN, 2=MON
        ("cron(0 0 L * ? *)", "2026-02-10 00:00", "2026-02-28 00:00 Sat"),
        ("cron(0 0 1W * ? *)", "2026-11-25 00:00", "2026-12-01 00:00 Tue"),
        ("cron(0 0 15W * ? *)", "2026-11-01 00:00", "2026-11-16 00:00 Mon"),  # 15th is a Sunday
        ("cron(0 0 ? * 6#3 *)", "2026-11-01 00:00", "2026-11-20 00:00 Fri"),
        ("cron(0 0 ? * 6L *)", "2026-11-01 00:00", "2026-11-27 00:00 Fri"),
        ("cron(30 12 1 JAN,JUL ? 2027)", "2026-11-25 00:00", "2027-01-01 12:30 Fri"),
        ("cron(0 18 ? * FRI-MON *)", "2026-11-25 00:00", "2026-11-27 18:00 Fri"),
    ],
)
def test_cron_next_fire(expression, after, expected):
    schedule = parse_schedule(expression)
    assert isinstance(schedule, Cron)
    assert iso(schedule.next_after(ts(after))) == expected


def test_cron_that_never_fires_again():
    with pytest.raises(ScheduleError):
        parse_schedule("cron(0 0 1 1 ? 2020)").next_after(ts("2026-01-01 00:00"))


def test_offset_hourly_and_daily_crons_never_fire_in_the_same_hour():
    # The lake's two rules (decision 123): hourly at :05 except 02:05, daily at 02:05.
    hourly, daily = parse_schedule("cron(5 0-1,3-23 * * ? *)"), parse_schedule("cron(5 2 * * ? *)")

    def fires(cron, start: str, hours: int) -> list[str]:
        out, when, end = [], ts(start), ts(start) + hours * 3600
        while (when := cron.next_after(when)) < end:
            out.append(iso(when))
        return out

    hourly_fires = fires(hourly, "2026-11-25 00:00", 48)
    daily_fires = fires(daily, "2026-11-25 00:00", 48)
    assert daily_fires == ["2026-11-25 02:05 Wed", "2026-11-26 02:05 Thu"]
    assert len(hourly_fires) == 46 and hourly_fires[:3] == [
        "2026-11-25 00:05 Wed",
        "2026-11-25 01:05 Wed",
        "2026-11-25 03:05 Wed",
    ]
    assert not {f[:13] for f in hourly_fires} & {f[:13] for f in daily_fires}
