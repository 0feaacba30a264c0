"""A synthetic company: departments, managers, locations and time zones, the same for a seed."""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from dataclasses import dataclass, replace

DOMAIN = "corp.example"  # RFC 2606: never a real mailbox
INACTIVE_SHARE = 0.01  # people who left: on the roster, never mailed
LATE_HIRE_SHARE = 0.01  # joined after the send: the `not_sent` segment
TEAM_SIZE = 8


@dataclass(frozen=True)
class Location:
    name: str
    timezone: str
    utc_offset_hours: float  # standard time: a simulation needs no daylight-saving calendar
    weight: float


LOCATIONS = (
    Location("Zurich", "Europe/Zurich", 1, 0.22),
    Location("London", "Europe/London", 0, 0.16),
    Location("Berlin", "Europe/Berlin", 1, 0.10),
    Location("New York", "America/New_York", -5, 0.16),
    Location("San Francisco", "America/Los_Angeles", -8, 0.10),
    Location("São Paulo", "America/Sao_Paulo", -3, 0.06),
    Location("Bangalore", "Asia/Kolkata", 5.5, 0.12),
    Location("Singapore", "Asia/Singapore", 8, 0.08),
)
DEPARTMENTS = {
    "Engineering": 0.24, "Sales": 0.14, "Customer Support": 0.12, "Operations": 0.10,
    "Marketing": 0.08, "Finance": 0.07, "Research": 0.07, "IT": 0.05,
    "Human Resources": 0.04, "Legal": 0.03, "Procurement": 0.03, "Facilities": 0.03,
}  # fmt: skip
FIRST_NAMES = (
    "Anna", "Ben", "Chen", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya",
    "Liam", "Maya", "Nils", "Olga", "Pedro", "Qiu", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoë", "Amara", "Björn", "Chiara", "Diego", "Emma", "Felix",
    "Hannah", "Ivan", "Jasmin", "Kofi", "Lea", "Mateo", "Noor", "Oskar", "Priya", "Rafael",
    "Sofia", "Tomás", "Uma", "Viktor", "Yara", "Zeynep", "Aiko", "Bruno", "Céline", "Daniel",
    "Esra", "François", "Giulia", "Henrik", "Isabel", "Jakub", "Lukas", "Mei", "Nadia", "Omar",
)  # fmt: skip
LAST_NAMES = (
    "Meier", "Okafor", "Li", "Cohen", "Yılmaz", "Haddad", "Kim", "Tanaka", "García", "Weber",
    "Reddy", "Murphy", "Patel", "Nilsson", "Ivanova", "Santos", "Zhang", "Rossi", "Müller",
    "Nguyen", "Khan", "Novak", "Wang", "López", "Demir", "Fischer", "Mensah", "Larsen",
    "Bianchi", "Fernández", "Schmid", "Dubois", "Kowalski", "Singh", "Brown", "Silva", "Sato",
    "Andersen", "Moreau", "Costa", "Huber", "Jansen", "Keller", "Lindqvist", "Mwangi", "Ortiz",
    "Petrov", "Rahman", "Suzuki", "Brunner", "Gallo", "Hoffmann", "Iyer", "Jovanović", "Kaya",
)  # fmt: skip


@dataclass(frozen=True)
class Employee:
    employee_id: str
    email: str
    name: str
    department: str
    manager: str  # the manager's name, as HR rosters show it; empty for the CEO
    location: Location
    active: bool = True
    late_hire: bool = False  # on the roster but joined after the invitation went out

    @property
    def mailed(self) -> bool:
        return self.active and not self.late_hire


@dataclass(frozen=True)
class Company:
    employees: tuple[Employee, ...]
    gateway_department: str  # its mail gateway clicks every link seconds after delivery

    @property
    def departments(self) -> list[str]:
        return sorted({e.department for e in self.employees})

    @property
    def recipients(self) -> list[Employee]:
        return [e for e in self.employees if e.mailed]


