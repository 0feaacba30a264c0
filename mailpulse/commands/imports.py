"""What HR brings in as files: the roster and survey completions."""

from __future__ import annotations

from core import audit, completions, roster
from core.database import Database
from core.funnel import require_campaign
from core.settings import Settings
from mailpulse.commands.registry import command


@command(creates=True)
def roster_import(
    db: Database, settings: Settings, text: str, replace: bool = False, actor: str = "cli"
) -> dict[str, int]:
    result = roster.import_roster(db, text, replace=replace)
    audit.record(db, actor, "roster_import", rows=result.inserted + result.updated)
    return result.as_dict()


@command()
def completions_import(
    db: Database, settings: Settings, text: str, campaign: str, actor: str = "cli"
) -> dict[str, object]:
    require_campaign(db, campaign)
    result = completions.import_completions(db, campaign, text)
    audit.record(db, actor, "completions_import", campaign=campaign, rows=result.recorded)
    return result.as_dict()
