-- A new completion source; a removed one of the same name is replaced.
INSERT OR REPLACE INTO completion_sources (name, kind, campaign, secret, created_at, removed_at)
VALUES ($name, $kind, $campaign, $secret, now(), NULL)
