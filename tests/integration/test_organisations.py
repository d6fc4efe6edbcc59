"""Issue 13, partitions: one database holds many councils, each with its own keys, and a council's
business never shows in another's outputs.

Southend (2021-22) and Plymouth (2010-11) are loaded into one database, each setup naming its
council with `organisation:`. Both have a body called "Cabinet" and a person "DS"-like secretary;
each keeps its own. Each council's night, feeds, reports, digests and status are then made, and
none may hold a word of the other council."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
import urllib.request
from pathlib import Path

import pytest

from governance_model.errors import LoadError
from governance_model.storage import SqlUnitOfWork, make_engine, make_session_factory
from govflow.services import file_loading, status_overview
from govflow.services import report_writing as reports
from govflow.services.feed_publishing import publish_feeds
from govflow.services.night_planning import run_nightly
from govflow.settings import Settings
from govflow.web.app import create_app
from govflow.web.reports import ReportRoutes
from govflow.web.serve import run_in_thread
from notifications.delivery import make_sender
from notifications.outbox import send_pending

pytestmark = pytest.mark.database

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NIGHT = {"southend": dt.date(2022, 3, 1), "plymouth": dt.date(2011, 3, 22)}  # each with a papers window open
NOW = {"southend": dt.datetime(2022, 3, 1, 3, tzinfo=dt.timezone.utc), "plymouth": dt.datetime(2011, 3, 22, 3, tzinfo=dt.timezone.utc)}
# Words only the one council's papers have.
OWN_WORDS = {"southend": ("southend", "SENDOps", "JCB"), "plymouth": ("plymouth", "CYPScrutiny", "PSCB")}

Factory = Callable[[str], Callable[[], SqlUnitOfWork]]


@pytest.fixture
def councils(database_url: str) -> Iterator[Factory]:
    """units_of_work(organisation): a fresh unit of work in that council, on the test's database."""
    engine = make_engine(database_url)
    session_factory = make_session_factory(engine)
    yield lambda organisation: (lambda: SqlUnitOfWork(session_factory, organisation))
    engine.dispose()


def council_copy(tmp_path: Path, example: str, organisation: str | None) -> Path:
    """The example's folder copied, its setup.yaml naming `organisation` on its first line."""
    folder = tmp_path / f"{example}-{organisation}"
    shutil.copytree(EXAMPLES / example, folder)
    setup = folder / "setup.yaml"
    if organisation is not None:
        setup.write_text(f"organisation: {organisation}\n" + setup.read_text(encoding="utf-8"), encoding="utf-8")
    return setup


def load_both(tmp_path: Path, councils: Factory) -> None:
    for name in ("southend", "plymouth"):
        # The command works in the default council: the file says where it goes.
        summary = file_loading.load_files([council_copy(tmp_path, name, name)], councils("default")())
        assert summary.organisation == name


def every_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*")) if p.is_file())


def test_two_councils_keep_their_own_keys_and_outputs(tmp_path: Path, councils: Factory) -> None:
    load_both(tmp_path, councils)

    with councils("default")() as uow:
        assert uow.organisations() == ["plymouth", "southend"]
        assert uow.bodies.list() == []  # nothing went into the council nobody named
    cabinet_years = {}
    for name in ("southend", "plymouth"):
        with councils(name)() as uow:
            cabinet = {b.code: b for b in uow.bodies.list()}["Cabinet"]
            cabinet_years[name] = {m.starts_at.year for m in cabinet.meetings if m.starts_at}
    assert cabinet_years == {"southend": {2021, 2022}, "plymouth": {2011}}  # one key, two councils' Cabinets

    settings = Settings(data_dir=tmp_path / "data")
    for name in ("southend", "plymouth"):
        factory = councils(name)
        own = settings.for_organisation(name)
        update = run_nightly(factory, NIGHT[name], NOW[name])
        assert update.nights == [NIGHT[name]]  # the other council's run is not this council's
        publish_feeds(factory, own.feeds_dir, NIGHT[name], NOW[name], own.public_url, forecasts=update.forecasts)
        reports.write_reports(factory, own.reports_dir, NIGHT[name], forecasts=update.forecasts)
        send_pending(factory, make_sender(None, None, own.mailbox_dir, clock=lambda: NOW[name]), NOW[name])

    for name, other in (("southend", "plymouth"), ("plymouth", "southend")):
        own = settings.for_organisation(name)
        assert own.feeds_dir == settings.feeds_dir / name and own.public_url.endswith("/" + name)
        for what, folder in (("feeds", own.feeds_dir), ("reports", own.reports_dir), ("digests", own.mailbox_dir)):
            text = every_text(folder)
            assert text, f"{name} has no {what}"
            assert OWN_WORDS[name][0] in text.lower(), f"{name}'s {what} do not name their own council"
            for word in OWN_WORDS[other]:  # as a word: a feed's random token may hold the letters "jcb"
                assert not re.search(rf"(?<![a-z0-9]){word.lower()}(?![a-z0-9])", text.lower()), f"{name}'s {what} hold {other}'s {word!r}"
        status = status_overview.status(councils(name)(), NIGHT[name])
        shown = repr(status)
        assert status.documents and not any(word in shown for word in OWN_WORDS[other][1:])
    assert list((settings.mailbox_dir / "plymouth").iterdir()) and not list(settings.mailbox_dir.glob("*.eml"))

    # govflow serve: each council's feeds, subscribe page and reports under /<council>/, and its
    # links to itself there; nothing of the other council.
    reports_of = lambda key: ReportRoutes(councils(key), settings.for_organisation(key).reports_dir, lambda: NIGHT[key])  # noqa: E731
    with run_in_thread(lambda url: create_app(settings.feeds_dir, url, None, reports_of)) as url:
        for name, other in (("southend", "plymouth"), ("plymouth", "southend")):
            feed = urllib.request.urlopen(f"{url}/{name}/feeds/all.ics").read().decode()
            page = urllib.request.urlopen(f"{url}/{name}/subscribe").read().decode()
            report = urllib.request.urlopen(f"{url}/{name}/reports/board/Cabinet.md").read().decode()
            for text in (feed, page, report):
                assert not any(word.lower() in text.lower() for word in OWN_WORDS[other])
            assert f"{url}/{name}/feeds/all.ics" in page  # the address to subscribe to is the council's own
            assert f"@{name}.govflow" in feed  # and so are its events' UIDs


