"""Every SQL statement of mailpulse, one named `.sql` file each, loaded once at import."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent
_QUERIES = {p.stem: p.read_text() for p in sorted(_HERE.glob("*.sql"))}
MIGRATIONS = [
    (int(p.stem.split("_")[0]), p.read_text()) for p in sorted(_HERE.glob("migrations/*.sql"))
]


def text(name: str) -> str:
    """The SQL of `name.sql`; a misspelt name fails loudly."""
    try:
        return _QUERIES[name]
    except KeyError:
        raise KeyError(f"There is no SQL file named {name}.sql in {_HERE}.") from None
