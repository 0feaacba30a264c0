-- Every live completion source with its encrypted secret (the receiver's cache reads these).
SELECT name, kind, campaign, secret FROM completion_sources WHERE removed_at IS NULL ORDER BY name
