-- Remove a source: its posts are refused from now on; what it delivered stays.
UPDATE completion_sources SET removed_at = now()
WHERE name = $name AND removed_at IS NULL
RETURNING name
