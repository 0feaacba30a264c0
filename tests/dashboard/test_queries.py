"""The dashboard's derived figures: the funnel steps, team folding, delivery-to-open times."""

import pandas as pd

from dashboard import queries


def people(*rows: tuple[str, bool, bool], department: str = "Sales") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["stage", "machine_open", "bot_click"])
    frame["department"] = department
    frame["manager"] = "M"
    return frame


def test_funnel_steps_count_people_and_show_the_machine_gap() -> None:
    frame = people(
        ("clicked", False, False),
        ("delivered", True, False),  # Apple's proxy opened it: no person did
        ("delivered", False, True),  # a scanner clicked it
        ("bounced", False, False),
    )
    steps = queries.funnel_steps(frame).set_index("step")
    assert steps["people"].to_dict() == {
        "invited": 4, "delivered": 3, "opened": 1, "clicked": 1, "completed": 0,
    }  # fmt: skip
    assert steps.loc["opened", "with_machines"] == 2
    assert steps.loc["clicked", "with_machines"] == 2
    assert steps.loc["opened", "rate"] == 1 / 3


def test_small_teams_fold_into_other_and_tiny_remainders_are_hidden() -> None:
    frame = pd.concat(
        [
            people(*[("opened", False, False)] * 6, department="Sales"),
            people(*[("clicked", False, False)] * 3, department="Legal"),
            people(*[("delivered", False, False)] * 3, department="Audit"),
        ],
        ignore_index=True,
    )
    mix = queries.team_mix(frame, "department").set_index("department")
    assert mix["people"].to_dict() == {"Sales": 6, "other": 6}
    assert mix.loc["other", "clicked"] == 3

    alone = pd.concat([frame.iloc[:6], frame.iloc[6:8]], ignore_index=True)
    assert list(queries.team_mix(alone, "department")["department"]) == ["Sales"]


def test_delivery_to_open_is_measured_in_hours() -> None:
    frame = pd.DataFrame(
        {
            "delivered_at": pd.to_datetime(["2026-01-01T08:00Z", "2026-01-01T08:00Z"]),
            "opened_at": pd.to_datetime(["2026-01-01T10:30Z", None], utc=True),
        }
    )
    assert list(queries.delivery_to_open_hours(frame)) == [2.5]
