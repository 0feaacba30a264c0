"""The audit trail's writer path: a row per action, and no data when the row cannot be written."""

import pytest

from core import audit
from core.database import Database


def test_an_export_is_built_only_after_its_audit_row_is_committed(db: Database) -> None:
    seen = []
    data = audit.audited_export(db, "hr@corp.example", "c1", "unopened", 3,
                                lambda: seen.append(len(audit.since(db))) or b"csv")  # fmt: skip
    assert data == b"csv" and seen == [1]
    assert audit.since(db)[0] | {"at": None} == {
        "at": None, "actor": "hr@corp.example", "action": "export", "campaign": "c1",
        "segment": "unopened", "rows": 3, "detail": None,
    }  # fmt: skip


def test_an_export_whose_audit_write_fails_is_never_built(db: Database) -> None:
    db.write(lambda con: con.execute("DROP TABLE audit"))
    built = []
    with pytest.raises(audit.AuditUnavailable, match="export is refused"):
        audit.audited_export(db, "hr@corp.example", "c1", "unopened", 3, lambda: built.append(1))
    assert built == []
