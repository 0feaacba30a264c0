"""What HR brings in as files: the roster and survey completions."""

from __future__ import annotations

from core import completions, roster
from core.database import Database
from core.funnel import require_campaign
from core.settings import Settings
from mailpulse.commands.registry import command


@command(creates=True)
def roster_import(
    db: Database, settings: Settings, text: str, replace: bool = False
) -> dict[str, int]:
    return roster.import_roster(db, text, replace=replace).as_dict()


@command()
def completions_import(
    db: Database, settings: Settings, text: str, campaign: str
) -> dict[str, object]:
    require_campaign(db, campaign)
    return completions.import_completions(db, campaign, text).as_dict()