def build_company(size: int = 2000, seed: int = 2025) -> Company:
    """`size` employees: a CEO, a head per department, teams of ~8 under managers."""
    if size < 1:
        raise ValueError("A company needs at least one employee.")
    rng = random.Random(seed)
    names = _Names(rng)
    ceo = _person(rng, names, 1, "Executive Office", "", LOCATIONS[0])
    employees = [ceo]
    for department, count in _department_sizes(size - 1).items():
        employees += _department(rng, names, department, count, ceo.name, len(employees) + 1)
    employees = [_maybe_churned(rng, e) for e in employees]
    gateway = rng.choice([d for d in DEPARTMENTS if d in {e.department for e in employees}] or [""])
    return Company(tuple(employees), gateway)


def roster_csv(company: Company) -> str:
    """The roster as HR would export it: the columns `mailpulse roster import` reads."""
    out = io.StringIO()
    columns = ["employee_id", "email", "name", "department", "manager", "location", "timezone"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*columns, "active"])
    for e in company.employees:
        writer.writerow(
            [e.employee_id, e.email, e.name, e.department, e.manager, e.location.name]
            + [e.location.timezone, "true" if e.active else "false"]
        )
    return out.getvalue()


def _department_sizes(total: int) -> dict[str, int]:
    sizes = {d: int(total * share) for d, share in DEPARTMENTS.items()}
    for department in list(DEPARTMENTS)[: total - sum(sizes.values())]:
        sizes[department] += 1  # the rounding remainder goes to the largest departments
    return {d: n for d, n in sizes.items() if n}


def _department(
    rng: random.Random, names: _Names, department: str, count: int, ceo: str, first_id: int
) -> list[Employee]:
    """A balanced tree: each manager leads up to TEAM_SIZE people, breadth first."""
    head = _person(rng, names, first_id, department, ceo, _pick_location(rng))
    people, open_seats = [head], [head]
    reports = 0
    for n in range(1, count):
        boss = open_seats[0]
        near_boss = rng.random() < 0.7  # teams cluster where their manager sits
        location = boss.location if near_boss else _pick_location(rng)
        people.append(_person(rng, names, first_id + n, department, boss.name, location))
        open_seats.append(people[-1])
        reports += 1
        if reports == TEAM_SIZE:
            open_seats.pop(0)
            reports = 0
    return people


def _person(
    rng: random.Random, names: _Names, number: int, department: str, manager: str, where: Location
) -> Employee:
    name, email = names.next()
    return Employee(f"E{number:05d}", email, name, department, manager, where)


def _pick_location(rng: random.Random) -> Location:
    return rng.choices(LOCATIONS, weights=[loc.weight for loc in LOCATIONS])[0]


def _maybe_churned(rng: random.Random, employee: Employee) -> Employee:
    roll = rng.random()
    if roll < INACTIVE_SHARE:
        return replace(employee, active=False)
    if roll < INACTIVE_SHARE + LATE_HIRE_SHARE:
        return replace(employee, late_hire=True)
    return employee


class _Names:
    """Unique names and addresses: a repeated name gets a digit in its address, as in real life."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._emails: set[str] = set()
        self._names: set[str] = set()

    def next(self) -> tuple[str, str]:
        name = self._unique_name()
        local = ".".join(_ascii(part) for part in name.lower().split())
        email, n = f"{local}@{DOMAIN}", 1
        while email in self._emails:
            n += 1
            email = f"{local}{n}@{DOMAIN}"
        self._emails.add(email)
        return name, email

    def _unique_name(self) -> str:
        """Managers are named in the roster, so names stay unique while the lists allow it."""
        saturated = len(self._names) > 0.8 * len(FIRST_NAMES) * len(LAST_NAMES)
        for attempt in range(25 if saturated else 0, 50):
            first, last = self._rng.choice(FIRST_NAMES), self._rng.choice(LAST_NAMES)
            name = f"{first} {last}" if attempt < 25 else f"{first} {self._initial()}. {last}"
            if name not in self._names:
                self._names.add(name)
                return name
        return name  # a company larger than the lists: a rare namesake

    def _initial(self) -> str:
        return chr(ord("A") + self._rng.randrange(26))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(c for c in folded if c.isascii() and c.isalnum())
