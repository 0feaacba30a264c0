-- Whether a source of this name is live (not removed).
SELECT count(*) FROM completion_sources WHERE name = $name AND removed_at IS NULL
