"""The nightly flow's write_outputs task publishes the feeds, with the night's forecasts, into
GOVFLOW_FEEDS_DIR (default <GOVFLOW_DATA_DIR>/feeds). Called as a plain function: no Prefect server."""
from __future__ import annotations

from pathlib import Path

from govflow import wiring
from govflow.services import file_loading as services
from govflow.services import night_planning as service
from govflow.settings import Settings
from tests.calendars.conftest import AS_OF, SOUTHEND


def test_write_outputs_publishes_the_feeds_with_the_nights_forecasts() -> None:
    from flows.council_night import write_outputs

    settings = Settings()
    wiring.init_database(settings)
    services.load_files([SOUTHEND], wiring.unit_of_work(settings))
    snapshot = service.load_snapshot(wiring.unit_of_work(settings))
    update = service.advance_routes(snapshot, service.nights_to_run(snapshot.last_run, AS_OF))
    paths = write_outputs.fn(settings, update, snapshot, wiring.clock())
    feeds = Path(settings.feeds_dir)
    assert feeds == settings.data_dir / "feeds"
    assert feeds / "body" / "SSPB.ics" in paths and feeds / "all.ics" in paths
    assert (feeds / "index.json").exists()
    text = (feeds / "document" / "send-strategy-2021-24.ics").read_text()
    # The night's forecast (not yet stored) is what the document feed shows.
    forecast = update.forecasts[("send-strategy-2021-24", "sspb-draft")]
    assert f"DTSTART;VALUE=DATE:{forecast.date:%Y%m%d}" in text
