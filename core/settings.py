"""The one settings object: read from the environment (and `.env`) once, at start."""

from __future__ import annotations

import base64
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.keys import key_path


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILPULSE_", env_file=".env", extra="ignore")

    db: Path = Path("data/mailpulse.duckdb")
    sendgrid_public_keys: str = ""
    require_oauth: bool = True
    signature_max_age_seconds: int = 90_000
    token_ttl_seconds: int = 3600
    max_body_bytes: int = 8 * 1024 * 1024
    # What a slow client may hold (README, "Limits"); the hosts a browser may name the server by
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 60.0
    allowed_hosts: str = ""
    campaign_field: str = "campaign"
    employee_field: str = "employee_id"
    bot_click_seconds: int = 60
    dashboard_password: SecretStr = SecretStr("")
    # Sending through SendGrid's Mail Send API
    sendgrid_api_key: SecretStr = SecretStr("")
    sendgrid_api_url: str = "https://api.sendgrid.com"
    sendgrid_sandbox: bool = False
    from_email: str = ""
    from_name: str = "HR"
    asm_group_id: int | None = None
    reminder_cooldown_hours: int = 48
    # Microsoft Teams
    teams_outgoing_token: SecretStr = SecretStr("")
    teams_workflow_url: SecretStr = SecretStr("")  # its URL carries a signature: a secret
    silence_alert_minutes: int = 60
    # Privacy
    retention_days: int = 180

    @field_validator("asm_group_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        keys = self.public_keys  # a malformed key fails here, at start
        if not self.require_oauth and not keys:
            raise ValueError(
                "MAILPULSE_REQUIRE_OAUTH=false needs MAILPULSE_SENDGRID_PUBLIC_KEYS: "
                "without either, anyone could post events."
            )
        return self

    @cached_property
    def public_keys(self) -> tuple[ec.EllipticCurvePublicKey, ...]:
        return tuple(parse_public_key(k) for k in self.sendgrid_public_keys.split(",") if k.strip())

    @property
    def key_file(self) -> Path:
        """The secret key beside the database (see `core.keys`)."""
        return key_path(self.db)

    @property
    def admin_file(self) -> Path:
        """Where a running server leaves its loopback address and admin secret (mode 0600)."""
        return self.db.with_name(self.db.name + ".admin")


def parse_public_key(text: str) -> ec.EllipticCurvePublicKey:
    try:
        key = load_der_public_key(base64.b64decode(text.strip(), validate=True))
    except ValueError as exc:
        raise ValueError(f"A SendGrid public key is not base64 DER: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("A SendGrid public key is not an ECDSA P-256 key.")
    return key


_current: Settings | None = None


def current_settings() -> Settings:
    """The process's settings: installed by `serve`, else read from the environment once."""
    global _current
    if _current is None:
        _current = Settings()
    return _current


def install_settings(settings: Settings) -> None:
    global _current
    _current = settings
