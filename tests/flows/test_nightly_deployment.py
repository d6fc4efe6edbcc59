"""The nightly deployment as the Prefect API stores it: 03:00 every day in Europe/London."""
from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from prefect import get_client
from prefect.server.schemas.schedules import CronSchedule

from flows.deployment import CRON, FULL_NAME, TIMEZONE, apply_deployment

LONDON = ZoneInfo("Europe/London")


def test_the_deployment_runs_at_three_in_the_morning_london_time(prefect_api_url):
    deployment_id = apply_deployment()
    assert apply_deployment() == deployment_id  # applying again updates it in place

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(FULL_NAME)

    assert deployment.id == deployment_id
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 3 * * *", "Europe/London")
    assert schedule.active
    assert deployment.entrypoint == "flows.nightly.nightly"
    assert deployment.parameters == {}


def test_the_schedule_runs_once_a_night_across_the_clock_changes():
    # The Prefect server's own schedule arithmetic, over the nights the UK clocks changed in 2021.
    schedule = CronSchedule(cron=CRON, timezone=TIMEZONE)
    for first in (dt.date(2021, 3, 27), dt.date(2021, 10, 30)):
        start = dt.datetime.combine(first, dt.time(0, 0), LONDON)
        runs = [run.astimezone(LONDON) for run in asyncio.run(schedule.get_dates(n=3, start=start))]
        assert [(run.date(), run.time()) for run in runs] == [(first + dt.timedelta(days=i), dt.time(3, 0)) for i in range(3)]
