"""When service jobs are due: interval, weekly, daily and quarterly slots; schedule durations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mappings.calendar import BusinessCalendar
from sync.config.loading import load_settings
from sync.errors import ConfigError
from sync.service.schedule import Daily, Every, QuarterStart, Weekly

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]


def test_interval_slots_change_once_per_interval() -> None:
    every = Every(dt.timedelta(minutes=15))
    first = every.slot(utc(2026, 11, 30, 10, 0))
    assert every.slot(utc(2026, 11, 30, 10, 14, 59)) == first
    assert every.slot(utc(2026, 11, 30, 10, 15)) != first
    assert every.poll_seconds == 900
    # Another interval never shares slots with this one.
    assert Every(dt.timedelta(minutes=30)).slot(utc(2026, 11, 30, 10, 0)) != first


def test_weekly_is_due_from_its_local_time_until_the_end_of_the_iso_week() -> None:
    weekly = Weekly(0, dt.time(9, 0), BERLIN)  # Monday 09:00 Berlin = 08:00 UTC in winter
    assert weekly.slot(utc(2026, 11, 30, 7, 59)) is None
    assert weekly.slot(utc(2026, 11, 30, 8, 0)) == "2026-W49"
    # Missed on Monday (no leader): still due later that week, the same slot.
    assert weekly.slot(utc(2026, 12, 2, 15, 0)) == "2026-W49"
    assert weekly.slot(utc(2026, 12, 6, 22, 59)) == "2026-W49"  # Sunday 23:59 Berlin
    assert weekly.slot(utc(2026, 12, 6, 23, 30)) is None  # already Monday 00:30 Berlin, before 09:00


def test_daily_is_due_after_its_local_time() -> None:
    daily = Daily(dt.time(9, 30), BERLIN)
    assert daily.slot(utc(2026, 11, 30, 8, 29)) is None
    assert daily.slot(utc(2026, 11, 30, 8, 30)) == "2026-11-30"
    assert daily.slot(utc(2026, 11, 30, 23, 30)) is None  # 00:30 on 1 December in Berlin
    assert daily.slot(utc(2026, 12, 1, 9, 0)) == "2026-12-01"


def test_quarterly_review_waits_for_the_first_business_day() -> None:
    quarter = QuarterStart(dt.time(9, 0), ZoneInfo("UTC"), BusinessCalendar("US"))
    # 2026-01-01 is a holiday (Thursday): the first business day is Friday 2026-01-02.
    assert quarter.first_business_day(dt.date(2026, 2, 10)) == dt.date(2026, 1, 2)
    assert quarter.slot(utc(2026, 1, 1, 12, 0)) is None
    assert quarter.slot(utc(2026, 1, 2, 8, 59)) is None
    assert quarter.slot(utc(2026, 1, 2, 9, 0)) == "2026-Q1"
    assert quarter.slot(utc(2026, 3, 31, 23, 0)) == "2026-Q1"
    # 2026-10-01 is a Thursday and a business day.
    assert quarter.first_business_day(dt.date(2026, 11, 30)) == dt.date(2026, 10, 1)
    assert quarter.slot(utc(2026, 11, 30, 12, 0)) == "2026-Q4"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"30s"', dt.timedelta(seconds=30)),
        ('"15m"', dt.timedelta(minutes=15)),
        ('"2h"', dt.timedelta(hours=2)),
        ('"1d"', dt.timedelta(days=1)),
        ('" 1.5 M "', dt.timedelta(seconds=90)),
        ("45", dt.timedelta(seconds=45)),
    ],
)
def test_schedule_durations(tmp_path: Path, value: str, expected: dt.timedelta) -> None:
    schedule = load_settings(_write(tmp_path, f"[schedule]\nsync_every = {value}\n"), {}, cwd=tmp_path).schedule
    assert schedule.sync_interval == expected
    assert schedule.pull_interval == dt.timedelta(minutes=15)  # the *_minutes default still applies


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pmsync.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[schedule]\nsync_every = "10x"\n', '[schedule] sync_every: must be a duration such as "30s"'),
        ('[schedule]\npull_every = "0s"\n', "[schedule] pull_every: must be at least 1s"),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "[schedule] timezone:"),
        ('[schedule]\nweekly_report_day = "someday"\n', "[schedule] weekly_report_day:"),
        ('[service]\nlisten = "localhost"\n', "[service] listen: string should match pattern"),
        ("[service]\nlease_seconds = 0\n", "[service] lease_seconds: input should be greater than 0"),
        ('[service]\ngithub_webhook_secret = "x"\n', "[service] github_webhook_secret: secrets are not read"),
    ],
)
def test_schedule_and_service_mistakes_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text), {}, cwd=tmp_path)
    assert message in caught.value.message


def test_schedule_keys_from_the_environment(tmp_path: Path) -> None:
    env = {"PMSYNC_SCHEDULE__PULL_EVERY": "30s", "PMSYNC_SERVICE__LISTEN": "0.0.0.0:9464"}
    settings = load_settings(None, env, cwd=tmp_path)
    assert settings.schedule.pull_interval == dt.timedelta(seconds=30)
    assert settings.service.listen == "0.0.0.0:9464"


def test_webhook_secret_files_are_relative_to_the_config(tmp_path: Path) -> None:
    path = _write(tmp_path, '[service]\ngithub_webhook_secret_file = "secrets/gh"\n')
    settings = load_settings(path, {}, cwd=Path("/"))
    assert settings.service.github_webhook_secret_file == tmp_path / "secrets/gh"
