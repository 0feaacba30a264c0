"""`reprocess`: every derived table rebuilt from the raw archive."""

from __future__ import annotations

import duckdb

from core import funnel_state, keys, sql
from core.database import Database
from core.respondents import Tokens
from core.settings import Settings
from mailpulse.commands.registry import command
from receiver import completion_store
from receiver.events import Fields
from receiver.ingest import Delivery, parse, store_parsed

CHUNK = 200  # archived batches parsed and stored at a time


@command()
def reprocess(db: Database, settings: Settings) -> dict[str, int]:
    fields = Fields(settings.campaign_field, settings.employee_field)
    tokens = Tokens(keys.secret_key(settings.db))

    def rebuild(con: duckdb.DuckDBPyConnection) -> dict[str, int]:  # one transaction for both
        totals = rebuild_events(con, fields, settings.bot_click_seconds)
        return {**totals, "completions": completion_store.rebuild(con, tokens)["completed"]}

    return db.write(rebuild)


def rebuild_events(
    con: duckdb.DuckDBPyConnection, fields: Fields, bot_click_seconds: int
) -> dict[str, int]:
    """Derived tables, rebuilt from the raw archive in one transaction: all or nothing."""
    con.execute(sql.text("clear_derived"))
    totals = {"batches": 0, "events": 0, "duplicates": 0, "quarantined": 0}
    after = -1
    while chunk := con.execute(
        sql.text("next_raw_batches"), {"after": after, "limit": CHUNK}
    ).fetchall():
        deliveries = [Delivery(bytes(body), client, at) for _, at, client, body in chunk]
        ids = [batch_id for batch_id, *_ in chunk]
        items = [(delivery, parse(delivery, fields)) for delivery in deliveries]
        for outcome in store_parsed(con, ids, items):
            totals["batches"] += 1
            totals["events"] += outcome.stored
            totals["duplicates"] += outcome.duplicates
            totals["quarantined"] += outcome.quarantined
        after = ids[-1]
    funnel_state.rebuild(con, bot_click_seconds)
    return totals