def test_a_second_load_of_a_council_changes_only_that_council(tmp_path: Path, councils: Factory) -> None:
    load_both(tmp_path, councils)
    setup = council_copy(tmp_path / "again", "plymouth", "plymouth")
    setup.write_text(setup.read_text(encoding="utf-8").replace("name: Cabinet\n", "name: Cabinet (renamed)\n", 1), encoding="utf-8")
    file_loading.load_files([setup], councils("default")())
    names = {}
    for name in ("southend", "plymouth"):
        with councils(name)() as uow:
            names[name] = {b.code: b.name for b in uow.bodies.list()}["Cabinet"]
    assert names == {"plymouth": "Cabinet (renamed)", "southend": "Cabinet"}


def test_one_load_is_for_one_council(tmp_path: Path, councils: Factory) -> None:
    southend, plymouth = council_copy(tmp_path, "southend", "southend"), council_copy(tmp_path, "plymouth", "plymouth")
    with pytest.raises(LoadError) as raised:
        file_loading.load_files([southend, plymouth], councils("default")())
    assert str(plymouth) in str(raised.value) and "'southend'" in str(raised.value) and "row 1" in str(raised.value)
    with councils("default")() as uow:
        assert uow.organisations() == ["default"]  # nothing stored


def test_a_file_for_another_council_than_the_one_named_is_refused(tmp_path: Path, councils: Factory) -> None:
    setup = council_copy(tmp_path, "plymouth", "plymouth")
    with pytest.raises(LoadError) as raised:
        file_loading.load_files([setup], councils("southend")())
    assert "GOVFLOW_ORGANISATION is 'southend'" in str(raised.value) and str(setup) in str(raised.value)


def test_a_setup_without_organisation_goes_into_the_council_the_command_works_in(tmp_path: Path, councils: Factory) -> None:
    file_loading.load_files([council_copy(tmp_path, "plymouth", None)], councils("plymouth")())
    with councils("default")() as uow:
        assert uow.organisations() == ["plymouth"]


def test_every_new_session_factory_keeps_to_its_council(tmp_path: Path, database_url: str) -> None:
    """Processes make session factories as they go (a run, a request, a worker's flow). A factory made
    where a collected one stood was once taken for it, and its sessions read every council's rows:
    north-council's forecasts came back as all four councils' in the three-council night. Factories
    are made and dropped here until addresses have repeated five times (up to 200 factories; a
    collection in a test process that has run many tests takes a while), and each one's unit of
    work must still see its own council alone."""
    import gc

    engine = make_engine(database_url)
    try:
        load_both(tmp_path, lambda organisation: (lambda: SqlUnitOfWork(make_session_factory(engine), organisation)))
        addresses: set[int] = set()
        seen_again = 0
        for turn in range(200):
            council = ("southend", "plymouth")[turn % 2]
            factory = make_session_factory(engine)
            seen_again += id(factory) in addresses
            addresses.add(id(factory))
            with SqlUnitOfWork(factory, council) as uow:
                codes = {body.code for body in uow.bodies.list()}
            assert {"southend": "JCB", "plymouth": "PSCB"}[council] in codes, (turn, council, sorted(codes))
            assert {"southend": "PSCB", "plymouth": "JCB"}[council] not in codes, (turn, council, sorted(codes))
            del factory
            gc.collect()
            if seen_again >= 5:  # five factories where collected ones stood: each would have read every council
                break
        assert seen_again, "no factory was made at a collected one's address: the test checked nothing"
    finally:
        engine.dispose()


def test_a_unit_of_work_refuses_a_session_that_reads_every_council(database_url: str) -> None:
    from sqlalchemy.orm import sessionmaker

    engine = make_engine(database_url)
    try:
        with pytest.raises(TypeError, match="keeps to one council"):
            with SqlUnitOfWork(sessionmaker(engine), "southend"):
                pass
    finally:
        engine.dispose()
