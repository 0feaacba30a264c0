"""mailpulse: SendGrid survey-invitation events into DuckDB, and who to remind."""
