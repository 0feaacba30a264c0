import pytest

from core.keys import derived, key_path, secret_key, survey_token, survey_tokens


def test_the_key_is_made_once_private_and_kept(tmp_path) -> None:
    db = tmp_path / "data" / "m.duckdb"
    key = secret_key(db)
    assert key_path(db) == tmp_path / "data" / "m.duckdb.key"
    assert key_path(db).stat().st_mode & 0o777 == 0o600
    assert secret_key(db) == key and len(key) == 32


def test_a_damaged_key_file_is_refused_not_replaced(tmp_path) -> None:
    db = tmp_path / "m.duckdb"
    key_path(db).write_bytes(b"short")
    with pytest.raises(ValueError, match="not a mailpulse key"):
        secret_key(db)
    assert key_path(db).read_bytes() == b"short"


def test_each_purpose_gets_its_own_key() -> None:
    key = bytes(32)
    assert derived(key, "survey token") != derived(key, "stored secrets")


def test_survey_tokens_are_url_safe_stable_and_distinct_per_campaign_and_employee() -> None:
    key = bytes(range(32))
    token = survey_token(key, "ENG-2026", "E1001")
    assert token == survey_token(key, "ENG-2026", "E1001")
    assert len(token) == 22 and token.replace("-", "").replace("_", "").isalnum()
    others = {survey_token(key, "ENG-2027", "E1001"), survey_token(key, "ENG-2026", "E1002")}
    assert token not in others and len(others) == 2
    assert "E1001" not in token and survey_token(bytes(32), "ENG-2026", "E1001") != token


def test_survey_tokens_in_bulk_equal_survey_token_one_by_one() -> None:
    key = bytes(range(32))
    bulk = survey_tokens(key, "survey-2026", ["E1", "E2", "E3"])
    assert bulk == {survey_token(key, "survey-2026", e): e for e in ("E1", "E2", "E3")}
