import tempfile
from pathlib import Path
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from core import funnel_state
from core.database import Database
from mailpulse.commands.archive import reprocess
from tests.funnel_events import CAMPAIGN, employees, funnel_of, ingest, sg

SCANNER = "40.94.28.13"


def rebuilt(db: Database, seconds: int = 60):
    """The funnel as a state judged from scratch gives it."""
    db.write(lambda con: funnel_state.rebuild(con, seconds))
    return funnel_of(db, seconds=seconds)


def test_a_later_click_from_the_same_ip_flags_clicks_judged_human_before(db) -> None:
    people = [f"E{n}" for n in range(1, 6)]
    employees(db, *(f"{p},{p.lower()}@corp.example,," for p in people))
    ingest(db, *(sg("delivered", 0, p) for p in people))
    ingest(db, *(sg("click", 7200 + i, p, ip=SCANNER) for i, p in enumerate(people[:4])))
    assert funnel_of(db).set_index("employee_id")["stage"].to_dict() == {
        "E1": "clicked", "E2": "clicked", "E3": "clicked", "E4": "clicked", "E5": "delivered",
    }  # fmt: skip

    ingest(db, sg("click", 7209, "E5", ip=SCANNER))

    frame = funnel_of(db)
    assert frame["stage"].eq("delivered").all() and frame["bot_click"].all()
    assert frame.equals(rebuilt(db))


def test_a_roster_import_finds_the_employee_of_earlier_events_by_email(db) -> None:
    ingest(db, sg("delivered", 0, None, email="anna.meier@corp.example"))
    unknown = funnel_of(db)
    assert unknown["employee_id"].isna().all()
    assert unknown["email"].tolist() == ["anna.meier@corp.example"]
    employees(db, "E7,anna.meier@corp.example,Anna Meier,Sales")
    frame = funnel_of(db)
    assert frame[["employee_id", "name", "stage"]].values.tolist() == [
        ["E7", "Anna Meier", "delivered"]
    ]


def test_a_verdict_judged_before_the_state_was_rebuilt_is_dropped(db) -> None:
    ingest(db, sg("delivered", 0), sg("open", 50))
    with db.cursor() as cur:
        outdated = funnel_state.build(cur, CAMPAIGN)
        states = funnel_state.judged(cur, CAMPAIGN, 60, funnel_state.EVERYONE)
    before = funnel_of(db)  # stores a newer state
    empty = states.slice(0, 0)
    db.write(lambda con: funnel_state.store(con, CAMPAIGN, 60, -1, outdated, empty))
    assert funnel_of(db).equals(before)


def test_reads_between_stores_lay_new_verdicts_over_the_stored_state(db, monkeypatch) -> None:
    monkeypatch.setattr(funnel_state, "STORE_EVERY_SECONDS", 3600)
    ingest(db, sg("delivered", 0))
    funnel_of(db)  # the first read hands the state to the writer, without waiting
    ingest(db, sg("open", 3600))  # committed after that store
    stored = stored_build(db)
    assert funnel_of(db)["stage"].tolist() == ["opened"]  # judged on the read's own snapshot
    db.write(lambda con: None)  # whatever the read handed the writer is done by now
    assert stored_build(db) == stored  # not stored again within the hour
    assert funnel_of(db).equals(rebuilt(db))


def stored_build(db: Database) -> tuple:
    with db.cursor() as cur:
        return funnel_state.build(cur, CAMPAIGN).stored


def test_reprocess_leaves_a_fresh_state_behind(db, settings) -> None:
    ingest(db, sg("delivered", 0), sg("click", 2, ip=SCANNER), sg("open", 3600))
    before = funnel_of(db)
    reprocess(db, settings)
    with db.cursor() as cur:
        assert funnel_state.build(cur, CAMPAIGN).fresh(settings.bot_click_seconds)
    assert funnel_of(db).equals(before)


PEOPLE = ("E1", "E2", "E3", "E4", "E5", "E6", None)  # None: known by email only (E2's)


def event(kind: str, at: float, who: str | None, **extra) -> dict:
    return sg(kind, at, who, **extra, **({} if who else {"email": "e2@corp.example"}))


scanner_clicks = st.builds(
    lambda at, who: event("click", 7200 + at, who, ip=SCANNER),
    at=st.integers(0, 15),
    who=st.sampled_from(PEOPLE),
)
other_events = st.builds(
    event,
    kind=st.sampled_from(["delivered", "open", "click", "bounce", "processed"]),
    at=st.sampled_from([0, 1, 2, 61, 3600, 7200, 7201, 7210, 7211]),
    who=st.sampled_from(PEOPLE),
    ip=st.sampled_from([SCANNER, "84.1.1.1", None]),
    sg_machine_open=st.booleans(),
)


@settings(max_examples=40, deadline=None)
@given(
    stream=st.lists(st.one_of(scanner_clicks, scanner_clicks, other_events), max_size=16),
    cuts=st.sets(st.integers(1, 15), max_size=4),
)
def test_refreshing_batch_by_batch_gives_the_funnel_of_a_full_rebuild(stream, cuts) -> None:
    """Scanner clicks spread over batches: the IP rule links recipients across refreshes."""
    bounds = [0, *sorted(c for c in cuts if c < len(stream)), len(stream)]
    every_read_stores = patch.object(funnel_state, "STORE_EVERY_SECONDS", 0)
    with every_read_stores, tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "state.duckdb")
        try:
            employees(db, "E1,e1@corp.example,,", "E2,e2@corp.example,,")
            for start, end in zip(bounds, bounds[1:], strict=False):
                ingest(db, *stream[start:end])
                refreshed = funnel_of(db)
            assert refreshed.equals(rebuilt(db))
        finally:
            db.close()
