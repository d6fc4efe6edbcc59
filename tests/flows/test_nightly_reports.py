"""The nightly flow, run through Prefect, writes the reports and publishes each Report to Board as a
markdown artifact that the Prefect UI (and `prefect artifact ls`) shows."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

from flows.nightly import NightlyParameters, board_report_artifact_key, nightly

AS_OF = dt.date(2021, 10, 6)
PLAN = "send-peer-review-recommendations-high-level-implementation-plan-draft-1"


def artifacts_of(flow_run_id) -> dict[str, str]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a.data for a in found if a.key}


def test_the_nightly_flow_writes_the_reports_and_publishes_board_reports_as_artifacts(prefect_api_url, southend_sqlite):
    reports_dir = Path(os.environ["GOVFLOW_DATA_DIR"]) / "reports"

    state = nightly(NightlyParameters(as_of=AS_OF), return_state=True)

    summary = state.result()
    written = {Path(p).relative_to(reports_dir).as_posix() for p in summary["reports_written"]}
    # A board report for every body a route comes to whose meeting's papers window is open on 6
    # October 2021 (SSPB meets that day, JCB on 20 October, Cabinet on 12 October; SENDOps's window
    # opens on the 7th), and the plan, written for the first time, in all four forms.
    bodies = {"JCB", "SSPB", "Cabinet"}
    assert written == {f"board/{b}{s}" for b in bodies for s in (".md", ".html")} | {f"plan/{PLAN}{s}" for s in (".md", ".html", ".csv", ".xlsx")}
    assert all((reports_dir / p).stat().st_size > 0 for p in written)
    assert not (reports_dir / "board" / "SENDOps.md").exists()  # rendered on request by `govflow serve`
    sspb = (reports_dir / "board" / "SSPB.md").read_text(encoding="utf-8")
    assert "| Version 11 of SEND Strategy shared with SSPB | 6 th October 21 | due 6 Oct 2021 |" in sspb

    artifacts = artifacts_of(state.state_details.flow_run_id)
    assert board_report_artifact_key("SSPB") == "board-report-sspb"
    assert {board_report_artifact_key(b) for b in bodies} <= set(artifacts)
    assert artifacts["board-report-sspb"] == sspb
    assert "CSIB" not in " ".join(artifacts)  # no route comes to CSIB: no report for it


def test_artifact_keys_are_lowercase_letters_digits_and_dashes():
    assert board_report_artifact_key("SENDOps") == "board-report-sendops"
    assert board_report_artifact_key("Health & Wellbeing_Board") == "board-report-health-wellbeing-board"
