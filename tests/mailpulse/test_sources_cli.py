import getpass
import json
from pathlib import Path

import pytest

from mailpulse.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAILPULSE_DB", str(tmp_path / "m.duckdb"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sources_create_json_prints_a_standard_secret_once_and_list_never_shows_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "create", "flow", "--kind", "standard", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["name"] == "flow" and created["kind"] == "standard"
    assert created["secret"].startswith("whsec_")
    assert main(["sources", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert "flow" in listed and created["secret"] not in listed
    assert (env / "m.duckdb.key").stat().st_mode & 0o777 == 0o600


def test_a_typeform_source_takes_its_secret_from_a_file_and_can_be_removed(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "secret.txt").write_text("tf-secret\n")
    argv = ["sources", "create", "tf", "--kind", "typeform", "--secret-file", "secret.txt"]
    assert main([*argv, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"name": "tf", "kind": "typeform"}
    assert main(["sources", "remove", "tf"]) == 0
    assert main(["sources", "remove", "tf"]) == 1
    assert "There is no source named 'tf'" in capsys.readouterr().err


def test_creating_and_removing_a_source_each_leave_an_audit_row_without_the_secret(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    me = f"cli:{getpass.getuser()}"
    assert main(["sources", "create", "flow", "--kind", "standard", "--json"]) == 0
    secret = json.loads(capsys.readouterr().out)["secret"]
    assert main(["sources", "remove", "flow"]) == 0
    capsys.readouterr()
    assert main(["audit", "--json"]) == 0
    out = capsys.readouterr().out
    rows = [(r["actor"], r["action"], r["detail"]) for r in json.loads(out)]
    assert rows == [(me, "source_create", "flow (standard)"), (me, "source_remove", "flow")]
    assert secret not in out
