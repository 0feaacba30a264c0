"""The People table as people read it: flags in words, times in the viewer's zone, blanks."""

import pandas as pd

from core import funnel
from dashboard import tables


def frame(**cells) -> pd.DataFrame:
    row = dict.fromkeys(funnel.COLUMNS) | dict.fromkeys(funnel.FLAGS, False)
    row |= {"stage": "clicked", "mails_sent": 0} | cells
    table = pd.DataFrame([row], columns=list(funnel.COLUMNS))
    for column in ("delivered_at", "opened_at", "clicked_at", "last_event_at"):
        table[column] = pd.to_datetime(table[column], utc=True)
    return table


def test_flags_read_as_words_and_none_as_a_blank() -> None:
    shown = tables.people(frame(opted_out=True, bot_click=True), "UTC").iloc[0]
    assert shown["flags"] == "Opted out, Link scanner click"
    assert tables.people(frame(), "UTC").iloc[0]["flags"] == ""
    assert (
        shown["name"] == ""
        and shown["delivered_at"] == ""
        and shown["stage"] == ("Clicked, not completed")
    )


def test_times_are_shown_in_the_viewers_zone() -> None:
    shown = tables.people(frame(delivered_at="2026-01-07T10:30:03Z"), "Europe/Zurich").iloc[0]
    assert shown["delivered_at"] == "2026-01-07 11:30"
    assert list(tables.people(frame(), "UTC").columns) == list(tables.PEOPLE)


def test_whole_percents_of_no_rate_are_an_empty_column_of_integers() -> None:
    assert tables.whole_percents(pd.Series([0.625, 1.0])).tolist() == [62, 100]
    empty = tables.whole_percents(pd.Series([], dtype=float))
    assert empty.empty and empty.dtype == "int64"
