"""The nightly flow, run through Prefect, writes the reports and links them from the one summary
artifact of the council's night that the Prefect UI (and `prefect artifact ls`) shows: one artifact
a council night, not one a report (3,000 of them took a quarter of the national night)."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

from flows.nightly import NightlyParameters, nightly
from tests.flows.test_nightly_flow import council_run_id

AS_OF = dt.date(2021, 10, 6)
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"


def artifacts_of(flow_run_id) -> dict[str, str]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a.data for a in found if a.key}


def test_the_nightly_flow_writes_the_reports_and_links_them_from_the_councils_summary_artifact(prefect_api_url, southend_sqlite):
    reports_dir = Path(os.environ["GOVFLOW_DATA_DIR"]) / "reports"

    state = nightly(NightlyParameters(as_of=AS_OF), return_state=True)

    summary = state.result()
    written = {Path(p).relative_to(reports_dir).as_posix() for p in summary["reports_written"]}
    # A board report for every body a route comes to whose meeting's papers window is open on 6
    # October 2021 (SSPB meets that day, JCB on 20 October, Cabinet on 12 October; SENDOps's window
    # opens on the 7th), and the plan and the strategy it delivers, written for the first time, in all four forms.
    bodies = {"JCB", "SSPB", "Cabinet"}
    four = (".md", ".html", ".csv", ".xlsx")
    assert written == (
        {f"board/{b}{s}" for b in bodies for s in (".md", ".html")}
        | {f"plan/{PLAN}{s}" for s in four}
        | {f"strategy/send-strategy-2021-24{s}" for s in four}
    )
    assert all((reports_dir / p).stat().st_size > 0 for p in written)
    assert not (reports_dir / "board" / "SENDOps.md").exists()  # rendered on request by `govflow serve`
    sspb = (reports_dir / "board" / "SSPB.md").read_text(encoding="utf-8")
    assert "| Version 11 of SEND Strategy shared with SSPB | 6 th October 21 | due 6 Oct 2021 |" in sspb

    artifacts = artifacts_of(council_run_id(state.state_details.flow_run_id))
    assert set(artifacts) == {"govflow-nightly-summary"}, sorted(artifacts)  # no artifact per report
    markdown = artifacts["govflow-nightly-summary"]
    assert "## Outputs of default" in markdown
    assert f"reports written: {len(written)} files in `{reports_dir}`" in markdown
    for body in bodies:  # each board report, its files as links
        html = (reports_dir / "board" / f"{body}.html").resolve()
        assert f"[html]({html.as_uri()})" in markdown, body
    assert f"[xlsx]({(reports_dir / 'plan' / f'{PLAN}.xlsx').resolve().as_uri()})" in markdown
    assert "CSIB" not in markdown  # no route comes to CSIB: no report for it
    with get_client(sync_client=True) as client:  # the nightly run itself: one row per council
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]))
        )
    assert [a.key for a in found if a.key] == ["govflow-nightly-councils"], [(a.key, a.type) for a in found]
    (councils,) = [a for a in found if a.key]
    assert '"council": "default"' in councils.data
