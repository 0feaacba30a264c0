import json

import pytest

from mailpulse.cli import main


@pytest.fixture(autouse=True)
def database_in_tmp(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MAILPULSE_DB", str(tmp_path / "m.duckdb"))
    monkeypatch.chdir(tmp_path)


def test_clients_create_prints_the_secret_once_as_json(capsys) -> None:
    assert main(["clients", "create", "sendgrid-prod", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert set(created) == {"name", "client_id", "client_secret", "roles"}
    assert main(["clients", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert created["client_id"] in listed and created["client_secret"] not in listed


def test_a_duplicate_client_name_is_one_sentence_on_stderr(capsys) -> None:
    main(["clients", "create", "sg"])
    assert main(["clients", "create", "sg"]) == 1
    assert (
        capsys.readouterr().err
        == "mailpulse: A client named 'sg' exists already; pick another name.\n"
    )


def test_serve_refuses_a_public_host_without_a_password(capsys) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 1
    assert "MAILPULSE_DASHBOARD_PASSWORD" in capsys.readouterr().err


def test_an_invalid_configuration_is_named(capsys, monkeypatch) -> None:
    monkeypatch.setenv("MAILPULSE_REQUIRE_OAUTH", "false")
    assert main(["clients", "list"]) == 1
    assert "MAILPULSE_SENDGRID_PUBLIC_KEYS" in capsys.readouterr().err
