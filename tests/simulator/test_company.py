"""The synthetic company: deterministic, a real hierarchy, a roster HR could export."""

from __future__ import annotations

import csv
import io
from collections import Counter

from simulator.company import LOCATIONS, build_company, roster_csv


def test_the_same_seed_builds_the_same_company() -> None:
    assert build_company(300, seed=4) == build_company(300, seed=4)
    assert build_company(300, seed=4) != build_company(300, seed=5)


def test_ids_emails_and_names_are_unique() -> None:
    company = build_company(2000)
    people = company.employees
    assert len(people) == 2000
    assert len({e.employee_id for e in people}) == 2000
    assert len({e.email for e in people}) == 2000
    assert len({e.name for e in people}) == 2000  # managers are named in the roster


def test_every_manager_is_an_employee_of_the_same_department_or_the_ceo() -> None:
    company = build_company(2000)
    by_name = {e.name: e for e in company.employees}
    ceo = company.employees[0]
    assert ceo.manager == ""
    for e in company.employees[1:]:
        boss = by_name[e.manager]
        assert boss.department == e.department or boss is ceo
    team_sizes = Counter(e.manager for e in company.employees if e.manager != ceo.name)
    assert max(team_sizes.values()) <= 8


def test_departments_locations_and_time_zones_are_spread() -> None:
    company = build_company(2000)
    assert len(company.departments) >= 12
    assert {e.location for e in company.employees} == set(LOCATIONS)
    assert company.gateway_department in company.departments


def test_a_few_left_or_joined_after_the_send_and_are_not_mailed() -> None:
    company = build_company(2000)
    not_mailed = len(company.employees) - len(company.recipients)
    assert 10 <= not_mailed <= 80
    assert any(not e.active for e in company.employees)


def test_the_roster_csv_has_the_columns_the_import_reads() -> None:
    company = build_company(50)
    rows = list(csv.DictReader(io.StringIO(roster_csv(company))))
    assert list(rows[0]) == [
        "employee_id", "email", "name", "department", "manager", "location", "timezone", "active"
    ]  # fmt: skip
    assert len(rows) == 50
    assert rows[1]["timezone"] in {loc.timezone for loc in LOCATIONS}
    assert {r["active"] for r in rows} <= {"true", "false"}
